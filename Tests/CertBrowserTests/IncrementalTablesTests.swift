import AtlasAPI
import Foundation
import Testing
@testable import CertBrowser

/// The projects table and the all-certificates view are brought up to date from what a
/// batch of results touched (`TableChanges`), not rebuilt from the whole fleet. Whatever
/// order and batching results arrive in, with failures, cancels and reloads among them,
/// both must equal tables built from scratch from the same data.
@Suite("Incremental tables")
struct IncrementalTablesTests {
    static let now = Fixture.now

    /// A small fleet with every case the rules know: users listed twice, users that are
    /// not MANAGED, users with no certificates, a project whose users fail, a user whose
    /// certificates fail, a project with no users.
    static func fleet(seed: UInt64) -> InMemoryFleet {
        var random = SplitMix(seed: seed)
        let organization = Organization(id: "5f00000000000000000000b1", name: "Org")
        var projects: [Project] = []
        var users: [String: [DatabaseUser]] = [:]
        var certificates: [UserKey: [Certificate]] = [:]
        var failures: [FleetJob: AtlasError] = [:]
        var nextID: UInt64 = 9_007_199_254_740_993  // above 2^53
        for p in 0..<7 {
            let project = Project(id: String(format: "65b0000000000000000000%02d", p), name: "project \(6 - p)",
                                  orgId: organization.id)
            projects.append(project)
            var listed: [DatabaseUser] = []
            for u in 0..<Int(random.next() % 14) {
                let type: DatabaseUser.X509Type = random.next() % 4 == 0 ? .none : .managed
                let user = DatabaseUser(username: "user-\(p)-\(u)", databaseName: "$external", groupId: project.id,
                                        roles: [], x509Type: type)
                listed.append(user)
                if u == 3 { listed.append(user) }  // a listing that repeats a user
                var list: [Certificate] = []
                for _ in 0..<Int(random.next() % 5) {
                    let notAfter = now.addingTimeInterval(Double(Int(random.next() % 200) - 20) * 86_400)
                    list.append(Certificate(id: CertificateID(nextID), subject: "CN=user-\(p)-\(u)",
                                            createdAt: notAfter.addingTimeInterval(-90 * 86_400), notAfter: notAfter,
                                            groupId: project.id))
                    nextID += random.next() % 3 + 1
                }
                certificates[UserKey(user, projectID: project.id)] = list
                if u == 5 { failures[.certificates(UserKey(user, projectID: project.id))] = AtlasError(kind: .serverError, message: "HTTP 500") }
            }
            users[project.id] = listed
        }
        failures[.users(projectID: projects[2].id)] = AtlasError(kind: .forbidden, message: "HTTP 403")
        return InMemoryFleet(organizations: [organization], projects: projects, usersByProject: users,
                             certificatesByUser: certificates, failures: failures)
    }

    /// Answers pending loads in a shuffled order, several per batch as the runtime does,
    /// and checks the tables after every batch.
    static func drain(_ state: inout State, _ effects: [Effect], _ fleet: InMemoryFleet, _ random: inout SplitMix) {
        var queue = effects
        while !queue.isEmpty {
            let count = min(queue.count, Int(random.next() % 9) + 1)
            var batch: [Action] = []
            for _ in 0..<count {
                let effect = queue.remove(at: Int(random.next() % UInt64(queue.count)))
                if case .load(let id, let job) = effect { batch.append(.loaded(id, fleet.answer(job))) }
            }
            queue += state.apply(batch, now: now)
            expectTablesAsBuiltFromScratch(state)
        }
    }

    static func expectTablesAsBuiltFromScratch(_ state: State, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(state.projectsTable.rows == state.projectRows(), "projects table", sourceLocation: sourceLocation)
        guard let table = state.fleetTable else { return }
        let context = state.context(now)
        let scratch = Table(rows: state.fleetRows(now).rows, sort: table.sort, context: context)
        #expect(table.rows == scratch.rows, "all-certificates rows", sourceLocation: sourceLocation)
        #expect(table.visibleRows.map(\.key) == scratch.visibleRows.map(\.key), "visible order", sourceLocation: sourceLocation)
        let records = Array(state.usersLoad.values) + Array(state.certificatesLoad.values)
        #expect(state.fleetScanStatus.cancelled == records.filter(\.isCancelled).count, "cancelled count",
                sourceLocation: sourceLocation)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func aScanStreamingIntoTheOpenViewsGivesTheTablesBuiltFromScratch(seed: UInt64) throws {
        var random = SplitMix(seed: seed &* 7919)
        var fleet = Self.fleet(seed: seed)
        var state = State(viewport: Size(width: 120, height: 30))
        // The view opens at once and sorts by another column than the default.
        var effects = state.apply(.start, now: Self.now)
        effects += state.apply(.key(.character("a")), now: Self.now)
        effects += state.apply(.key(.character(">")), now: Self.now)
        Self.drain(&state, effects, fleet, &random)
        let table = try #require(state.fleetTable)
        var expected = 0
        for project in fleet.projects where fleet.failures[.users(projectID: project.id)] == nil {
            var seen = Set<UserKey>()
            for user in fleet.usersByProject[project.id] ?? [] where user.hasManagedCertificates {
                let key = UserKey(user, projectID: project.id)
                guard seen.insert(key).inserted, fleet.failures[.certificates(key)] == nil else { continue }
                expected += fleet.certificatesByUser[key]?.count ?? 0
            }
        }
        #expect(expected > 0 && table.rows.count == expected, "every answered certificate is a row")

        // A rescan with Atlas's answers changed: a certificate gone, one added, a user gone.
        let user = try #require(table.rows.first { $0.user.projectID != fleet.projects[0].id }?.user, "a row outside the project that loses a user")
        fleet.certificatesByUser[user]?.removeFirst()
        fleet.certificatesByUser[user]?.append(Certificate(id: CertificateID(UInt64.max - seed), subject: "CN=new",
                                                          createdAt: nil, notAfter: Self.now.addingTimeInterval(86_400),
                                                          groupId: user.projectID))
        fleet.usersByProject[fleet.projects[0].id]?.removeLast()
        Self.drain(&state, state.apply(.key(.character("R")), now: Self.now), fleet, &random)
        #expect(state.fleetTable?.rows.contains { $0.certificate.id.value == UInt64.max - seed } == true)

        // Esc in the middle of a rescan cancels what is loading; the rest arrives late and is dropped.
        effects = state.apply(.key(.character("R")), now: Self.now)
        let half = effects.count / 2
        Self.drain(&state, Array(effects.prefix(half)), fleet, &random)
        let cancels = state.apply(.key(.escape), now: Self.now)
        Self.expectTablesAsBuiltFromScratch(state)
        #expect(state.stack == [.projects] || !cancels.isEmpty)
        // `s` hides superseded rows, then the view is opened again and a rescan streams in.
        Self.drain(&state, state.apply(.key(.character("a")), now: Self.now), fleet, &random)
        Self.drain(&state, state.apply(.key(.character("s")), now: Self.now), fleet, &random)
        Self.drain(&state, state.apply(.key(.character("R")), now: Self.now), fleet, &random)
        Self.expectTablesAsBuiltFromScratch(state)
    }

    @Test func resultsNameTheRowsTheyChange() throws {
        let fleet = Self.fleet(seed: 11)
        var state = State()
        Fixture.settle(&state, state.apply(.start, now: Self.now))
        let project = fleet.projects[0]
        let user = try #require(fleet.usersByProject[project.id]?.first { $0.hasManagedCertificates })
        let key = UserKey(user, projectID: project.id)
        state.changes = TableChanges()
        // Fixture data has no such user: the certificates are new rows of one project.
        state.changeFleet(for: .certificates(key)) { _ = $0.apply(.certificates(key, fleet.certificatesByUser[key] ?? []), Self.now) }
        #expect(state.changes.projects == [project.id])
        #expect(state.changes.newUsers == [key] && !state.changes.fleetNeedsRebuild)
        // The same user's certificates again, changed: the view's rows of that user change.
        state.changeFleet(for: .certificates(key)) { _ = $0.apply(.certificates(key, []), Self.now) }
        #expect(state.changes.fleetNeedsRebuild && state.changes.newUsers.isEmpty)
        // A load begun touches its project's row only.
        state.changes = TableChanges()
        state.changeFleet(for: .users(projectID: fleet.projects[1].id)) { $0.begin(.users(projectID: fleet.projects[1].id), Self.now) }
        #expect(state.changes == {
            var expected = TableChanges()
            expected.touch(fleet.projects[1].id)
            return expected
        }())
        // Any other change of the model is not described: everything is marked changed.
        state.changes = TableChanges()
        state.fleet.insert(Certificate(id: CertificateID(1), subject: "CN=x", createdAt: nil, notAfter: Self.now, groupId: project.id),
                           for: key)
        #expect(state.changes.projects == nil && state.changes.fleetNeedsRebuild)
    }
}

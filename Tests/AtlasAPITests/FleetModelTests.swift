import AtlasAPI
import Foundation
import Testing

/// The walk's rules, on the pure model, with no simulator and no HTTP.
@Suite struct FleetModelTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let org = Organization(id: "o1", name: "Acme")
    static let payments = Project(id: "p1", name: "payments", orgId: "o1")
    static let ledger = Project(id: "p2", name: "ledger", orgId: "o1")

    static func user(_ name: String, _ project: Project, managed: Bool = true, database: String = "$external") -> DatabaseUser {
        DatabaseUser(username: name, databaseName: database, groupId: project.id, x509Type: managed ? .managed : .none)
    }

    static func cert(_ id: UInt64, days: Double) -> Certificate {
        Certificate(id: CertificateID(id), subject: "CN=x", createdAt: nil, notAfter: now.addingTimeInterval(days * 86_400), groupId: nil)
    }

    static let alice = user("alice", payments)
    static let bob = user("bob", payments, managed: false)
    static let carol = user("carol", ledger)

    static func fleet(failures: [FleetJob: AtlasError] = [:], users: [String: [DatabaseUser]]? = nil) -> InMemoryFleet {
        InMemoryFleet(
            organizations: [org], projects: [payments, ledger],
            usersByProject: users ?? [payments.id: [alice, bob], ledger.id: [carol]],
            certificatesByUser: [UserKey(alice, projectID: payments.id): [cert(10_000_000_000_000_000_001, days: 3)],
                                 UserKey(carol, projectID: ledger.id): [cert(2, days: 40), cert(3, days: 9)]],
            failures: failures)
    }

    @Test func onlyManagedUsersAreAskedForCertificates() {
        let (model, jobs, aborted) = Self.fleet().walk(now: Self.now)
        #expect(aborted == nil)
        #expect(jobs == [.projects, .users(projectID: "p1"), .users(projectID: "p2"),
                         .certificates(UserKey(Self.alice, projectID: "p1")), .certificates(UserKey(Self.carol, projectID: "p2"))])
        #expect(model.rows.map(\.certificate.id.value) == [10_000_000_000_000_000_001, 3, 2])
        #expect(model.tally == {
            var tally = FleetTally()
            tally.projectsTotal = 2; tally.projectsDone = 2; tally.usersTotal = 2; tally.usersDone = 2; tally.certificates = 3
            return tally
        }())
        #expect(model.tally.fraction == 1)
    }

    @Test func aRepeatedUserIsAskedOnce() {
        let fleet = Self.fleet(users: ["p1": [Self.alice, Self.alice, Self.bob], "p2": []])
        let (model, jobs, _) = fleet.walk(now: Self.now)
        #expect(jobs.filter { if case .certificates = $0 { true } else { false } }.count == 1)
        #expect(model.tally.usersTotal == 1)
        #expect(model.managedUsers.count == 1)
    }

    @Test func aUserBeingLoadedIsNotAskedAgain() {
        var model = FleetModel()
        model.begin(.projects, Self.now)
        _ = model.apply(.projects([Self.payments], organizations: []), Self.now)
        let key = UserKey(Self.alice, projectID: "p1")
        model.begin(.certificates(key), Self.now)  // opened on demand before the listing arrived
        #expect(model.apply(.users(projectID: "p1", [Self.alice]), Self.now) == .run([]))
    }

    @Test func aFailureIsRecordedAndTheWalkGoesOn() {
        let forbidden = AtlasError(kind: .forbidden, message: "HTTP 403")
        let (model, jobs, aborted) = Self.fleet(failures: [.users(projectID: "p2"): forbidden]).walk(now: Self.now)
        #expect(aborted == nil)
        #expect(jobs.count == 4)
        #expect(model.failures == [ScanFailure(projectID: "p2", projectName: "ledger", error: forbidden)])
        #expect(model.tally.projectsDone == 2 && model.tally.usersTotal == 1 && model.tally.usersDone == 1)
        #expect(model.rows.count == 1)
    }

    @Test(arguments: [
        AtlasError(kind: .unauthorized, message: "401"),
        AtlasError(kind: .credentials, message: "no key"),
        AtlasError(kind: .transport(.connectionRefused(host: "cloud.mongodb.com:443")), message: "Cannot connect."),
    ])
    func rejectedCredentialsOrNoRouteAbortAtOnce(_ error: AtlasError) {
        let (model, jobs, aborted) = Self.fleet(failures: [.users(projectID: "p1"): error]).walk(now: Self.now)
        #expect(aborted == error)
        #expect(jobs == [.projects, .users(projectID: "p1")])
        #expect(model.record(.users(projectID: "p2")).isCancelled)
        #expect(model.cancelledJobs == 1)
    }

    @Test func transientFailuresDoNotAbort() {
        let error = AtlasError(kind: .transport(.timeout), message: "timed out")
        #expect(!FleetModel.endsWalk(error))
        #expect(!FleetModel.endsWalk(AtlasError(kind: .serverError, message: "503")))
    }

    @Test func aCancelIsItsOwnStateNotAFailure() {
        var model = FleetModel()
        _ = model.apply(.projects([Self.payments], organizations: []), Self.now)
        model.begin(.users(projectID: "p1"), Self.now)
        #expect(model.apply(.cancelled(.users(projectID: "p1")), Self.now) == .run([]))
        let record = model.record(.users(projectID: "p1"))
        #expect(record.isCancelled && record.error == nil && record.isStale && !record.isDone)
        #expect(model.failures.isEmpty)
        #expect(model.tally.projectsDone == 0)
    }

    @Test func aNewProjectListForgetsProjectsThatAreGone() {
        var (model, _, _) = Self.fleet().walk(now: Self.now)
        _ = model.apply(.projects([Self.ledger], organizations: []), Self.now)
        #expect(model.usersByProject["p1"] == nil)
        #expect(model.rows.map(\.certificate.id.value) == [3, 2])
        #expect(model.tally.projectsTotal == 1 && model.tally.usersTotal == 1 && model.tally.certificates == 2)
    }

    @Test func theTallyFollowsARefreshWithoutCountingTwice() {
        var (model, _, _) = Self.fleet().walk(now: Self.now)
        let key = UserKey(Self.carol, projectID: "p2")
        model.begin(.certificates(key), Self.now)
        _ = model.apply(.certificates(key, [Self.cert(4, days: 1)]), Self.now)
        #expect(model.tally.usersDone == 2 && model.tally.certificates == 2)
        _ = model.apply(.users(projectID: "p2", [Self.carol]), Self.now)
        #expect(model.tally.usersDone == 2 && model.tally.certificates == 2)
    }

    @Test func aFailedRefreshKeepsTheRowsAndSaysStale() {
        var (model, _, _) = Self.fleet().walk(now: Self.now)
        let key = UserKey(Self.alice, projectID: "p1")
        model.begin(.certificates(key), Self.now)
        _ = model.apply(.failed(.certificates(key), AtlasError(kind: .serverError, message: "503")), Self.now)
        #expect(model.certificatesByUser[key]?.count == 1)
        #expect(model.record(.certificates(key)).isStale && model.record(.certificates(key)).lastLoaded == Self.now)
        #expect(model.tally.usersDone == 2)
        #expect(model.failures.count == 1)
    }
}

import AtlasAPI
import Foundation
import Testing
@testable import CertBrowser

/// The all-certificates view (`a`): every certificate of every project in one table.
@Suite("All-certificates view")
struct FleetViewTests {
    static let allIDs: [UInt64] = Fixture.certificates.values.flatMap { $0.map(\.id.value) }

    @Test func opensFromAnyScreenAboveTheProjectsSortedBySoonestExpiry() throws {
        var state = Fixture.loaded()
        Fixture.select(.project(Fixture.payments.id), on: &state)
        Fixture.press(.enter, on: &state)
        Fixture.select(.user(UserKey(Fixture.alice, projectID: Fixture.payments.id)), on: &state)
        Fixture.press(.enter, on: &state)
        #expect(state.apply(.key(.character("a")), now: Fixture.now).isEmpty, "everything is loaded: no new scan")
        #expect(state.stack == [.projects, .fleet])
        #expect(state.usersTable == nil && state.certificatesTable == nil)
        let table = try #require(state.fleetTable)
        #expect(Set(table.rows.map(\.certificate.id.value)) == Set(Self.allIDs))
        let expiries = table.visibleRows.map(\.certificate.notAfter)
        #expect(expiries == expiries.sorted(), "soonest expiry first")
        #expect(table.selectedRow?.certificate.id.value == 946_028_664_465_903_704, "the most urgent row is selected")
        #expect(table.visibleRows.first { $0.certificate.id.value == 42 }?.projectName == Fixture.hostileProjectName)
    }

    @Test func enterOpensTheUserWithThatCertificateSelectedAndEscLeadsBack() {
        var state = Fixture.loaded()
        Fixture.press(.character("a"), on: &state)
        let tanakaCertificate = RowKey.fleetCertificate(UserKey(Fixture.tanaka, projectID: Fixture.payments.id), CertificateID(7_000_000_000_000_000_002))
        Fixture.select(tanakaCertificate, on: &state)
        Fixture.press(.enter, on: &state)
        #expect(state.stack == [.projects, .fleet, .certificates(UserKey(Fixture.tanaka, projectID: Fixture.payments.id))])
        #expect(state.certificatesTable?.selectedKey == .certificate(CertificateID(7_000_000_000_000_000_002)))
        Fixture.press(.escape, on: &state)
        #expect(state.screen == .fleet)
        #expect(state.fleetTable?.selectedKey == tanakaCertificate, "the selection is where it was")
        Fixture.press(.escape, on: &state)
        #expect(state.stack == [.projects])
        #expect(state.fleetTable == nil)
    }

    @Test func filterSortAndCopyWorkAsOnTheOtherTables() throws {
        var state = Fixture.loaded()
        Fixture.press(.character("a"), on: &state)
        Fixture.press(.character("/"), on: &state)
        for character in "田中" { Fixture.press(.character(character), on: &state) }
        Fixture.press(.enter, on: &state)
        #expect(state.fleetTable?.visibleRows.map(\.certificate.id.value) == [7_000_000_000_000_000_001, 7_000_000_000_000_000_002])
        #expect(state.apply(.key(.character("y")), now: Fixture.now) == [.copy(text: "7000000000000000001", what: "certificate ID 7000000000000000001")])
        let effects = state.apply(.key(.character("Y")), now: Fixture.now)
        guard case .copy(let json, _)? = effects.first else {
            Issue.record("Y copies JSON")
            return
        }
        #expect(json.contains("\"username\"") && json.contains("田中太郎") && json.contains("7000000000000000001"))

        Fixture.press(.escape, on: &state)  // clears the filter
        #expect(state.fleetTable?.visibleRows.count == Self.allIDs.count)
        // Sort by the project column: `>` moves from EXPIRES to the next column, `<` back.
        let columns = FleetRow.columns.map(\.id)
        #expect(columns.prefix(3) == [.certificateID, .project, .user])
        while state.fleetTable?.sort.column != .project { Fixture.press(.character(">"), on: &state) }
        let names = try #require(state.fleetTable?.visibleRows.map(\.projectName))
        let folded = names.map { $0.lowercased() }
        #expect(folded == folded.sorted(), "case-insensitive, by project")
        Fixture.press(.character("r"), on: &state)
        #expect(state.fleetTable?.visibleRows.map { $0.projectName.lowercased() } == folded.reversed())
    }

    @Test func fillsInAsResultsArriveAndReportsProgress() {
        var state = State()
        var effects = state.apply(.start, now: Fixture.now)
        #expect(state.apply(.key(.character("a")), now: Fixture.now).isEmpty, "a scan is already running")
        #expect(state.fleetScanStatus.projectsTotal == nil)
        guard case .load(let projectsID, .projects)? = effects.first else {
            Issue.record("start loads projects")
            return
        }
        effects = state.apply(.projectsLoaded(projectsID, organizations: [Fixture.organization], projects: Fixture.projects), now: Fixture.now)
        #expect(state.fleetScanStatus.projectsTotal == 4 && state.fleetScanStatus.projectsDone == 0)
        // Users of Payments: three MANAGED users to scan.
        guard case .load(let usersID, .users(_))? = effects.first(where: {
            if case .load(_, .users(Fixture.payments.id)) = $0 { return true }
            return false
        }) else {
            Issue.record("users of Payments requested")
            return
        }
        let certificateLoads = state.apply(.usersLoaded(usersID, projectID: Fixture.payments.id, users: Fixture.users[Fixture.payments.id]!), now: Fixture.now)
        #expect(state.fleetScanStatus.projectsDone == 1)
        #expect(state.fleetScanStatus.usersTotal == 3)
        #expect(certificateLoads.count == 3, "no load for users whose certificates Atlas does not manage")
        guard case .load(let aliceID, .certificates(let alice))? = certificateLoads.first(where: {
            if case .load(_, .certificates(let user)) = $0 { return user.username == "alice" }
            return false
        }) else {
            Issue.record("alice's certificates requested")
            return
        }
        _ = state.apply(.certificatesLoaded(aliceID, user: alice, certificates: Fixture.certificates["alice"]!), now: Fixture.now)
        #expect(state.fleetTable?.rows.count == 3, "rows appear as they arrive")
        #expect(state.fleetScanStatus.usersDone == 1)
        #expect(state.fleetScanStatus.fraction > 0 && state.fleetScanStatus.fraction < 1)
        let screen = render(state, size: Size(width: 120, height: 30), now: Fixture.now).plainText
        #expect(screen.contains("Scanning 1/4 projects, 1/3 X.509 users"), "\(screen)")

        // Esc stops the scan: everything pending is cancelled, the rows stay.
        let cancelled = state.apply(.key(.escape), now: Fixture.now)
        #expect(!cancelled.isEmpty && cancelled.allSatisfy { if case .cancel = $0 { true } else { false } })
        #expect(state.pending.isEmpty)
        #expect(state.fleetTable?.rows.count == 3)
        #expect(state.fleetScanStatus.cancelled > 0)
        state.message = nil
        let stopped = render(state, size: Size(width: 120, height: 30), now: Fixture.now).plainText
        #expect(stopped.contains("Scan stopped after 1/4 projects"), "\(stopped)")
    }

    @Test func saysWhatCouldNotBeScanned() {
        var state = State()
        var queue = state.apply(.start, now: Fixture.now)
        Fixture.press(.character("a"), on: &state)
        while !queue.isEmpty {
            let effect = queue.removeFirst()
            switch effect {
            case .load(let id, .projects):
                queue += state.apply(.projectsLoaded(id, organizations: [Fixture.organization], projects: Fixture.projects), now: Fixture.now)
            case .load(let id, .users(let projectID)) where projectID == Fixture.analytics.id:
                queue += state.apply(.loaded(id, .failed(.users(projectID: projectID), AtlasError(kind: .forbidden, message: "HTTP 403 Forbidden."))), now: Fixture.now)
            case .load(let id, .users(let projectID)):
                queue += state.apply(.usersLoaded(id, projectID: projectID, users: Fixture.users[projectID] ?? []), now: Fixture.now)
            case .load(let id, .certificates(let user)):
                queue += state.apply(.certificatesLoaded(id, user: user, certificates: Fixture.certificates[user.username] ?? []), now: Fixture.now)
            default:
                break
            }
        }
        let status = state.fleetScanStatus
        #expect(status.projectsDone == 4 && status.inFlight == 0)
        #expect(status.failures == ["分析チーム Analytics: HTTP 403 Forbidden."])
        state.message = nil
        let screen = render(state, size: Size(width: 120, height: 30), now: Fixture.now).plainText
        #expect(screen.contains("Scan incomplete: could not read 分析チーム Analytics: HTTP 403 Forbidden."), "\(screen)")
    }
}

@Suite("Batched results")
struct BatchedResultsTests {
    /// Runs the start of a browser to the point where every project's users are asked for,
    /// then returns those answers as actions, undelivered.
    static func pendingUserResults(_ state: inout State) -> [Action] {
        let start = state.apply(.start, now: Fixture.now)
        guard case .load(let id, .projects)? = start.first else { return [] }
        let effects = state.apply(.projectsLoaded(id, organizations: [Fixture.organization], projects: Fixture.projects), now: Fixture.now)
        return effects.compactMap { effect in
            guard case .load(let id, .users(let projectID)) = effect else { return nil }
            return .usersLoaded(id, projectID: projectID, users: Fixture.users[projectID] ?? [])
        }
    }

    @Test func aBatchEndsInTheSameStateAsOneActionAtATime() {
        var oneByOne = State()
        var batched = State()
        let actions = Self.pendingUserResults(&oneByOne)
        #expect(actions.count == 4)
        _ = Self.pendingUserResults(&batched)
        // With the all-certificates view open, every table is rebuilt.
        #expect(batched.apply(.key(.character("a")), now: Fixture.now).isEmpty)
        #expect(oneByOne.apply(.key(.character("a")), now: Fixture.now).isEmpty)
        var sequentialEffects: [Effect] = []
        for action in actions { sequentialEffects += oneByOne.apply(action, now: Fixture.now) }
        let batchEffects = batched.apply(actions, now: Fixture.now)
        #expect(batchEffects == sequentialEffects)
        #expect(batched == oneByOne)
        #expect(batched.projectsTable.rows.compactMap(\.managedUsers).reduce(0, +) == 5)
    }
}

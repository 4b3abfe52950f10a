import AtlasAPI
import Foundation
import Testing
@testable import CertBrowser

/// The fixture world plus two MANAGED users in the Sandbox project: dave, whose only
/// certificate expired a day ago (Atlas no longer lists it; the history remembers it),
/// and erin, who never had one. The history also remembers an expired certificate of
/// alice that Atlas no longer lists.
enum CoverageWorld {
    static let dave = Fixture.user("dave", Fixture.empty)
    static let erin = Fixture.user("erin", Fixture.empty)
    static var daveKey: UserKey { UserKey(dave, projectID: Fixture.empty.id) }
    static var erinKey: UserKey { UserKey(erin, projectID: Fixture.empty.id) }
    static var aliceKey: UserKey { UserKey(Fixture.alice, projectID: Fixture.payments.id) }
    static let aliceExpiredID = CertificateID(111_111_111_111_111_111)

    static let history = CertificateHistory(entries: [
        .init(projectID: Fixture.empty.id, projectName: "Sandbox", username: "dave", certificateID: CertificateID(77),
              notAfter: Fixture.now.addingTimeInterval(-Fixture.day - 3 * Fixture.hour),
              firstSeen: Fixture.now.addingTimeInterval(-90 * Fixture.day), lastSeen: Fixture.now.addingTimeInterval(-2 * Fixture.day)),
        .init(projectID: Fixture.payments.id, projectName: "Payments", username: "alice", certificateID: aliceExpiredID,
              notAfter: Fixture.now.addingTimeInterval(-5 * Fixture.day),
              firstSeen: Fixture.now.addingTimeInterval(-95 * Fixture.day), lastSeen: Fixture.now.addingTimeInterval(-6 * Fixture.day)),
    ])

    static func users(_ projectID: String) -> [DatabaseUser] {
        projectID == Fixture.empty.id ? [dave, erin] : Fixture.users[projectID] ?? []
    }

    /// Everything loaded at `Fixture.now`, as `Fixture.loaded` but with the two users and
    /// `history`. Navigation afterwards starts no loads (the scan has them all).
    static func loaded(viewport: Size = Size(width: 80, height: 24), history: CertificateHistory = history) -> State {
        var state = State(viewport: viewport, history: history)
        var queue = state.apply(.start, now: Fixture.now)
        while !queue.isEmpty {
            switch queue.removeFirst() {
            case .load(let id, .projects):
                queue += state.apply(.projectsLoaded(id, organizations: [Fixture.organization], projects: Fixture.projects), now: Fixture.now)
            case .load(let id, .users(let projectID)):
                queue += state.apply(.usersLoaded(id, projectID: projectID, users: users(projectID)), now: Fixture.now)
            case .load(let id, .certificates(let user)):
                let listed = user.projectID == Fixture.empty.id ? [] : Fixture.certificates[user.username] ?? []
                queue += state.apply(.certificatesLoaded(id, user: user, certificates: listed), now: Fixture.now)
            default:
                break
            }
        }
        return state
    }

    static func onUsers(_ project: Project, _ state: inout State) {
        Fixture.select(.project(project.id), on: &state)
        Fixture.press(.enter, on: &state)
    }

    static func onAliceCertificates(_ state: inout State) {
        onUsers(Fixture.payments, &state)
        Fixture.select(.user(aliceKey), on: &state)
        Fixture.press(.enter, on: &state)
    }

    /// Every listed certificate as the scripting commands see them.
    static func rows(_ state: State) -> [CertificateRow] {
        state.certificates.flatMap { user, certificates in
            certificates.map { CertificateRow(certificate: $0, projectID: user.projectID, username: user.username, databaseName: user.databaseName) }
        }
    }

    static func text<Row>(_ table: Table<Row>?, _ column: ColumnID, of key: RowKey, now: Date = Fixture.now, ascii: Bool = false) -> String? {
        guard let table, let row = table.rows.first(where: { $0.key == key }),
              let column = Row.columns.first(where: { $0.id == column }) else { return nil }
        return column.text(row, CellContext(now: now, policy: .default, ascii: ascii))
    }
}

@Suite("Browser: coverage, superseded certificates, history")
struct CoverageViewTests {
    // MARK: Users screen

    @Test func usersAreJudgedByCoverageNotBySoonestExpiry() {
        var state = CoverageWorld.loaded()
        CoverageWorld.onUsers(Fixture.payments, &state)
        let table = state.usersTable
        let alice = RowKey.user(CoverageWorld.aliceKey)
        // alice's soonest listed certificate expired 2h ago, but one is valid for 200 days.
        #expect(table?.rows.first { $0.key == alice }?.soonest == Fixture.now.addingTimeInterval(-2 * Fixture.hour))
        #expect(!UserRow.columns.contains { $0.id == .soonest })
        #expect(CoverageWorld.text(table, .validUntil, of: alice) == "in 200d")
        #expect(CoverageWorld.text(table, .status, of: alice) == "✓ OK")
        let bob = RowKey.user(UserKey(Fixture.bob, projectID: Fixture.payments.id))
        #expect(CoverageWorld.text(table, .validUntil, of: bob) == "in 12d 4h")
        #expect(CoverageWorld.text(table, .status, of: bob) == "• WARNING")
        let reporting = RowKey.user(UserKey(Fixture.reporting, projectID: Fixture.payments.id))
        #expect(CoverageWorld.text(table, .validUntil, of: reporting) == "-")
        #expect(CoverageWorld.text(table, .status, of: reporting) == "not managed")
    }

    @Test func lostAccessAndNeverIssuedAreTheirOwnStates() {
        var state = CoverageWorld.loaded()
        CoverageWorld.onUsers(Fixture.empty, &state)
        let table = state.usersTable
        #expect(CoverageWorld.text(table, .status, of: .user(CoverageWorld.daveKey)) == "✗ no valid certificate (last expired 1d 3h ago)")
        #expect(CoverageWorld.text(table, .status, of: .user(CoverageWorld.daveKey), ascii: true)
            == "x no valid certificate (last expired 1d 3h ago)")
        #expect(CoverageWorld.text(table, .status, of: .user(CoverageWorld.erinKey)) == "never issued")
        // VALID UNTIL says when access ended, so the time shows where STATUS is cut short.
        #expect(CoverageWorld.text(table, .validUntil, of: .user(CoverageWorld.daveKey)) == "expired 1d 3h ago")
        #expect(CoverageWorld.text(table, .validUntil, of: .user(CoverageWorld.erinKey)) == "-")
        // The time since moves on with `now`.
        #expect(CoverageWorld.text(table, .status, of: .user(CoverageWorld.daveKey), now: Fixture.now.addingTimeInterval(Fixture.day))
            == "✗ no valid certificate (last expired 2d 3h ago)")
    }

    @Test func withoutHistoryALostUserLooksNeverIssued() {
        var state = CoverageWorld.loaded(history: CertificateHistory())
        CoverageWorld.onUsers(Fixture.empty, &state)
        #expect(CoverageWorld.text(state.usersTable, .status, of: .user(CoverageWorld.daveKey)) == "never issued")
    }

    @Test func aUserWhoseListedCertificatesAllExpiredLostAccess() {
        var state = CoverageWorld.loaded()
        CoverageWorld.onUsers(Fixture.payments, &state)
        // 201 days on, every certificate of alice has expired (the last 1 day ago).
        let later = Fixture.now.addingTimeInterval(201 * Fixture.day)
        #expect(CoverageWorld.text(state.usersTable, .status, of: .user(CoverageWorld.aliceKey), now: later)
            == "✗ no valid certificate (last expired 1d ago)")
    }

    @Test(arguments: [Fixture.now, Fixture.now.addingTimeInterval(13 * Fixture.day), Fixture.now.addingTimeInterval(300 * Fixture.day)])
    func coverageAgreesWithTheHistoryRule(_ now: Date) {
        let state = CoverageWorld.loaded()
        let rows = CoverageWorld.rows(state)
        for projectID in [Fixture.payments.id, Fixture.empty.id] {
            for row in state.userRows(projectID) where row.user.hasManagedCertificates {
                #expect(row.coverage(at: now) == state.history.status(of: row.userKey, rows: rows, now: now))
            }
        }
    }

    @Test func sortByStatusPutsLostAccessFirstAndNeverIssuedAfterEveryStatus() {
        var state = CoverageWorld.loaded()
        CoverageWorld.onUsers(Fixture.empty, &state)
        while state.usersTable?.sort.column != .status { Fixture.press(.character(">"), on: &state) }
        #expect(state.usersTable?.visibleRows.map(\.user.username) == ["dave", "erin"])
        Fixture.press(.character("r"), on: &state)
        #expect(state.usersTable?.visibleRows.map(\.user.username) == ["erin", "dave"])
    }

    @Test func sortByValidUntilBothWays() {
        var state = CoverageWorld.loaded()
        CoverageWorld.onUsers(Fixture.payments, &state)
        while state.usersTable?.sort.column != .validUntil { Fixture.press(.character(">"), on: &state) }
        let ascending = state.usersTable?.visibleRows.map(\.user.username) ?? []
        #expect(Array(ascending.prefix(3)) == [Fixture.hostileUsername, "田中太郎", "alice"])
        Fixture.press(.character("r"), on: &state)
        let descending = state.usersTable?.visibleRows.map(\.user.username) ?? []
        #expect(descending.firstIndex(of: "alice")! < descending.firstIndex(of: "田中太郎")!)
        #expect(descending.firstIndex(of: "田中太郎")! < descending.firstIndex(of: Fixture.hostileUsername)!)
        #expect(Set(ascending) == Set(descending) && ascending.count == 5)
    }

    // MARK: Superseded certificates

    @Test func supersededCertificatesAreMarkedInWords() {
        var state = CoverageWorld.loaded()
        CoverageWorld.onAliceCertificates(&state)
        let table = state.certificatesTable
        #expect(CoverageWorld.text(table, .status, of: .certificate(CertificateID(9_876_543_210_987_654_321))) == "! superseded")
        #expect(CoverageWorld.text(table, .status, of: .certificate(CertificateID(9_876_543_210_987_654_321)), ascii: true)
            == "! superseded")
        #expect(CoverageWorld.text(table, .status, of: .certificate(CertificateID(1_234_567_890_123_456_789))) == "✓ OK")
        // Expired is expired, not superseded.
        #expect(CoverageWorld.text(table, .status, of: .certificate(CertificateID(946_028_664_465_903_704))) == "✗ EXPIRED")
        // Once it has expired, the superseded one is expired too.
        #expect(CoverageWorld.text(table, .status, of: .certificate(CertificateID(9_876_543_210_987_654_321)),
                                   now: Fixture.now.addingTimeInterval(4 * Fixture.day)) == "✗ EXPIRED")
    }

    @Test(arguments: [Fixture.now, Fixture.now.addingTimeInterval(4 * Fixture.day), Fixture.now.addingTimeInterval(50 * Fixture.day)])
    func markingAgreesWithCoverage(_ now: Date) {
        var state = CoverageWorld.loaded()
        Fixture.press(.character("a"), on: &state)
        let expected = Coverage.superseded(in: CoverageWorld.rows(state), now: now)
        let marked = Set((state.fleetTable?.rows ?? []).filter { $0.certificateRow.isSuperseded(at: now) }
            .map { SupersededKey(user: $0.user, certificateID: $0.certificate.id) })
        #expect(marked == expected)
        if now == Fixture.now { #expect(expected.count == 2) }
    }

    @Test func theKeyHidesAndShowsSupersededAndTheFooterCountsThem() {
        var state = CoverageWorld.loaded()
        CoverageWorld.onAliceCertificates(&state)
        let before = state.certificatesTable?.visibleRows.count ?? 0
        Fixture.press(.character("s"), on: &state)
        #expect(state.hidesSuperseded)
        #expect(state.hiddenSupersededCertificates == 1)
        #expect(state.certificatesTable?.visibleRows.count == before - 1)
        #expect(state.certificatesTable?.rows.contains { $0.certificate.id.value == 9_876_543_210_987_654_321 } == false)
        var canvas = render(state, size: Size(width: 80, height: 24), now: Fixture.now)
        #expect(canvas.line(22).contains("1 superseded hidden (s shows)"))
        Fixture.press(.character("s"), on: &state)
        #expect(!state.hidesSuperseded)
        #expect(state.certificatesTable?.visibleRows.count == before)
        canvas = render(state, size: Size(width: 80, height: 24), now: Fixture.now)
        #expect(!canvas.plainText.contains("superseded hidden"))
    }

    @Test func hidingHoldsInTheAllCertificatesViewAndAcrossScreens() {
        var state = CoverageWorld.loaded()
        Fixture.press(.character("s"), on: &state)
        Fixture.press(.character("a"), on: &state)
        #expect(state.hiddenSupersededFleet == 2)
        let shown = state.fleetTable?.rows.map(\.certificate.id.value) ?? []
        #expect(!shown.contains(9_876_543_210_987_654_321) && !shown.contains(7_000_000_000_000_000_001))
        #expect(shown.count == CoverageWorld.rows(state).count - 2)
        let canvas = render(state, size: Size(width: 120, height: 40), now: Fixture.now)
        #expect(canvas.line(38).contains("2 superseded hidden (s shows)"))
        // Not on screens without certificates.
        Fixture.press(.escape, on: &state)
        #expect(!render(state, size: Size(width: 120, height: 40), now: Fixture.now).plainText.contains("superseded hidden"))
    }

    @Test func sortByStatusPutsTheCertificateInUseBeforeTheSupersededOne() {
        // Two OK certificates of one user: the later one is in use, the other superseded.
        let inUse = Fixture.cert(2, "CN=a", Fixture.payments, expiresIn: 300 * Fixture.day)
        let old = Fixture.cert(1, "CN=a", Fixture.payments, expiresIn: 100 * Fixture.day)
        var table = Table(rows: CertificateTableRow.rows([old, inUse]), sort: TableSort(column: .status),
                          context: CellContext(now: Fixture.now, policy: .default, ascii: false))
        #expect(table.visibleRows.map(\.certificate.id.value) == [2, 1])
        table.setSort(TableSort(column: .status, ascending: false), context: CellContext(now: Fixture.now, policy: .default, ascii: false))
        #expect(table.visibleRows.map(\.certificate.id.value) == [1, 2])
    }

    // MARK: History on the certificates screen

    @Test func recentlyExpiredCertificatesStayVisibleFromHistory() {
        var state = CoverageWorld.loaded()
        CoverageWorld.onAliceCertificates(&state)
        let table = state.certificatesTable
        let key = RowKey.certificate(CoverageWorld.aliceExpiredID)
        #expect(table?.rows.count == 4)
        #expect(CoverageWorld.text(table, .status, of: key) == "✗ EXPIRED")
        #expect(CoverageWorld.text(table, .timeLeft, of: key) == "expired 5d ago")
        #expect(CoverageWorld.text(table, .subject, of: key) == StatusText.noLongerListed)
        // Sorted by expiry, it comes first (it expired first).
        #expect(table?.visibleRows.first?.certificate.id == CoverageWorld.aliceExpiredID)
        // Hiding superseded leaves it (it is expired).
        Fixture.press(.character("s"), on: &state)
        #expect(state.certificatesTable?.rows.contains { $0.key == key } == true)
    }

    @Test func aHistoryCertificateStillListedOrNotYetExpiredIsNotAddedTwice() {
        let listed = Fixture.certificates["alice"]![1]
        let history = CertificateHistory(entries: [
            .init(projectID: Fixture.payments.id, projectName: nil, username: "alice", certificateID: listed.id, notAfter: listed.notAfter,
                  firstSeen: Fixture.now, lastSeen: Fixture.now),
            .init(projectID: Fixture.payments.id, projectName: nil, username: "alice", certificateID: CertificateID(5), notAfter: Fixture.now.addingTimeInterval(Fixture.day),
                  firstSeen: Fixture.now, lastSeen: Fixture.now),
        ])
        var state = CoverageWorld.loaded(history: history)
        CoverageWorld.onAliceCertificates(&state)
        #expect(state.certificatesTable?.rows.count == 3)
    }

    @Test func certificatesSeenAreThoseLoadedThisRun() {
        let state = CoverageWorld.loaded()
        let seen = state.certificatesSeen
        #expect(seen.count == CoverageWorld.rows(state).count)
        #expect(seen.contains { $0.username == "alice" && $0.projectName == "Payments" && $0.certificate.id.value == 1_234_567_890_123_456_789 })
        // Restored from the cache and not yet refreshed: nothing was seen this run.
        var restored = State()
        _ = restored.apply(.restoredFromCache(MetadataSnapshot(
            savedAt: Fixture.now, organizations: [Fixture.organization], projects: Fixture.projects, users: Fixture.users,
            certificates: state.certificates)), now: Fixture.now)
        #expect(!restored.certificates.isEmpty)
        #expect(restored.certificatesSeen.isEmpty)
    }

    // MARK: Keys

    @Test func theHideKeyIsBoundOnceAndListedInTheHelp() {
        #expect(Keymap.standard.command(for: .character("s")) == .toggleSuperseded)
        #expect(Keymap.standard.bindings.filter { $0.command == .toggleSuperseded }.count == 1)
        var state = CoverageWorld.loaded(viewport: Size(width: 120, height: 40))
        Fixture.press(.character("?"), on: &state)
        let canvas = render(state, size: Size(width: 120, height: 40), now: Fixture.now)
        #expect(canvas.plainText.contains("hide/show superseded certificates"))
    }

    // MARK: Cell grids

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 120, height: 40)])
    func usersWithLostAccessAndNeverIssued(_ size: Size) {
        var state = CoverageWorld.loaded(viewport: size)
        CoverageWorld.onUsers(Fixture.empty, &state)
        let name = "coverage-users-\(size.width)x\(size.height)"
        let canvas = render(state, size: size, now: Fixture.now.addingTimeInterval(5))
        assertSnapshot(SnapshotTests.document(canvas, title: name), named: name)
    }

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 120, height: 40)])
    func certificatesWithHistoryAndSuperseded(_ size: Size) {
        var state = CoverageWorld.loaded(viewport: size)
        CoverageWorld.onAliceCertificates(&state)
        let name = "coverage-certificates-\(size.width)x\(size.height)"
        let canvas = render(state, size: size, now: Fixture.now.addingTimeInterval(5))
        assertSnapshot(SnapshotTests.document(canvas, title: name), named: name)
    }

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 120, height: 40)])
    func allCertificatesWithSupersededHidden(_ size: Size) {
        var state = CoverageWorld.loaded(viewport: size)
        Fixture.press(.character("a"), .character("s"), on: &state)
        let name = "coverage-fleet-hidden-\(size.width)x\(size.height)"
        let canvas = render(state, size: size, now: Fixture.now.addingTimeInterval(5), options: RenderOptions(color: false))
        assertSnapshot(SnapshotTests.document(canvas, title: name), named: name)
    }
}

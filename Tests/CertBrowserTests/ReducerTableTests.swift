import AtlasAPI
import Foundation
import Testing
@testable import CertBrowser

@Suite("Reducer: sorting, filtering, copying, help")
struct ReducerTableTests {
    /// The browser on alice's certificates.
    static func onAliceCertificates() -> State {
        var state = Fixture.loaded()
        Fixture.select(.project(Fixture.payments.id), on: &state)
        Fixture.press(.enter, on: &state)
        Fixture.select(.user(UserKey(Fixture.alice, projectID: Fixture.payments.id)), on: &state)
        Fixture.press(.enter, on: &state)
        return state
    }

    @Test func defaultSortIsSoonestExpiryFirst() {
        let state = Self.onAliceCertificates()
        #expect(state.certificatesTable?.sort == TableSort(column: .expires, ascending: true))
        let ids = state.certificatesTable?.visibleRows.map(\.certificate.id.value)
        #expect(ids == [946_028_664_465_903_704, 9_876_543_210_987_654_321, 1_234_567_890_123_456_789])
        #expect(Fixture.loaded().projectsTable.sort == TableSort(column: .soonest, ascending: true))
    }

    @Test func sortKeysCycleThroughEveryColumnAndReverse() {
        var state = Self.onAliceCertificates()
        var seen: [ColumnID] = []
        for _ in CertificateTableRow.columns {
            Fixture.press(.character(">"), on: &state)
            seen.append(state.certificatesTable?.sort.column ?? .name)
        }
        #expect(Set(seen) == Set(CertificateTableRow.columns.map(\.id)))
        #expect(seen.last == .expires)
        Fixture.press(.character("<"), on: &state)
        #expect(state.certificatesTable?.sort.column == .created)
        Fixture.press(.character("r"), on: &state)
        #expect(state.certificatesTable?.sort == TableSort(column: .created, ascending: false))
        Fixture.press(.character("r"), on: &state)
        #expect(state.certificatesTable?.sort == TableSort(column: .created, ascending: true))
    }

    @Test(arguments: [ColumnID.name, .projectID, .x509Users, .critical, .warning, .ok, .soonest])
    func projectsSortBothWaysOnEveryColumn(_ column: ColumnID) {
        var state = Fixture.loaded()
        while state.projectsTable.sort.column != column { Fixture.press(.character(">"), on: &state) }
        let ascending = state.projectsTable.visibleRows.map(\.project.id)
        Fixture.press(.character("r"), on: &state)
        let descending = state.projectsTable.visibleRows.map(\.project.id)
        #expect(Set(ascending) == Set(descending))
        #expect(ascending != descending)
        #expect(state.projectsTable.sort.ascending == false)
    }

    @Test(arguments: [ColumnID.username, .authDatabase, .x509Type, .roles, .certificates, .validUntil, .status])
    func usersSortBothWaysOnEveryColumn(_ column: ColumnID) {
        var state = Fixture.loaded()
        Fixture.select(.project(Fixture.payments.id), on: &state)
        Fixture.press(.enter, on: &state)
        while state.usersTable?.sort.column != column { Fixture.press(.character(">"), on: &state) }
        let ascending = state.usersTable?.visibleRows.map(\.user.username) ?? []
        Fixture.press(.character("r"), on: &state)
        let descending = state.usersTable?.visibleRows.map(\.user.username) ?? []
        #expect(ascending.count == 5)
        #expect(Set(ascending) == Set(descending))
        #expect(ascending != descending)
    }

    @Test func usersSortByStatusPutsUrgentFirstAndUnmanagedLast() {
        var state = Fixture.loaded()
        Fixture.select(.project(Fixture.payments.id), on: &state)
        Fixture.press(.enter, on: &state)
        while state.usersTable?.sort.column != .status { Fixture.press(.character(">"), on: &state) }
        let names = state.usersTable?.visibleRows.map(\.user.username) ?? []
        // By coverage: bob's only certificate leaves 12 days (warning); alice (an expired and a
        // critical certificate, but one valid for 200 days) and 田中太郎 (45 days) are OK.
        #expect(names == [Fixture.hostileUsername, "alice", "田中太郎", "carol", "svc-reporting"])
    }

    @Test func filterTypingEnterKeepsEscClears() {
        var state = Fixture.loaded()
        Fixture.press(.character("/"), on: &state)
        #expect(state.isEditingFilter)
        Fixture.press(.character("P"), .character("a"), .character("Y"), on: &state)
        #expect(state.projectsTable.filter == "PaY")
        #expect(state.projectsTable.visibleRows.map(\.project.id) == [Fixture.payments.id])
        Fixture.press(.backspace, on: &state)
        #expect(state.projectsTable.filter == "Pa")
        Fixture.press(.enter, on: &state)
        #expect(!state.isEditingFilter)
        #expect(state.projectsTable.filter == "Pa")
        // Keys mean commands again; Esc clears the filter before anything else.
        Fixture.press(.escape, on: &state)
        #expect(state.projectsTable.filter.isEmpty)
        #expect(state.projectsTable.order.count == 4)

        Fixture.press(.character("/"), .character("x"), .escape, on: &state)
        #expect(!state.isEditingFilter)
        #expect(state.projectsTable.filter.isEmpty)
    }

    @Test func filterMatchesCJKAndIgnoresControlKeys() {
        var state = Fixture.loaded()
        Fixture.press(.character("/"), .character("分"), .character("\u{1B}"), on: &state)
        #expect(state.projectsTable.filter == "分")
        #expect(state.projectsTable.visibleRows.map(\.project.id) == [Fixture.analytics.id])
    }

    @Test func escClearsFilterFirstThenGoesBack() {
        var state = Self.onAliceCertificates()
        Fixture.press(.character("/"), .character("9"), .enter, on: &state)
        #expect(state.certificatesTable?.filter == "9")
        Fixture.press(.escape, on: &state)
        #expect(state.certificatesTable?.filter == "")
        #expect(state.screen == .certificates(UserKey(Fixture.alice, projectID: Fixture.payments.id)))
        Fixture.press(.escape, on: &state)
        #expect(state.screen == .users(projectID: Fixture.payments.id))
    }

    @Test func copyIDCopiesExactDigits() {
        var state = Self.onAliceCertificates()
        Fixture.select(.certificate(CertificateID(9_876_543_210_987_654_321)), on: &state)
        let effects = state.apply(.key(.character("y")), now: Fixture.now)
        #expect(effects == [.copy(text: "9876543210987654321", what: "certificate ID 9876543210987654321")])
        #expect(state.apply(.key(.character("c")), now: Fixture.now) == effects)
        _ = state.apply(.copied(message: "Copied certificate ID 9876543210987654321 via OSC 52"), now: Fixture.now)
        #expect(state.message == Message(text: "Copied certificate ID 9876543210987654321 via OSC 52", isError: false, at: Fixture.now))
        _ = state.apply(.copyFailed(message: "No clipboard tool found\u{1B}[2J"), now: Fixture.now)
        #expect(state.message?.isError == true)
        #expect(state.message?.text == "No clipboard tool found\\x1B[2J")
    }

    @Test func copyIDOutsideCertificatesExplainsInsteadOfCopying() {
        var state = Fixture.loaded()
        #expect(state.apply(.key(.character("y")), now: Fixture.now).isEmpty)
        #expect(state.message?.text.contains("certificate") == true)
    }

    @Test func copyIDInDetailViewCopiesThatCertificate() {
        var state = Self.onAliceCertificates()
        Fixture.select(.certificate(CertificateID(946_028_664_465_903_704)), on: &state)
        Fixture.press(.enter, on: &state)
        #expect(state.apply(.key(.character("y")), now: Fixture.now) == [.copy(text: "946028664465903704", what: "certificate ID 946028664465903704")])
        // j/k in the detail view walk the certificates.
        Fixture.press(.character("j"), on: &state)
        guard case .detail(_, let id) = state.screen else { return }
        #expect(id == CertificateID(9_876_543_210_987_654_321))
    }

    @Test func onlyDigitsAreEverCopied() {
        #expect(CopyText.digitsOnly("123") == "123")
        #expect(CopyText.digitsOnly("") == nil)
        #expect(CopyText.digitsOnly("12a") == nil)
        #expect(CopyText.digitsOnly("12\u{1B}]52") == nil)
        #expect(CopyText.digitsOnly("１２") == nil)   // fullwidth digits are not ASCII digits
        #expect(CopyText.digitsOnly(String(repeating: "1", count: 21)) == nil)
        #expect(CopyText.certificateID(CertificateID(UInt64.max)) == "18446744073709551615")
    }

    @Test func copyRowAsJSONHasBareIntegerIDs() {
        var state = Self.onAliceCertificates()
        Fixture.select(.certificate(CertificateID(9_876_543_210_987_654_321)), on: &state)
        let effects = state.apply(.key(.character("Y")), now: Fixture.now)
        guard case .copy(let text, let what)? = effects.first else {
            Issue.record("expected a copy, got \(effects)")
            return
        }
        #expect(what == "certificate as JSON")
        #expect(text.hasPrefix(#"{"id":9876543210987654321,"serial":"891087B8E3B70CB1","subject":"CN=alice","#))
        #expect(text.contains(#""status":"critical""#))
        #expect(text.contains(#""notAfter":"2026-03-04T16:00:00Z""#))
    }

    @Test func jsonEscapesHostileText() {
        let json = CopyText.JSON.object([.init("name", .string(Fixture.hostileUsername))]).text
        #expect(!json.unicodeScalars.contains(where: TerminalSafe.isUnsafe))
        #expect(json == #"{"name":"bob\u001B[31mRED\u001B[0m\r\n\u202Espoof"}"#)
    }

    @Test func helpIsModalAndGeneratedFromTheKeymap() {
        var state = Fixture.loaded()
        Fixture.press(.character("?"), on: &state)
        #expect(state.isShowingHelp)
        // q closes help rather than quitting.
        #expect(state.apply(.key(.character("q")), now: Fixture.now).isEmpty)
        #expect(!state.isShowingHelp)
        Fixture.press(.function(1), on: &state)
        #expect(state.isShowingHelp)
        let canvas = render(state, size: Size(width: 120, height: 40), now: Fixture.now)
        for binding in state.keymap.bindings {
            #expect(canvas.plainText.contains(binding.summary), "help lacks \(binding.summary)")
        }
        Fixture.press(.escape, on: &state)
        #expect(!state.isShowingHelp)
        #expect(state.screen == .projects)
    }

    @Test func everyCommandHasAKeyAndNoKeyIsBoundTwice() {
        let keymap = Keymap.standard
        for command in Command.allCases {
            #expect(keymap.binding(for: command) != nil, "no key for \(command)")
        }
        let keys = keymap.bindings.flatMap(\.keys)
        #expect(Set(keys).count == keys.count)
        #expect(keymap.command(for: .character("j")) == .moveDown)
        #expect(keymap.command(for: .ctrl("r")) == .refresh)
        #expect(keymap.command(for: .character("G")) == .bottom)
    }

    @Test func pagingMovesByTheViewport() {
        var state = Fixture.loaded(viewport: Size(width: 80, height: 10))
        #expect(state.pageHeight == 6)
        Fixture.press(.pageDown, on: &state)
        #expect(state.projectsTable.cursor == 3)
        Fixture.press(.character("g"), on: &state)
        #expect(state.projectsTable.cursor == 0)
        Fixture.press(.character("G"), on: &state)
        #expect(state.projectsTable.cursor == 3)
        Fixture.press(.pageUp, on: &state)
        #expect(state.projectsTable.cursor == 0)
    }
}

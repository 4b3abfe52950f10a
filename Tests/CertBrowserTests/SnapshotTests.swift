import AtlasAPI
import Foundation
import Testing
@testable import CertBrowser

/// Every screen rendered at fixed sizes, in colour, with NO_COLOR and in ASCII mode,
/// compared as text plus a style overlay with files in Snapshots/.
///
/// Data and `now` are fixed (Fixture), including a hostile project name and username
/// full of escape sequences and CJK names, so these snapshots also show that hostile
/// text is escaped and wide text stays aligned.
@Suite("Snapshots")
struct SnapshotTests {
    enum Scene: String, CaseIterable, Sendable {
        case projects, users, certificates, detail, help, fleet
    }

    enum Variant: String, CaseIterable, Sendable {
        case color, nocolor, ascii

        var options: RenderOptions {
            switch self {
            case .color: RenderOptions()
            case .nocolor: RenderOptions(color: false)
            case .ascii: RenderOptions(ascii: true)
            }
        }
    }

    static let sizes = [Size(width: 80, height: 24), Size(width: 120, height: 40), Size(width: 60, height: 15)]

    struct Case: Sendable, CustomTestStringConvertible {
        var scene: Scene
        var size: Size
        var variant: Variant
        var name: String { "\(scene.rawValue)-\(size.width)x\(size.height)-\(variant.rawValue)" }
        var testDescription: String { name }
    }

    static let cases: [Case] = Scene.allCases.flatMap { scene in
        sizes.flatMap { size in Variant.allCases.map { Case(scene: scene, size: size, variant: $0) } }
    }

    /// The browser showing `scene`, with the selection on an interesting row.
    static func state(_ scene: Scene, size: Size) -> State {
        var state = Fixture.loaded(viewport: size)
        switch scene {
        case .projects:
            Fixture.select(.project(Fixture.hostile.id), on: &state)
        case .help:
            Fixture.press(.character("?"), on: &state)
        case .fleet:
            Fixture.press(.character("a"), on: &state)
            Fixture.press(.down, .down, on: &state)
        case .users, .certificates, .detail:
            Fixture.select(.project(Fixture.payments.id), on: &state)
            Fixture.press(.enter, on: &state)
            Fixture.select(.user(UserKey(Fixture.bob, projectID: Fixture.payments.id)), on: &state)
            guard scene != .users else { break }
            Fixture.select(.user(UserKey(Fixture.alice, projectID: Fixture.payments.id)), on: &state)
            Fixture.press(.enter, on: &state)
            Fixture.select(.certificate(CertificateID(9_876_543_210_987_654_321)), on: &state)
            if scene == .detail { Fixture.press(.enter, on: &state) }
        }
        return state
    }

    /// The snapshot file content: the characters, then the style overlay, each row
    /// framed by `|` so trailing spaces are visible and survive editors.
    static func document(_ canvas: Canvas, title: String) -> String {
        let frame = { (text: String) in text.split(separator: "\n", omittingEmptySubsequences: false).map { "|\($0)|" }.joined(separator: "\n") }
        return """
        # \(title)
        # text
        \(frame(canvas.plainText))
        # style (\(StyleRole.allCases.map { "\($0.letter)=\($0)" }.joined(separator: " ")))
        \(frame(canvas.styleOverlay))

        """
    }

    @Test(arguments: cases)
    func screen(_ snapshot: Case) {
        let state = Self.state(snapshot.scene, size: snapshot.size)
        let canvas = render(state, size: snapshot.size, now: Fixture.now.addingTimeInterval(5), options: snapshot.variant.options)
        assertSnapshot(Self.document(canvas, title: snapshot.name), named: snapshot.name)
    }

    @Test(arguments: Variant.allCases)
    func belowMinimumSize(_ variant: Variant) {
        let size = Size(width: 39, height: 9)
        let canvas = render(Fixture.loaded(viewport: size), size: size, now: Fixture.now, options: variant.options)
        #expect(canvas.plainText.contains("39"))
        #expect(canvas.plainText.contains("40"))
        let name = "too-small-39x9-\(variant.rawValue)"
        assertSnapshot(Self.document(canvas, title: name), named: name)
    }

    /// `--selection row`: the whole selected row in reverse, as k9s and htop draw it.
    @Test(arguments: [Scene.fleet, Scene.certificates])
    func wholeRowSelection(_ scene: Scene) {
        let size = Size(width: 120, height: 40)
        let canvas = render(Self.state(scene, size: size), size: size, now: Fixture.now.addingTimeInterval(5),
                            options: RenderOptions(selection: .row))
        let name = "\(scene.rawValue)-120x40-row-selection"
        assertSnapshot(Self.document(canvas, title: name), named: name)
    }

    /// The selected row in each style: `cell` reverses the mark and the first column only
    /// and leaves the row's expiry colours; `row` reverses every cell of the row.
    @Test(arguments: SelectionStyle.allCases)
    func selectedRowHighlight(_ style: SelectionStyle) throws {
        let size = Size(width: 120, height: 40)
        let state = Self.state(.fleet, size: size)
        let canvas = render(state, size: size, now: Fixture.now, options: RenderOptions(selection: style))
        let overlay = canvas.styleOverlay.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let text = canvas.plainText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let selectedRow = try #require(text.firstIndex { $0.hasPrefix("›") }, "no row starts with the selection mark")
        let roles = Array(overlay[selectedRow])
        let id = try #require(state.fleetTable?.selectedRow?.certificate.id.decimal)
        let idEnd = 1 + id.count
        #expect(String(text[selectedRow].dropFirst().prefix(id.count)) == id)
        #expect(roles[0..<idEnd].allSatisfy { $0 == "S" })
        switch style {
        case .row:
            #expect(roles.allSatisfy { $0 == "S" })
        case .cell:
            let rest = roles[(idEnd + 2)...]
            #expect(!rest.contains("S"))
            // The row's expiry band still shows (critical, warning, ok or expired).
            #expect(rest.contains { "CWKE".contains($0) })
        }
    }

    @Test func loadingWithSpinner() {
        var state = State(viewport: Size(width: 80, height: 24))
        _ = state.apply(.start, now: Fixture.now)
        _ = state.apply(.tick, now: Fixture.now)
        let canvas = render(state, size: Size(width: 80, height: 24), now: Fixture.now.addingTimeInterval(2))
        #expect(canvas.plainText.contains("⠙ loading"))
        assertSnapshot(Self.document(canvas, title: "loading-80x24"), named: "loading-80x24-color")
    }

    @Test func failedRefreshKeepsStaleRows() {
        var state = Self.state(.users, size: Size(width: 80, height: 24))
        let effects = state.apply(.key(.character("R")), now: Fixture.now)
        guard case .load(let id, .users(_))? = effects.last else {
            Issue.record("expected a users reload, got \(effects)")
            return
        }
        let error = AtlasError(kind: .rateLimited, message: "Atlas is rate limiting requests (429); wait a minute and press R.")
        _ = state.apply(.loaded(id, .failed(.users(projectID: Fixture.payments.id), error)), now: Fixture.now.addingTimeInterval(30))
        let canvas = render(state, size: Size(width: 80, height: 24), now: Fixture.now.addingTimeInterval(35))
        assertSnapshot(Self.document(canvas, title: "users-failed-80x24"), named: "users-failed-80x24-color")
    }

    @Test func filterBeingTyped() {
        var state = Self.state(.certificates, size: Size(width: 80, height: 24))
        Fixture.press(.character("/"), .character("c"), .character("h"), on: &state)
        let canvas = render(state, size: Size(width: 80, height: 24), now: Fixture.now)
        assertSnapshot(Self.document(canvas, title: "certificates-filter-80x24"), named: "certificates-filter-80x24-color")
    }

    @Test(arguments: cases)
    func invariants(_ snapshot: Case) {
        let state = Self.state(snapshot.scene, size: snapshot.size)
        let canvas = render(state, size: snapshot.size, now: Fixture.now, options: snapshot.variant.options)
        // Hostile text never reaches a cell raw.
        for y in 0..<canvas.height {
            for cell in canvas.row(y) {
                guard case .grapheme(let character) = cell.content else { continue }
                #expect(!character.unicodeScalars.contains(where: TerminalSafe.isUnsafe))
            }
        }
        // Every row is exactly as wide as the screen.
        for y in 0..<canvas.height {
            let width = canvas.row(y).reduce(0) { $0 + $1.width }
            #expect(width == snapshot.size.width)
        }
        if snapshot.variant == .nocolor {
            #expect(canvas.styleOverlay.allSatisfy { $0 == "." || $0 == "\n" || $0.isLowercase || $0 == "R" })
        }
        if snapshot.variant == .ascii {
            let chrome = [canvas.line(0), canvas.line(1), canvas.line(canvas.height - 1)].joined()
            #expect(!chrome.contains("…") && !chrome.contains("▲") && !chrome.contains("›"))
        }
    }
}

import Testing
@testable import CertBrowser

@Suite("Canvas")
struct CanvasTests {
    @Test func writesByDisplayWidth() {
        var canvas = Canvas(width: 10, height: 1)
        let used = canvas.write("日本x", x: 0, y: 0, role: .normal)
        #expect(used == 5)
        #expect(canvas[x: 0, y: 0].content == .grapheme("日"))
        #expect(canvas[x: 1, y: 0].content == .continuation)
        #expect(canvas[x: 2, y: 0].content == .grapheme("本"))
        #expect(canvas[x: 4, y: 0].content == .grapheme("x"))
        #expect(canvas.line(0) == "日本x")
    }

    @Test func truncatesAtTheRightEdgeWithoutHalfAWideCharacter() {
        var canvas = Canvas(width: 6, height: 1)
        canvas.write("日本語日本語", x: 0, y: 0, role: .normal)
        #expect(canvas.line(0) == "日本…")
        var ascii = Canvas(width: 6, height: 1, ascii: true)
        ascii.write("abcdefghij", x: 0, y: 0, role: .normal)
        #expect(ascii.line(0) == "abcde~")
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var canvas = Canvas(width: 4, height: 1)
        canvas.write("日本", x: 0, y: 0, role: .normal)
        canvas.write("x", x: 1, y: 0, role: .normal)     // lands on the continuation of 日
        #expect(canvas[x: 0, y: 0].content == .grapheme(" "))
        #expect(canvas[x: 1, y: 0].content == .grapheme("x"))
        canvas.write("y", x: 2, y: 0, role: .normal)     // lands on the base of 本
        #expect(canvas[x: 3, y: 0].content == .grapheme(" "))
        #expect(!canvas.row(0).contains { $0.content == .continuation })
    }

    @Test func combiningMarksStayWithTheirBase() {
        var canvas = Canvas(width: 5, height: 1)
        canvas.write("e\u{301}x", x: 0, y: 0, role: .normal)
        #expect(canvas[x: 0, y: 0].content == .grapheme("e\u{301}"))
        #expect(canvas[x: 1, y: 0].content == .grapheme("x"))
    }

    @Test func controlsAreEscapedAtWriteTime() {
        var canvas = Canvas(width: 20, height: 1)
        canvas.write("a\u{1B}[2Jb", x: 0, y: 0, role: .normal)
        #expect(canvas.line(0) == "a\\x1B[2Jb")
    }

    @Test func writesOutsideTheGridAreIgnored() {
        var canvas = Canvas(width: 3, height: 2)
        #expect(canvas.write("abc", x: 5, y: 0, role: .normal) == 0)
        #expect(canvas.write("abc", x: 0, y: 2, role: .normal) == 0)
        canvas.write("abcdef", x: -2, y: 1, role: .normal)
        #expect(canvas.line(1) == "cd…")
    }

    @Test func dumpsTextAndStyles() {
        var canvas = Canvas(width: 4, height: 2)
        canvas.write("ok", x: 0, y: 0, role: .ok)
        canvas.write("日", x: 1, y: 1, role: .critical)
        #expect(canvas.plainText == "ok  \n 日 ")
        #expect(canvas.styleOverlay == "KK..\n.CC.")
    }

    @Test func noColorMapsEveryRoleToAnAttributeRole() {
        for role in StyleRole.allCases {
            let mapped = role.withoutColor
            #expect(mapped == .normal || mapped.isAttributeOnly)
        }
        #expect(StyleRole.selected.withoutColor == .reverse)
        #expect(StyleRole.critical.withoutColor == .bold)
        #expect(Set(StyleRole.allCases.map(\.letter)).count == StyleRole.allCases.count)
    }
}

/// Graphemes a curses cell cannot hold are drawn as parts every terminal draws alike.
@Suite struct CellGraphemesTests {
    @Test("display forms", arguments: [
        ("👩\u{200D}💻 dev", "👩💻 dev"),
        ("🇯🇵 tokyo", "JP tokyo"),
        ("👨🏽\u{200D}🚀", "👨🚀"),
        ("👍🏽", "👍"),
        ("❤\u{FE0F}\u{200D}🔥", "❤\u{FE0F}🔥"),
        ("🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}", "🏴"),
        ("Zu\u{308}rich", "Zu\u{308}rich"),
        ("田中太郎", "田中太郎"),
        ("1\u{FE0F}\u{20E3}", "1\u{FE0F}\u{20E3}"),
        ("plain", "plain"),
    ])
    func displayForm(raw: String, shown: String) {
        #expect(CellGraphemes.displayForm(raw) == shown)
        #expect(CellGraphemes.displayForm(shown) == shown)
        #expect(CellGraphemes.displayForm(shown).allSatisfy(CellGraphemes.fitsOneCell))
    }

    @Test func theCanvasDrawsAJoinedSequenceAsItsPartsInTheirOwnCells() {
        var canvas = Canvas(width: 12, height: 1)
        let written = canvas.write("👩\u{200D}💻 dev", x: 0, y: 0, role: .normal)
        #expect(written == 8)
        #expect(canvas[x: 0, y: 0].content == .grapheme("👩"))
        #expect(canvas[x: 2, y: 0].content == .grapheme("💻"))
        #expect(canvas[x: 4, y: 0].content == .grapheme(" "))
        #expect(canvas.line(0).hasPrefix("👩💻 dev"))
    }
}

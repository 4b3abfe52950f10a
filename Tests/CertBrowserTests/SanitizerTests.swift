import AtlasAPI
import Testing
@testable import CertBrowser

/// The hostile-string corpus of tui-anchors.md §6, against the shared sanitiser and
/// against the canvas, which neutralises again when writing cells.
@Suite("Sanitiser corpus")
struct SanitizerTests {
    static let corpus: [(name: String, text: String)] = [
        ("CSI colour", "\u{1B}[31mred\u{1B}[0m"),
        ("CSI clear screen", "x\u{1B}[2Jy"),
        ("CSI cursor move", "a\u{1B}[10;10Hb"),
        ("device status report", "\u{1B}[6n"),
        ("reset", "\u{1B}c"),
        ("OSC 52 with BEL", "\u{1B}]52;c;cm0gLXJmIH4=\u{07}"),
        ("OSC 52 with ST", "\u{1B}]52;c;cm0gLXJmIH4=\u{1B}\\"),
        ("OSC 0 title with BEL", "\u{1B}]0;pwned\u{07}"),
        ("OSC 0 title with ST", "\u{1B}]0;pwned\u{1B}\\"),
        ("OSC 8 link with BEL", "\u{1B}]8;;http://evil.example\u{07}click\u{1B}]8;;\u{07}"),
        ("OSC 8 link with ST", "\u{1B}]8;;http://evil.example\u{1B}\\click\u{1B}]8;;\u{1B}\\"),
        ("unterminated OSC", "\u{1B}]52;c;AAAA and the rest of the frame"),
        ("unterminated DCS", "\u{1B}Ptmux;\u{1B}\u{1B}]52;c;AAAA"),
        ("8-bit CSI", "\u{9B}31mred"),
        ("8-bit OSC", "\u{9D}0;title\u{9C}"),
        ("NUL", "a\u{0}b"),
        ("CR", "8:cr\rXX|"),
        ("BS", "9:bs\u{8}\u{8}Z|"),
        ("LF", "5:line\nbreak|"),
        ("TAB", "a\tb"),
        ("DEL", "a\u{7F}b"),
        ("RLO", "abc\u{202E}fed"),
        ("bidi isolate", "\u{2066}x\u{2069}"),
        ("line separator", "a\u{2028}b\u{2029}c"),
    ]

    @Test(arguments: corpus.map(\.text))
    func noControlSurvives(_ text: String) {
        let safe = TerminalSafe.sanitize(text)
        #expect(!safe.unicodeScalars.contains(where: TerminalSafe.isUnsafe))
        #expect(!safe.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
    }

    @Test(arguments: corpus.map(\.text))
    func canvasCellsHoldNoControls(_ text: String) {
        var canvas = Canvas(width: 200, height: 1)
        canvas.write(text, x: 0, y: 0, role: .normal)
        for cell in canvas.row(0) {
            guard case .grapheme(let character) = cell.content else { continue }
            #expect(!character.unicodeScalars.contains(where: TerminalSafe.isUnsafe))
        }
    }

    @Test func escapesAreVisible() {
        #expect(TerminalSafe.sanitize("\u{1B}[31mred") == "\\x1B[31mred")
        #expect(TerminalSafe.sanitize("a\u{0}b") == "a\\x00b")
        #expect(TerminalSafe.sanitize("8:cr\rXX|") == "8:cr\\x0DXX|")
        #expect(TerminalSafe.sanitize("\u{9B}31m") == "\\x9B31m")
        #expect(TerminalSafe.sanitize("abc\u{202E}fed") == "abc\\u{202E}fed")
        #expect(TerminalSafe.sanitize("a\tb") == "a\\x09b")
    }

    @Test func printableTextIsKept() {
        for text in ["alice", "田中太郎", "👨‍👩‍👧‍👦", "Zu\u{308}rich", "[red]tag[-]", "CN=a,O=b"] {
            #expect(TerminalSafe.sanitize(text) == text)
        }
    }

    /// The canvas and the message bar neutralise what the model already sanitised: that
    /// second pass must leave the escapes exactly as they are (no `\\x1B`).
    @Test func theOutputPassKeepsEveryEscape() {
        for (_, text) in Self.corpus {
            let once = TerminalSafe.sanitize(text)
            #expect(TerminalSafe.neutralize(once) == once)
        }
    }

    @Test func tenKilobyteStringIsCutAndSafe() {
        let text = String(repeating: "A\u{1B}[2J日", count: 2_000)
        #expect(text.utf8.count > 10_000)
        let safe = TerminalSafe.sanitize(text)
        #expect(!safe.unicodeScalars.contains(where: TerminalSafe.isUnsafe))
        var canvas = Canvas(width: 80, height: 1)
        let written = canvas.write(text, x: 0, y: 0, role: .normal)
        #expect(written <= 80)
        #expect(canvas.line(0).hasSuffix("…"))
    }

    @Test func invalidUTF8DecodedLossilyIsSafe() {
        let bytes: [UInt8] = [0x61, 0xFF, 0x1B, 0x5B, 0x32, 0x4A, 0xC3]
        let text = String(decoding: bytes, as: UTF8.self)
        let safe = TerminalSafe.sanitize(text)
        #expect(safe.contains("\u{FFFD}"))
        #expect(!safe.unicodeScalars.contains(where: TerminalSafe.isUnsafe))
    }
}

/// Invisible scalars made two usernames look alike (issue 14); emoji sequences and flags
/// that need the same scalars stay whole.
@Suite("Invisible scalars")
struct InvisibleScalarTests {
    @Test("zero-width, filler and stray tag scalars are shown escaped", arguments: [
        ("ad\u{200B}min", "ad\\u{200B}min"),
        ("ad\u{200D}min", "ad\\u{200D}min"),
        ("ad\u{200C}min", "ad\\u{200C}min"),
        ("\u{FEFF}admin", "\\u{FEFF}admin"),
        ("ad\u{2060}min", "ad\\u{2060}min"),
        ("ad\u{00AD}min", "ad\\xADmin"),
        ("\u{3164}", "\\u{3164}"),
        ("admin\u{E0061}\u{E0062}", "admin\\u{E0061}\\u{E0062}"),
    ])
    func escaped(text: String, shown: String) {
        #expect(TerminalSafe.sanitize(text) == shown)
    }

    @Test("emoji ZWJ sequences, skin tones, keycaps and subdivision flags are kept", arguments: [
        "👩\u{200D}💻 dev", "👨🏽\u{200D}🚀", "❤️\u{200D}🔥", "1️⃣", "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}", "🇯🇵",
    ])
    func kept(text: String) {
        #expect(TerminalSafe.sanitize(text) == text)
    }

    @Test("the output pass (neutralize) changes nothing in sanitised text and is idempotent",
          arguments: ["ad\u{200B}min", "\u{1B}[31m", "👩\u{200D}💻", "a\u{200D}\u{200D}b", "a\\x1Bb", "\\\u{1B}", "CN=a\\,b"])
    func outputPassKeepsSanitised(text: String) {
        let once = TerminalSafe.sanitize(text)
        #expect(TerminalSafe.neutralize(once) == once)
        let neutral = TerminalSafe.neutralize(text)
        #expect(TerminalSafe.neutralize(neutral) == neutral)
    }

    @Test("a literal backslash that could read as an escape is doubled; a DN escape is kept", arguments: [
        ("a\\x1Bb", "a\\\\x1Bb"),           // the text \x1B, not ESC
        ("a\u{1B}b", "a\\x1Bb"),               // ESC itself
        ("\\u{202E}", "\\\\u{202E}"),
        ("a\\\\b", "a\\\\\\b"),          // two backslashes: the first is doubled, the second stands before b
        ("\\\u{1B}", "\\\\\\x1B"),        // a backslash before ESC would run into its escape
        ("CN=a\\,b", "CN=a\\,b"),
        ("DOMAIN\\svc", "DOMAIN\\svc"),
        ("end\\", "end\\"),
    ])
    func backslashes(text: String, shown: String) {
        #expect(TerminalSafe.sanitize(text) == shown)
    }

    @Test("two names that differ only in ESC versus the text \\x1B look different")
    func lookAlikes() {
        let realEscape = TerminalSafe.sanitize("ops\u{1B}admin")
        let lookAlike = TerminalSafe.sanitize("ops\\x1Badmin")
        #expect(realEscape != lookAlike)
        #expect(realEscape == "ops\\x1Badmin")
        #expect(lookAlike == "ops\\\\x1Badmin")
    }
}

/// The look-alike pair on the users screen: the model sanitises each name once and the
/// canvas only neutralises, so the escape of a real ESC and the doubled backslash of the
/// text `\x1B` both reach the cells as the model wrote them.
@Suite struct LookAlikeUsernameTests {
    @Test func aRealEscapeAndTheTextOfOneAreDrawnDifferently() {
        let real = Fixture.user("ops\u{1B}admin", Fixture.empty)
        let text = Fixture.user("ops\\x1Badmin", Fixture.empty)
        var state = State(viewport: Size(width: 100, height: 24))
        var queue = state.apply(.start, now: Fixture.now)
        while !queue.isEmpty {
            switch queue.removeFirst() {
            case .load(let id, .projects):
                queue += state.apply(.projectsLoaded(id, organizations: [Fixture.organization], projects: [Fixture.empty]), now: Fixture.now)
            case .load(let id, .users(let projectID)):
                queue += state.apply(.usersLoaded(id, projectID: projectID, users: [real, text]), now: Fixture.now)
            case .load(let id, .certificates(let user)):
                queue += state.apply(.certificatesLoaded(id, user: user, certificates: []), now: Fixture.now)
            default:
                break
            }
        }
        Fixture.select(.project(Fixture.empty.id), on: &state)
        Fixture.press(.enter, on: &state)
        let screen = render(state, size: Size(width: 100, height: 24), now: Fixture.now).plainText
        let lines = screen.split(separator: "\n")
        #expect(lines.contains { $0.contains("ops\\x1Badmin ") })
        #expect(lines.contains { $0.contains("ops\\\\x1Badmin") })
        #expect(!screen.contains("\u{1B}"))
    }
}

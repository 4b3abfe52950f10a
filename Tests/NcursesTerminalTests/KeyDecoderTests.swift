import CertBrowser
import Testing
@testable import NcursesTerminal

/// The numbers are ncurses 6.4's own values (curses.h), so these tests also catch a
/// shim that imported the wrong constants.
@Suite("wget_wch results to keys")
struct KeyDecoderTests {
    static let keyCodeYes: Int32 = 0o400
    static let ok: Int32 = 0

    @Test("Special keys", arguments: [
        (0o403, KeyInput.up), (0o402, .down), (0o404, .left), (0o405, .right),
        (0o523, .pageUp), (0o522, .pageDown), (0o406, .home), (0o550, .end),
        (0o527, .enter), (0o407, .backspace), (0o632, .resize),
        (0o411, .function(1)), (0o420, .function(8)), (0o414, .function(4)),
    ] as [(UInt32, KeyInput)])
    func special(_ code: UInt32, _ expected: KeyInput) {
        #expect(KeyDecoder.decode(status: Self.keyCodeYes, value: code) == expected)
    }

    @Test("Characters and control codes", arguments: [
        (10, KeyInput.enter), (13, .enter), (27, .escape), (127, .backspace), (8, .backspace), (9, .tab),
        (3, .ctrl("c")), (18, .ctrl("r")), (2, .ctrl("b")), (6, .ctrl("f")), (1, .ctrl("a")), (26, .ctrl("z")),
        (0x71, .character("q")), (0x2F, .character("/")), (0x3C, .character("<")), (0x20, .character(" ")),
        (0xE9, .character("é")), (0x65E5, .character("日")), (0x1F600, .character("😀")),
    ] as [(UInt32, KeyInput)])
    func characters(_ value: UInt32, _ expected: KeyInput) {
        #expect(KeyDecoder.decode(status: Self.ok, value: value) == expected)
    }

    @Test("Unusable input is dropped", arguments: [
        (Int32(0), UInt32(0)), (0, 0x1C), (0, 0x9B), (0, 0xD800), (0o400, 0o541 /* KEY_BTAB */), (-1, 0x71),
    ])
    func dropped(_ status: Int32, _ value: UInt32) {
        #expect(KeyDecoder.decode(status: status, value: value) == nil)
    }
}

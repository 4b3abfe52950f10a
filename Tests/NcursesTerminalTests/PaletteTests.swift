import Foundation
import CNcursesw
import CertBrowser
import Testing
@testable import NcursesTerminal

@Suite("Roles to colours and attributes")
struct PaletteTests {
    @Test("Without colour every role keeps only its attribute stand-in")
    func attributesOnly() {
        let palette = Palette(colors: 0)
        for role in StyleRole.allCases {
            #expect(!palette.style(for: role).hasColor, "\(role)")
        }
        #expect(palette.style(for: .selected).attributes == .reverse)
        #expect(palette.style(for: .critical).attributes == .bold)
        #expect(palette.style(for: .footer).attributes == [.bold, .reverse])
        #expect(palette.style(for: .sortedHeader).attributes == .underline)
        #expect(palette.style(for: .ok).attributes == [])
    }

    @Test("Standard palette: red, yellow, green on the default background")
    func standard() {
        let palette = Palette(colors: 8)
        #expect(palette.style(for: .critical) == CellStyle(foreground: 1, attributes: .bold))
        #expect(palette.style(for: .warning) == CellStyle(foreground: 3))
        #expect(palette.style(for: .ok) == CellStyle(foreground: 2))
        #expect(palette.style(for: .normal) == CellStyle())
        #expect(palette.style(for: .selected).attributes.contains(.reverse))
    }

    @Test("The colour-blind palette never uses red or green", arguments: [8, 16, 256])
    func colorBlindSafe(_ colors: Int) {
        let palette = Palette(variant: .colorBlindSafe, colors: colors)
        for role in StyleRole.allCases {
            let style = palette.style(for: role)
            #expect(![1, 2, 9, 10].contains(style.foreground), "\(role) fg \(style.foreground)")
            #expect(![1, 2, 9, 10].contains(style.background), "\(role) bg \(style.background)")
        }
        #expect(palette.style(for: .critical).foreground != palette.style(for: .ok).foreground)
        if colors >= 256 {
            #expect(palette.style(for: .critical).foreground == 208)
        }
    }

    @Test("Bright colours only where the terminal has 16")
    func depth() {
        #expect(Palette(colors: 8).style(for: .muted) == CellStyle(attributes: .dim))
        #expect(Palette(colors: 16).style(for: .muted) == CellStyle(foreground: 8))
    }

    @Test("Colour pairs: one per coloured role, default colours kept or replaced")
    func pairs() {
        let table = StyleTable(palette: Palette(colors: 8), defaultColorsAvailable: true, pairLimit: 64)
        let critical = table.entry(.critical)
        #expect(critical.pair == Int16(StyleRole.critical.rawValue) + 1)
        #expect(table.entry(.normal).pair == 0)
        #expect(table.pairs.contains { $0 == (critical.pair, 1, -1) })
        let noDefaults = StyleTable(palette: Palette(colors: 8), defaultColorsAvailable: false, pairLimit: 64)
        #expect(noDefaults.pairs.contains { $0 == (critical.pair, 1, 0) })
        #expect(table.entry(.critical).attributes == cncursesw_A_BOLD())
    }

    @Test("NO_COLOR, --color and terminals without colour")
    func colorMode() {
        #expect(ColorMode.auto.usesColor(terminalHasColors: true, environment: [:]))
        #expect(!ColorMode.auto.usesColor(terminalHasColors: true, environment: ["NO_COLOR": "1"]))
        #expect(ColorMode.auto.usesColor(terminalHasColors: true, environment: ["NO_COLOR": ""]))
        #expect(ColorMode.always.usesColor(terminalHasColors: true, environment: ["NO_COLOR": "1"]))
        #expect(!ColorMode.always.usesColor(terminalHasColors: false, environment: [:]))
        #expect(!ColorMode.never.usesColor(terminalHasColors: true, environment: [:]))
    }
}

@Suite("The C shim")
struct ShimTests {
    @Test("COLOR_PAIR and attributes have ncurses' values")
    func values() {
        #expect(cncursesw_COLOR_PAIR(3) == 768)
        #expect(cncursesw_A_BOLD() == 1 << 21)
        #expect(cncursesw_A_REVERSE() == 1 << 18)
        #expect(cncursesw_A_NORMAL() == 0)
        #expect(cncursesw_KEY_F(1) == 0o411)
    }

    @Test("wcwidth: wide CJK, narrow Latin, zero-width combining mark, in a UTF-8 locale")
    func wcwidth() {
        // Only LC_CTYPE matters and only this suite reads it.
        _ = setlocale(LC_CTYPE, "C.UTF-8")
        #expect(cncursesw_wcwidth(0x65E5) == 2)
        #expect(cncursesw_wcwidth(0xE9) == 1)
        #expect(cncursesw_wcwidth(0x301) == 0)
        #expect(cncursesw_codeset_is_utf8() == 1)
    }
}

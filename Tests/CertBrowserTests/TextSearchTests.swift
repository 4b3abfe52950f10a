import AtlasAPI
import Foundation
import Testing
@testable import CertBrowser

@Suite("Filter search")
struct TextSearchTests {
    @Test("Byte search finds ASCII, CJK and emoji needles anywhere, and nothing that is not there")
    func search() {
        #expect(TextSearch.contains("cn=alice\npayments", "payments"))
        #expect(TextSearch.contains("cn=alice\npayments", "cn="))
        #expect(TextSearch.contains("cn=alice\npayments", "s"))
        #expect(TextSearch.contains("分析チーム analytics", "チーム"))
        #expect(TextSearch.contains("ゆき🚀", "🚀"))
        #expect(TextSearch.contains("abc", ""))
        #expect(!TextSearch.contains("abc", "abcd"))
        #expect(!TextSearch.contains("aab", "abb"))
        #expect(!TextSearch.contains("", "a"))
        #expect(TextSearch.contains("aaab", "aab"), "a false start does not hide a later match")
    }

    /// The rows a filter leaves must not depend on how it was typed: one character at a
    /// time (each narrowing the last result), all at once, or after a backspace.
    @Test("Typing a filter key by key gives what setting it at once gives", arguments: ["pay", "payments", "crit", "田中", "in 3", "x"])
    func narrowingIsExact(needle: String) {
        var typed = Fixture.loaded()
        Fixture.press(.character("a"), on: &typed)
        var direct = typed
        Fixture.press(.character("/"), on: &typed)
        for character in needle + "z" { Fixture.press(.character(character), on: &typed) }
        Fixture.press(.backspace, on: &typed)
        direct.setFilter(needle, Fixture.now)
        #expect(typed.fleetTable?.filter == needle)
        #expect(typed.fleetTable?.order == direct.fleetTable?.order)
        let expected = direct.fleetTable?.rows.indices.filter { index in
            guard let row = direct.fleetTable?.rows[index] else { return false }
            let context = CellContext(now: Fixture.now, policy: .default, ascii: false)
            return FleetRow.columns.contains { $0.text(row, context).lowercased().contains(needle) }
        }
        #expect(Set(direct.fleetTable?.order ?? []) == Set(expected ?? []))
    }
}

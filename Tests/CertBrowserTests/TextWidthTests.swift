import AtlasAPI
import Testing
@testable import CertBrowser

@Suite("Display width")
struct TextWidthTests {
    @Test(arguments: [
        ("abc", 3),
        ("日本語", 6),                      // CJK ideographs: 2 each
        ("ｶﾀｶﾅ", 4),                       // halfwidth katakana: 1 each
        ("ＡＢ", 4),                         // fullwidth Latin: 2 each
        ("한국어", 6),                       // Hangul syllables
        ("e\u{301}", 1),                   // e + combining acute: one column
        ("Zu\u{308}rich", 6),              // combining diaeresis inside a word
        ("\u{301}", 0),                    // a lone combining mark
        ("👨‍👩‍👧‍👦", 2),                     // ZWJ family: one emoji
        ("🏳️‍🌈", 2),                        // flag via ZWJ, base without emoji presentation
        ("🇨🇭", 2),                          // regional-indicator pair
        ("🇨🇭🇯🇵", 4),                        // two flags
        ("👍🏽", 2),                          // skin-tone modifier
        ("1️⃣", 2),                          // keycap sequence
        ("☺", 1),                          // text-presentation symbol
        ("☺️", 2),                          // the same with VS16
        ("🚀", 2),
        ("a\u{200B}b", 2),                 // zero-width space
        ("ゆき🚀", 6),
        ("é", 1),                          // precomposed
        ("▲", 1),                          // East Asian Ambiguous counts as narrow
    ])
    func width(_ text: String, _ expected: Int) {
        #expect(TextWidth.of(text) == expected)
    }

    @Test func controlsHaveNoWidth() {
        #expect(TextWidth.of("\u{1B}") == 0)
        #expect(TextWidth.of("\u{9B}") == 0)
        #expect(TextWidth.of("\u{7F}") == 0)
    }
}

@Suite("Truncation")
struct TruncationTests {
    @Test func shortTextIsUntouched() {
        #expect(TextFit.truncated("alice", to: 5) == "alice")
        #expect(TextFit.truncated("alice", to: 10) == "alice")
    }

    @Test func cutsWithEllipsis() {
        #expect(TextFit.truncated("alice-long-name", to: 6) == "alice…")
        #expect(TextFit.truncated("alice-long-name", to: 6, ellipsis: "~") == "alice~")
    }

    @Test func neverLeavesHalfAWideCharacter() {
        // 6 columns for "日本語日本語" (12): room 5 for text -> 2 ideographs (4) + ellipsis.
        let cut = TextFit.truncated("日本語日本語", to: 6)
        #expect(cut == "日本…")
        #expect(TextWidth.of(cut) == 5)
        #expect(TextFit.padded("日本語日本語", to: 6) == "日本… ")
    }

    @Test func neverSplitsAGrapheme() {
        let family = "👨‍👩‍👧‍👦👨‍👩‍👧‍👦"
        #expect(TextFit.truncated(family, to: 3) == "👨‍👩‍👧‍👦…")
        #expect(TextFit.truncated("e\u{301}e\u{301}e\u{301}", to: 2) == "e\u{301}…")
        #expect(TextFit.truncated("🇨🇭🇯🇵🇩🇪", to: 4) == "🇨🇭…")
    }

    @Test func tinyWidths() {
        #expect(TextFit.truncated("abc", to: 0) == "")
        #expect(TextFit.truncated("abc", to: 1) == "…")
        #expect(TextFit.truncated("日本", to: 1) == "…")
    }

    @Test func paddingAlignsByWidth() {
        #expect(TextFit.padded("日本", to: 6) == "日本  ")
        #expect(TextFit.padded("42", to: 5, alignRight: true) == "   42")
    }
}

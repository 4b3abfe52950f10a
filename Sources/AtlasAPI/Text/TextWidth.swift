/// How many terminal columns text occupies, computed in pure Swift.
///
/// `wcwidth` depends on the process locale (it returns -1 for everything non-ASCII under
/// `LC_ALL=C`) and knows nothing of grapheme clusters, so a ZWJ emoji family would count
/// as 6 columns and a flag as 2 separate letters. Counting `Character`s is wrong too: a
/// CJK ideograph takes two columns, a combining accent none. Misaligned columns are the
/// classic bug of terminal tables (htop#421), so width is decided here, per grapheme
/// cluster, from Unicode scalar properties:
///
/// - emoji presentation (including ZWJ sequences, flags, keycaps, skin tones): 2
/// - East Asian Wide and Fullwidth: 2
/// - combining and enclosing marks, format characters, Hangul medial/final jamo: 0
/// - controls: 0 (they are never written; the canvas escapes them first)
/// - everything else, including East Asian Ambiguous: 1, as terminals in a
///   non-CJK locale draw them
public enum TextWidth {
    /// The columns a whole string occupies.
    ///
    /// Inlinable so that callers in other modules get it specialised for `String`: the
    /// generic version's protocol-witness calls for every byte were a fifth of the time
    /// of drawing a frame (docs/benchmarks.md).
    @inlinable
    public static func of(_ text: some StringProtocol) -> Int {
        if TerminalSafe.isPrintableASCII(text) { return text.utf8.count }
        var total = 0
        for character in text {
            total += of(character)
        }
        return total
    }

    /// The columns one grapheme cluster occupies: 0, 1 or 2.
    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        // Fast path: printable ASCII is by far the most common input.
        if first.value >= 0x20 && first.value < 0x7F && scalars.count == 1 { return 1 }
        if scalars.count > 1 && isEmojiSequence(scalars) { return 2 }
        return of(first)
    }

    /// The width of a scalar on its own, ignoring what follows it.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x20 || (value >= 0x7F && value < 0xA0) { return 0 }
        if value < 0x300 { return value == 0xAD ? 0 : 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control:
            return 0
        default:
            break
        }
        if (0x1160...0x11FF).contains(value) || (0xD7B0...0xD7FF).contains(value) { return 0 }
        if scalar.properties.isEmojiPresentation { return 2 }
        return isEastAsianWide(value) ? 2 : 1
    }

    /// True when a multi-scalar cluster is drawn as one emoji: it starts with an emoji
    /// and asks for emoji presentation (U+FE0F), joins emoji (ZWJ), is a keycap, carries
    /// a skin-tone modifier or tag characters, or is a regional-indicator pair (a flag).
    static func isEmojiSequence(_ scalars: Character.UnicodeScalarView) -> Bool {
        guard let first = scalars.first else { return false }
        if first.properties.isEmojiPresentation { return true }
        guard first.properties.isEmoji else { return false }
        for scalar in scalars.dropFirst() {
            switch scalar.value {
            case 0xFE0F, 0x200D, 0x20E3, 0x1F3FB...0x1F3FF, 0xE0020...0xE007F:
                return true
            default:
                continue
            }
        }
        return false
    }

    /// East Asian Width W or F (Unicode 15), outside the emoji blocks, which are covered
    /// by `isEmojiPresentation` so that text-presentation symbols there stay narrow.
    static func isEastAsianWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F,      // Hangul Choseong
             0x2329...0x232A,      // angle brackets
             0x2E80...0x303E,      // CJK radicals, Kangxi, ideographic description, CJK symbols
             0x3041...0x33FF,      // Hiragana, Katakana, Bopomofo, Hangul compat, Kanbun, CJK compat
             0x3400...0x4DBF,      // CJK Extension A
             0x4E00...0x9FFF,      // CJK Unified Ideographs
             0xA000...0xA4CF,      // Yi
             0xA960...0xA97F,      // Hangul Jamo Extended-A
             0xAC00...0xD7A3,      // Hangul syllables
             0xF900...0xFAFF,      // CJK compatibility ideographs
             0xFE10...0xFE19,      // vertical forms
             0xFE30...0xFE6F,      // CJK compatibility forms, small form variants
             0xFF00...0xFF60,      // fullwidth forms
             0xFFE0...0xFFE6,      // fullwidth signs
             0x16FE0...0x16FE4,    // ideographic symbols
             0x17000...0x18CFF,    // Tangut, Khitan
             0x1B000...0x1B2FF,    // Kana supplement, Nushu
             0x1F200...0x1F2FF,    // enclosed ideographic supplement
             0x20000...0x2FFFD,    // CJK Extensions B-F
             0x30000...0x3FFFD:    // CJK Extension G and later
            return true
        default:
            return false
        }
    }
}

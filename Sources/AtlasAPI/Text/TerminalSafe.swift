/// Makes untrusted server text safe to show in a terminal.
///
/// Project names, usernames, subjects and error details come from the server. Written raw,
/// ESC/CSI/OSC sequences could move the cursor, retitle the window or write the clipboard;
/// CR, LF, BS and TAB move the cursor even through ncurses; bidi overrides reorder what the
/// user reads; invisible scalars (zero-width spaces, joiners outside emoji, tag characters
/// outside flags, Hangul fillers) make two usernames look alike. Every such scalar is
/// replaced by a visible escape (`\x1B`, `\u{202E}`) so an administrator sees that the
/// value contains it. Printable text, including CJK, emoji sequences and combining marks,
/// is kept as it is.
///
/// Two passes, one job each:
/// - `sanitize` is applied once, where server text enters a display string (a row's cell
///   text, a message naming a user). Besides the escapes it doubles a literal backslash
///   that could be read as the start of one (`\x1B` in a name, shown `\\x1B`), so what
///   the user reads decodes to exactly one value. That makes it not idempotent: text it
///   has produced must not go through it again.
/// - `neutralize` is the last line of defence at the output (the canvas, the messages bar,
///   a command's error line): the same escapes, backslashes untouched, so it changes
///   nothing in text `sanitize` produced and still keeps a missed raw value harmless.
public enum TerminalSafe {
    /// Returns `text` with every control, bidi-control, line-separator and invisible scalar
    /// escaped, and each backslash that could be mistaken for an escape doubled. Apply once
    /// to raw server text; use `neutralize` on text built from sanitised parts.
    public static func sanitize(_ text: String) -> String {
        if isPrintableASCII(text) && !text.utf8.contains(UInt8(ascii: "\\")) { return text }
        return escaped(text, backslashes: true)
    }

    /// Returns `text` with every control, bidi-control, line-separator and invisible scalar
    /// escaped, backslashes as they are. Idempotent, and the identity on `sanitize`'s output.
    public static func neutralize(_ text: String) -> String {
        // Printable ASCII, the usual case, needs no scalar decoding to be known safe.
        if isPrintableASCII(text) { return text }
        return escaped(text, backslashes: false)
    }

    /// Neutralises and limits to `maxCharacters` characters (an ellipsis marks the cut).
    public static func neutralize(_ text: String, maxCharacters: Int) -> String {
        limited(neutralize(text), maxCharacters: maxCharacters)
    }

    private static func escaped(_ text: String, backslashes: Bool) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var changed = false
        var inFlagTags = false
        for (index, scalar) in scalars.enumerated() {
            let previous = index > 0 ? scalars[index - 1] : nil
            let next = index + 1 < scalars.count ? scalars[index + 1] : nil
            var escapeIt = isUnsafe(scalar)
            switch scalar.value {
            case 0x200D:
                // The zero-width joiner of an emoji sequence (👩‍💻) is kept; elsewhere it is invisible.
                escapeIt = !(previous.map(joinsEmoji) ?? false && next.map(isEmojiScalar) ?? false)
            case 0xE0020...0xE007F:
                // Tag characters belong only in a subdivision flag (🏴 then tags, then E007F).
                if previous?.value == 0x1F3F4 { inFlagTags = true }
                escapeIt = !inFlagTags
                if scalar.value == 0xE007F { inFlagTags = false }
            case 0xE0000...0xE001F:
                escapeIt = true
            default:
                inFlagTags = false
            }
            if backslashes, scalar == "\\", mayReadAsEscape(followedBy: next) {
                out.append(contentsOf: "\\\\".unicodeScalars)
                changed = true
            } else if escapeIt {
                out.append(contentsOf: escape(scalar).unicodeScalars)
                changed = true
            } else {
                out.append(scalar)
            }
        }
        return changed ? String(out) : text
    }

    /// True when a literal backslash before `next` could be read as one of our escapes
    /// (`\x1B`, `\u{202E}`, `\\`), or would run into one (a backslash before an escaped
    /// scalar). A backslash before other printable ASCII, as in the DN escape `CN=a\,b`,
    /// reads unambiguously and is left alone.
    private static func mayReadAsEscape(followedBy next: Unicode.Scalar?) -> Bool {
        guard let next else { return false }
        guard next.value >= 0x20, next.value < 0x7F else { return true }
        return next == "x" || next == "u" || next == "\\"
    }

    /// A scalar that may stand before the joiner of an emoji sequence.
    private static func joinsEmoji(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value == 0xFE0F || scalar.properties.isEmojiModifier || isEmojiScalar(scalar)
    }

    /// An emoji scalar, not one of the ASCII digits and signs that are emoji only in keycaps.
    private static func isEmojiScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value > 0x7F && scalar.properties.isEmoji
    }

    /// True when `text` is printable ASCII only (0x20...0x7E): nothing to escape, one
    /// terminal column per byte, no grapheme breaking. Nearly all server text is, so the
    /// sanitiser, `TextWidth` and the canvas check this first.
    @inlinable
    public static func isPrintableASCII(_ text: some StringProtocol) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// Sanitises and limits to `maxCharacters` characters (an ellipsis marks the cut).
    public static func sanitize(_ text: String, maxCharacters: Int) -> String {
        limited(sanitize(text), maxCharacters: maxCharacters)
    }

    private static func limited(_ safe: String, maxCharacters: Int) -> String {
        guard safe.count > maxCharacters, maxCharacters > 1 else { return safe }
        return String(safe.prefix(maxCharacters - 1)) + "…"
    }

    /// True for scalars that must never reach a terminal raw.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true          // C0 (incl. TAB, LF, CR, BS), DEL, C1
        case 0x061C, 0x200E, 0x200F: true             // Arabic letter mark, LRM, RLM
        case 0x202A...0x202E, 0x2066...0x2069: true   // bidi embeddings, overrides, isolates
        case 0x2028, 0x2029: true                     // line and paragraph separators
        // Invisible: soft hyphen, combining grapheme joiner, Hangul fillers, Mongolian vowel
        // separator, zero-width space and non-joiner, word joiner and invisible operators,
        // zero-width no-break space (BOM).
        case 0x00AD, 0x034F, 0x115F, 0x1160, 0x180E, 0x200B, 0x200C, 0x2060...0x2064, 0x3164, 0xFEFF, 0xFFA0: true
        default: false
        }
    }

    static func escape(_ scalar: Unicode.Scalar) -> String {
        if scalar.value < 0x100 {
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "\\x" + (hex.count == 1 ? "0" + hex : hex)
        }
        return "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
    }
}

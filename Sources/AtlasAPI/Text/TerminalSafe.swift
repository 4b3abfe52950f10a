/// Makes untrusted server text safe to show in a terminal.
///
/// Project names, usernames, subjects and error details come from the server. Written raw,
/// ESC/CSI/OSC sequences could move the cursor, retitle the window or write the clipboard;
/// CR, LF, BS and TAB move the cursor even through ncurses; bidi overrides reorder what the
/// user reads. Every such scalar is replaced by a visible escape (`\x1B`, `\u{202E}`) so an
/// administrator sees that the value contains it. Printable text, including CJK, emoji
/// and combining marks, is kept as it is.
public enum TerminalSafe {
    /// Returns `text` with every control, bidi-control and line-separator scalar escaped.
    public static func sanitize(_ text: String) -> String {
        // Printable ASCII, the usual case, needs no scalar decoding to be known safe.
        if isPrintableASCII(text) { return text }
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) {
                out.append(contentsOf: escape(scalar).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
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
        let safe = sanitize(text)
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

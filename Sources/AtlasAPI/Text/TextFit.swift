/// Fitting text into a number of terminal columns.
///
/// Truncation works on grapheme clusters and display width, so it never splits an
/// accent from its letter, a flag into two letters, or leaves half of a wide character
/// (which a terminal would draw as garbage or shift the rest of the row).
public enum TextFit {
    /// `text` cut to at most `width` columns; when cut, `ellipsis` marks the cut.
    /// The result may be one column narrower than `width` when a wide character
    /// would have straddled the edge; `padded(_:to:)` fills that column.
    public static func truncated(_ text: String, to width: Int, ellipsis: String = "…") -> String {
        guard width > 0 else { return "" }
        if TextWidth.of(text) <= width { return text }
        let ellipsisWidth = TextWidth.of(ellipsis)
        guard ellipsisWidth <= width else { return "" }
        let room = width - ellipsisWidth
        var out = ""
        var used = 0
        for character in text {
            let w = TextWidth.of(character)
            if used + w > room { break }
            out.append(character)
            used += w
        }
        return out + ellipsis
    }

    /// `text` truncated to `width` columns and padded with spaces to exactly `width`.
    public static func padded(_ text: String, to width: Int, alignRight: Bool = false, ellipsis: String = "…") -> String {
        let cut = truncated(text, to: width, ellipsis: ellipsis)
        var gap = max(0, width - TextWidth.of(cut))
        var padded = pad(cut, gap, alignRight)
        // A space can join the text's edge grapheme (a spacing mark after it, a prepended
        // format character before it) and take no column of its own: the fuzz target's
        // find (Fuzz/Findings/width-padded-one-short). Add spaces until the width holds.
        var measured = TextWidth.of(padded)
        while measured < width && gap <= width {
            gap += 1
            padded = pad(cut, gap, alignRight)
            measured = TextWidth.of(padded)
        }
        return padded
    }

    private static func pad(_ text: String, _ gap: Int, _ alignRight: Bool) -> String {
        let spaces = String(repeating: " ", count: gap)
        return alignRight ? spaces + text : text + spaces
    }
}

/// Text dumps of a canvas for snapshot tests and debugging.
///
/// Two dumps instead of one: the characters alone read like the screen, and the style
/// overlay (one letter per cell, see `StyleRole.letter`) is what catches a colour
/// regression, such as a critical row that lost its role.
extension Canvas {
    /// The characters, one line per row. A wide grapheme is written once (its
    /// continuation cell adds nothing), so each line shows as wide as the screen.
    public var plainText: String {
        var lines: [String] = []
        lines.reserveCapacity(height)
        for y in 0..<height {
            var line = ""
            for cell in row(y) {
                if case .grapheme(let character) = cell.content { line.append(character) }
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// One role letter per cell, one line per row; exactly `width` letters per line.
    public var styleOverlay: String {
        var lines: [String] = []
        lines.reserveCapacity(height)
        for y in 0..<height {
            lines.append(String(row(y).map(\.role.letter)))
        }
        return lines.joined(separator: "\n")
    }

    /// The text of one row with trailing spaces removed, convenient in assertions.
    public func line(_ y: Int) -> String {
        var line = ""
        for cell in row(y) {
            if case .grapheme(let character) = cell.content { line.append(character) }
        }
        while line.last == " " { line.removeLast() }
        return line
    }
}

import AtlasAPI
import CertBrowser

/// Display width and fitting: widths are never negative, a string is as wide as its
/// characters, fitted text never exceeds its columns, and the canvas writes no more
/// columns than it was given, only safe text.
enum WidthFuzz {
    static func run(_ bytes: [UInt8]) {
        let columns = Int(bytes.first ?? 0) % 40
        let text = bytes.dropFirst().map { $0 }.text
        let width = TextWidth.of(text)
        Invariant.require(width >= 0, "negative width")
        var sum = 0
        for character in text {
            let w = TextWidth.of(character)
            Invariant.require((0...2).contains(w), "a character of width \(w)")
            sum += w
        }
        Invariant.require(sum == width, "width \(width) is not the sum \(sum) of its characters' widths")
        Invariant.require(TextWidth.of(Substring(text)) == width, "a Substring measures differently")

        let cut = TextFit.truncated(text, to: columns)
        Invariant.require(TextWidth.of(cut) <= columns, "truncated to \(columns) is \(TextWidth.of(cut)) wide")
        // (Zero columns hold nothing, not even text of width 0: the fuzzer's first find was
        // this invariant without `columns > 0`.)
        if width <= columns, columns > 0 { Invariant.require(cut == text, "text that fits was cut") }
        let padded = TextFit.padded(text, to: columns, alignRight: bytes.count % 2 == 0)
        Invariant.require(TextWidth.of(padded) == columns, "padded to \(columns) is \(TextWidth.of(padded)) wide")

        var canvas = Canvas(width: columns + 2, height: 2)
        let written = canvas.write(text, x: 1, y: 0, maxWidth: columns, role: .normal)
        Invariant.require((0...columns).contains(written), "the canvas wrote \(written) columns of \(columns)")
        canvas.write(text, x: 0, y: 1, width: columns + 1, alignRight: bytes.count % 3 == 0, role: .normal)
        for y in 0..<2 {
            var cellColumns = 0
            for cell in canvas.row(y) {
                cellColumns += cell.width
                if case .grapheme(let character) = cell.content {
                    Invariant.requireTerminalSafe(String(character), "a canvas cell")
                }
            }
            Invariant.require(cellColumns <= canvas.width, "row \(y)'s cells are \(cellColumns) columns wide in a canvas of \(canvas.width)")
        }
    }
}

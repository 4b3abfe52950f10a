import AtlasAPI

/// An in-memory screen: a grid of cells that `render` draws into and the terminal
/// adapter paints.
///
/// Rendering the whole screen from state into a buffer every frame (the ratatui and
/// Bubble Tea model) keeps the screen testable without a terminal: tests compare
/// `plainText` and `styleOverlay` with snapshots.
public struct Canvas: Sendable, Hashable {
    public let width: Int
    public let height: Int
    /// When true, truncation uses `~` instead of `…` (for non-UTF-8 locales).
    public let ascii: Bool
    private var cells: [Cell]
    /// True once a wide grapheme was placed. Until then no cell is half of one, so writes
    /// skip repairing wide neighbours: the common frame is all narrow text, and that
    /// repair was a fifth of the time of a 200×60 frame (docs/benchmarks.md).
    private var hasWide = false

    public init(width: Int, height: Int, ascii: Bool = false) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.ascii = ascii
        self.cells = Array(repeating: .blank, count: self.width * self.height)
    }

    /// The cell at column `x`, row `y`; a blank cell outside the grid.
    public subscript(x x: Int, y y: Int) -> Cell {
        guard contains(x: x, y: y) else { return .blank }
        return cells[y * width + x]
    }

    /// One row of cells, left to right, for painting.
    public func row(_ y: Int) -> ArraySlice<Cell> {
        guard y >= 0 && y < height else { return [] }
        return cells[(y * width)..<((y + 1) * width)]
    }

    /// The truncation mark for this canvas.
    public var ellipsis: String { ascii ? "~" : "…" }

    func contains(x: Int, y: Int) -> Bool {
        x >= 0 && y >= 0 && x < width && y < height
    }

    /// Writes `text` at (`x`, `y`), at most `maxWidth` columns (and never past the right
    /// edge), truncated with an ellipsis when it does not fit.
    ///
    /// The text is sanitised again here, whatever the caller did: a control character
    /// that reached a cell would move the terminal's cursor and spoof neighbouring
    /// rows. Zero-width clusters with nothing to attach to (a lone combining mark, a
    /// zero-width space) are dropped, since they would occupy no cell.
    /// - Returns: the number of columns written.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, maxWidth: Int? = nil, role: StyleRole) -> Int {
        guard y >= 0 && y < height && x < width else { return 0 }
        var limit = width - x
        if let maxWidth { limit = min(limit, maxWidth) }
        guard limit > 0 else { return 0 }
        let safe = CellGraphemes.displayForm(TerminalSafe.neutralize(text))
        let fitted = TextFit.truncated(safe, to: limit, ellipsis: ellipsis)
        return place(fitted, x: x, y: y, role: role)
    }

    /// Puts text that is already sanitised and fits, grapheme by grapheme.
    @discardableResult
    private mutating func place(_ fitted: String, x: Int, y: Int, role: StyleRole) -> Int {
        if TerminalSafe.isPrintableASCII(fitted) { return placeASCII(fitted, x: x, y: y, role: role) }
        var column = x
        for character in fitted {
            let w = TextWidth.of(character)
            if w == 0 { continue }
            if column >= 0 { put(character, width: w, x: column, y: y, role: role) }
            column += w
        }
        return column - x
    }

    /// The characters of printable ASCII, by byte value minus 0x20.
    private static let asciiCharacters: [Character] = (0x20..<0x7F).map { Character(Unicode.Scalar(UInt8($0))) }

    /// `place` for printable ASCII: a cell per byte.
    private mutating func placeASCII(_ text: String, x: Int, y: Int, role: StyleRole) -> Int {
        var column = x
        for byte in text.utf8 {
            if column >= 0 && column < width {
                put(Self.asciiCharacters[Int(byte) - 0x20], width: 1, x: column, y: y, role: role)
            }
            column += 1
        }
        return column - x
    }

    /// Writes `text` padded with spaces (or cut) to exactly `width` columns.
    public mutating func write(_ text: String, x: Int, y: Int, width columns: Int, alignRight: Bool = false, role: StyleRole) {
        guard columns > 0 else { return }
        let count = text.utf8.count
        if count <= columns, TerminalSafe.isPrintableASCII(text) {
            // Fits as it is: no escaping, cutting or measuring; each cell written once.
            let start = alignRight ? x + columns - count : x
            fill(x: x, y: y, width: start - x, role: role)
            if y >= 0 && y < height { _ = placeASCII(text, x: start, y: y, role: role) }
            fill(x: start + count, y: y, width: x + columns - start - count, role: role)
            return
        }
        let safe = CellGraphemes.displayForm(TerminalSafe.neutralize(text))
        let cut = TextFit.truncated(safe, to: columns, ellipsis: ellipsis)
        let textWidth = TextWidth.of(cut)
        let gap = max(0, columns - textWidth)
        let start = alignRight ? x + gap : x
        fill(x: x, y: y, width: columns, role: role)
        if y >= 0 && y < height && start < width && textWidth <= width - start {
            // Already sanitised and cut to fit: no need to sanitise, cut and measure again
            // (every table cell comes here, 540 of them in a 200×60 frame).
            place(cut, x: start, y: y, role: role)
        } else {
            write(cut, x: start, y: y, maxWidth: columns - (start - x), role: role)
        }
    }

    /// Fills a run of cells on one row with blanks in `role`.
    public mutating func fill(x: Int, y: Int, width columns: Int, role: StyleRole) {
        guard y >= 0 && y < height else { return }
        let start = max(0, x)
        let end = min(width, x + columns)
        guard start < end else { return }
        for column in start..<end {
            put(" ", width: 1, x: column, y: y, role: role)
        }
    }

    /// Changes the role of a run of cells without touching their content.
    public mutating func setRole(_ role: StyleRole, x: Int, y: Int, width columns: Int) {
        guard y >= 0 && y < height else { return }
        let start = max(0, x)
        let end = min(width, x + columns)
        guard start < end else { return }
        for column in start..<end {
            cells[y * width + column].role = role
        }
    }

    public static func == (lhs: Canvas, rhs: Canvas) -> Bool {
        lhs.width == rhs.width && lhs.height == rhs.height && lhs.ascii == rhs.ascii && lhs.cells == rhs.cells
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(width)
        hasher.combine(height)
        hasher.combine(ascii)
        hasher.combine(cells)
    }

    /// Replaces every role through `transform`; used to drop colour for NO_COLOR.
    public mutating func mapRoles(_ transform: (StyleRole) -> StyleRole) {
        for index in cells.indices {
            cells[index].role = transform(cells[index].role)
        }
    }

    /// Places one grapheme, repairing any wide grapheme it partly overwrites so the
    /// grid never holds half a wide character.
    private mutating func put(_ character: Character, width w: Int, x: Int, y: Int, role: StyleRole) {
        guard contains(x: x, y: y), x + w <= width else { return }
        if hasWide {
            for column in x..<(x + w) {
                clearWideOverlap(x: column, y: y)
            }
        }
        cells[y * width + x] = Cell(content: .grapheme(character), role: role)
        if w == 2 {
            hasWide = true
            cells[y * width + x + 1] = Cell(content: .continuation, role: role)
        }
    }

    /// Before cell `x` is overwritten: if it is a continuation, blank its wide owner to
    /// the left; if it owns a continuation to the right, blank that continuation.
    private mutating func clearWideOverlap(x: Int, y: Int) {
        let index = y * width + x
        if cells[index].content == .continuation, x > 0 {
            cells[index - 1].content = .grapheme(" ")
        }
        if x + 1 < width, cells[index + 1].content == .continuation {
            cells[index + 1].content = .grapheme(" ")
        }
        cells[index].content = .grapheme(" ")
    }
}

import CNcursesw
import CertBrowser

extension NcursesTerminal {
    /// Draws `canvas` and updates the physical screen.
    ///
    /// Every cell is written into curses' virtual screen; `doupdate` then sends only what
    /// changed, so moving the selection costs a few bytes, not a full redraw.
    /// Continuation cells are skipped: the terminal advanced over them when it drew the
    /// wide grapheme to their left.
    public func paint(_ canvas: Canvas) {
        let window = cncursesw_stdscr()
        let screenSize = size
        let height = min(canvas.height, screenSize.height)
        let width = min(canvas.width, screenSize.width)
        var glyph = cchar_t()
        var characters = [wchar_t](repeating: 0, count: Int(CCHARW_MAX) + 1)
        for y in 0..<height {
            var x = 0
            for cell in canvas.row(y) {
                defer { x += 1 }
                guard x < width, case .grapheme(let character) = cell.content else { continue }
                let entry = styles.entry(cell.role)
                let cellWidth = cell.width
                let drawn = load(character, cellWidth: cellWidth, fitting: width - x, into: &characters)
                characters.withUnsafeBufferPointer { buffer in
                    _ = setcchar(&glyph, buffer.baseAddress, entry.attributes, entry.pair, nil)
                }
                _ = mvwadd_wch(window, Int32(y), Int32(x), &glyph)
                if drawn < cellWidth && x + 1 < width {
                    // The terminal will advance less than the canvas planned: pad, so the
                    // next cell is not left holding stale text.
                    characters[0] = 0x20
                    characters[1] = 0
                    characters.withUnsafeBufferPointer { buffer in
                        _ = setcchar(&glyph, buffer.baseAddress, entry.attributes, entry.pair, nil)
                    }
                    _ = mvwadd_wch(window, Int32(y), Int32(x + 1), &glyph)
                }
            }
        }
        _ = wnoutrefresh(window)
        _ = doupdate()
    }

    /// Fills `buffer` with the wide characters to draw for `character` and returns the
    /// columns they take.
    ///
    /// A cell holds one spacing character plus a few combining ones. Anything curses
    /// cannot hold that way (a ZWJ emoji sequence), or the terminal would draw wider than
    /// the canvas planned, or the locale cannot show at all (wcwidth -1 outside UTF-8),
    /// is replaced, so columns always stay aligned.
    func load(_ character: Character, cellWidth: Int, fitting available: Int, into buffer: inout [wchar_t]) -> Int {
        let scalars = Array(character.unicodeScalars)
        let capacity = buffer.count - 1
        if let first = scalars.first {
            let baseWidth = Int(cncursesw_wcwidth(wchar_t(bitPattern: first.value)))
            if baseWidth >= 1 && baseWidth <= min(cellWidth, available) {
                var count = 1
                buffer[0] = wchar_t(bitPattern: first.value)
                for scalar in scalars.dropFirst() {
                    let value = wchar_t(bitPattern: scalar.value)
                    // Only zero-width marks may follow; stop at the first spacing one.
                    guard count < capacity, cncursesw_wcwidth(value) == 0 else { break }
                    buffer[count] = value
                    count += 1
                }
                buffer[count] = 0
                return baseWidth
            }
        }
        buffer[0] = isUTF8 && !renderOptions.ascii ? 0xFFFD : wchar_t(UInt8(ascii: "?"))
        buffer[1] = 0
        return 1
    }
}

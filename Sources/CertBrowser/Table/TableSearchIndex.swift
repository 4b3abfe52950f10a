import AtlasAPI
import Foundation

/// What a table searches when filtering, and how wide its static columns are, worked
/// out once per set of rows.
///
/// Per row: the lower-cased text of the columns whose text does not change with time,
/// and, once per minute of the clock, of the time-dependent ones (time left, status:
/// their text moves by the minute at most). Keeping both beside the rows made a
/// keystroke of the filter over 100,000 rows a byte search instead of formatting every
/// row (docs/benchmarks.md).
struct TableSearchIndex<Row: TableRowModel>: Sendable {
    /// Lower-cased text of the static columns, per row, separated by newlines (so a
    /// filter never matches across two columns).
    private var haystacks: [String] = []
    /// Lower-cased text of the time-dependent columns, per row, as of `dynamicMinute`.
    private var dynamicHaystacks: [String] = []
    private var dynamicMinute: Int64?
    /// Widest text per static column.
    private(set) var contentWidths: [ColumnID: Int] = [:]

    init() {}

    init(rows: [Row], context: CellContext) {
        let staticColumns = Row.columns.filter { !$0.dynamic }
        haystacks.reserveCapacity(rows.count)
        // Widest text per column, in an array rather than a dictionary lookup per cell.
        var widest = [Int](repeating: 0, count: staticColumns.count)
        // Each row's haystack is assembled as bytes (ASCII folded in place, anything else
        // through `lowercased()`), then made a string once: appending strings and folding
        // them was most of the time of taking 100,000 rows in (docs/benchmarks.md).
        var bytes: [UInt8] = []
        rows.withUnsafeBufferPointer { buffer in
            for row in buffer {
                haystacks.append(Self.haystack(row, staticColumns, context, scratch: &bytes) { position, text in
                    // A text is never wider than its UTF-8 length: most need no measuring.
                    if text.utf8.count > widest[position] {
                        widest[position] = max(widest[position], TextWidth.of(text))
                    }
                })
            }
        }
        for (position, column) in staticColumns.enumerated() where widest[position] > 0 {
            contentWidths[column.id] = widest[position]
        }
    }

    /// `row`'s text in `columns`, case-folded, each followed by a newline, as one string
    /// assembled in `scratch`; `each` sees every column's text with its position.
    private static func haystack(_ row: Row, _ columns: [Column<Row>], _ context: CellContext, scratch bytes: inout [UInt8],
                                 each: (Int, String) -> Void = { _, _ in }) -> String {
        bytes.removeAll(keepingCapacity: true)
        for (position, column) in columns.enumerated() {
            let text = column.text(row, context)
            appendFolded(text, to: &bytes)
            bytes.append(UInt8(ascii: "\n"))
            each(position, text)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `text` case-folded as `lowercased()` folds it: ASCII byte by byte, other
    /// text through `lowercased()`.
    private static func appendFolded(_ text: String, to bytes: inout [UInt8]) {
        let start = bytes.count
        for byte in text.utf8 {
            guard byte < 0x80 else {
                bytes.removeSubrange(start...)
                bytes.append(contentsOf: text.lowercased().utf8)
                return
            }
            bytes.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte)
        }
    }

    /// This index with `added`'s rows inserted: `positions[j]` is the index of the held
    /// row that `added[j]` goes before (ascending; `count` for the end), as `Table.insertRows`
    /// splices its rows. The static columns' widths are the wider of the two. The
    /// time-dependent text, when it is of the minute of `context.now`, is extended by the new
    /// rows' only, so a filter typed before the rows arrived keeps costing the new rows alone.
    mutating func insert(_ added: [Row], at positions: [Int], context: CellContext) {
        let other = TableSearchIndex(rows: added, context: context)
        Self.splice(&haystacks, other.haystacks, at: positions)
        contentWidths.merge(other.contentWidths) { max($0, $1) }
        let minute = Self.minute(context)
        if dynamicMinute == minute, dynamicHaystacks.count + added.count == haystacks.count {
            Self.splice(&dynamicHaystacks, Self.dynamicTexts(added, context: context), at: positions)
        } else {
            dynamicHaystacks = []
            dynamicMinute = nil
        }
    }

    /// `held` with `added[j]` inserted before `held[positions[j]]` (ascending), in place:
    /// the held elements after each insertion point are moved up from the back by swaps,
    /// which move values without retaining them, so only the new elements are copied.
    /// (Building a new array retained and released every field of every row: most of
    /// an insert's cost at 100,000 rows.)
    static func splice<Element>(_ held: inout [Element], _ added: [Element], at positions: [Int]) {
        let heldCount = held.count
        held.append(contentsOf: added)
        held.withUnsafeMutableBufferPointer { buffer in
            var write = buffer.count - 1
            var old = heldCount - 1
            for (element, position) in zip(added, positions).reversed() {
                while old >= position {
                    buffer.swapAt(write, old)
                    write -= 1
                    old -= 1
                }
                buffer[write] = element
                write -= 1
            }
        }
    }

    private static func minute(_ context: CellContext) -> Int64 {
        Int64((context.now.timeIntervalSince1970 / 60).rounded(.down))
    }

    private static func dynamicTexts(_ rows: [Row], context: CellContext) -> [String] {
        let dynamicColumns = Row.columns.filter(\.dynamic)
        var texts: [String] = []
        texts.reserveCapacity(rows.count)
        var bytes: [UInt8] = []
        rows.withUnsafeBufferPointer { buffer in
            for row in buffer { texts.append(Self.haystack(row, dynamicColumns, context, scratch: &bytes)) }
        }
        return texts
    }

    /// Brings the time-dependent columns' text up to the minute of `context.now`.
    /// - Returns: true when it changed since the last call (a filter narrowed before may
    ///   no longer hold).
    mutating func refreshDynamicText(_ rows: [Row], context: CellContext) -> Bool {
        let minute = Self.minute(context)
        guard dynamicMinute != minute || dynamicHaystacks.count != rows.count else { return false }
        let changed = dynamicMinute != minute
        dynamicMinute = minute
        dynamicHaystacks = Self.dynamicTexts(rows, context: context)
        return changed
    }

    /// Whether row `index` contains `needle` (already lower-cased) in any column.
    func matches(index: Int, needle: String) -> Bool {
        TextSearch.contains(haystacks[index], needle)
            || (index < dynamicHaystacks.count && TextSearch.contains(dynamicHaystacks[index], needle))
    }
}

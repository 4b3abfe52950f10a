import AtlasAPI
import Foundation

/// The column a table is sorted by, and which way.
public struct TableSort: Sendable, Hashable {
    public var column: ColumnID
    public var ascending: Bool

    public init(column: ColumnID, ascending: Bool = true) {
        self.column = column
        self.ascending = ascending
    }
}

/// The model behind one table screen: rows, sort, filter, selection and scroll.
///
/// `order` holds the indices of the rows that pass the filter, in sorted order; it is
/// recomputed only when the rows, the sort or the filter change, never on a tick, so
/// rows do not jump under the cursor while the user reads them. The selection is a
/// `RowKey`, so it follows the item wherever a re-sort or a reload moves it.
public struct Table<Row: TableRowModel>: Sendable, Equatable {
    public private(set) var rows: [Row]
    public private(set) var sort: TableSort
    /// The filter as typed; matching is case-insensitive.
    public private(set) var filter: String
    /// Indices into `rows` of the visible rows, in display order.
    public private(set) var order: [Int]
    /// Position of the selection within `order`.
    public private(set) var cursor: Int
    /// The first visible position (scrolling).
    public private(set) var top: Int
    /// The key of the selected row; nil only while no row is visible.
    public private(set) var selectedKey: RowKey?
    /// False until the user moves the selection, sorts or filters. Until then the cursor
    /// stays on the top row while results arrive and re-sort the table, so the first
    /// screen opens on the most urgent row rather than on whichever row came first.
    public private(set) var userSelected = false
    /// Lower-cased text of the columns whose text does not change with time, per row.
    private var haystacks: [String]
    /// Lower-cased text of the time-dependent columns (time left, status), per row, as of
    /// the minute in `dynamicMinute`: worked out at the first filter keystroke of a minute
    /// instead of for every row at every keystroke.
    private var dynamicHaystacks: [String] = []
    private var dynamicMinute: Int64?
    /// The filter the current `order` was computed with, while the rows have not changed
    /// since: a filter that extends it (the user typed one more character) only needs to
    /// search the rows that matched before.
    private var narrowedFrom: String?
    /// Each column's sort keys as integers and the order of all rows by them, worked out
    /// the first time the table is sorted by that column and kept until the rows change
    /// (for a time-dependent column, until the minute changes): cycling through the
    /// columns with `<` `>`, reversing with `r` and filtering then sort nothing.
    private var sortKeyCache: [ColumnID: CachedSortKeys] = [:]
    /// Where the selected row is in `rows`, so a re-sort finds it again by comparing
    /// integers rather than every row's key (three strings) with the selected one.
    private var selectedRowIndex: Int?

    private struct CachedSortKeys {
        var minute: Int64?
        /// Each row's key (0 for rows without a value, which are not in the orders).
        var keys: [Int64]
        /// The rows with a value, ascending, ties by row key.
        var ascending: [Int32]
        /// The same rows descending, ties still by row key; worked out when first asked.
        var descending: [Int32]?
        /// The rows without a value, by row key: last in both directions.
        var missing: [Int32]
    }
    /// Widest text per static column, measured once when the rows arrive.
    public private(set) var contentWidths: [ColumnID: Int]
    /// Each row's position in row-key order (the sort's tie-breaker), worked out when a
    /// sort first meets a tie and kept until the rows change.
    private var tieRanks: [Int32]?

    public init(rows: [Row] = [], sort: TableSort, context: CellContext) {
        self.rows = []
        self.sort = sort
        self.filter = ""
        self.order = []
        self.cursor = 0
        self.top = 0
        self.selectedKey = nil
        self.haystacks = []
        self.contentWidths = [:]
        self.tieRanks = nil
        setRows(rows, context: context)
    }

    public var columns: [Column<Row>] { Row.columns }

    /// The selected row, if any row is visible.
    public var selectedRow: Row? {
        guard cursor >= 0 && cursor < order.count else { return nil }
        return rows[order[cursor]]
    }

    /// The visible rows in display order.
    public var visibleRows: [Row] { order.map { rows[$0] } }

    /// Replaces the rows (a reload or more results arriving), keeping sort, filter and
    /// the selected item.
    public mutating func setRows(_ newRows: [Row], context: CellContext) {
        rows = newRows
        tieRanks = nil
        dynamicMinute = nil
        narrowedFrom = nil
        sortKeyCache = [:]
        let staticColumns = Row.columns.filter { !$0.dynamic }
        var widths: [ColumnID: Int] = [:]
        haystacks = []
        haystacks.reserveCapacity(newRows.count)
        // Widest text per column, in an array rather than a dictionary lookup per cell.
        var widest = [Int](repeating: 0, count: staticColumns.count)
        // Each row's haystack is assembled as bytes (ASCII folded in place, anything else
        // through `lowercased()`), then made a string once: appending strings and folding
        // them was most of the time of taking 100,000 rows in (docs/benchmarks.md).
        var bytes: [UInt8] = []
        newRows.withUnsafeBufferPointer { buffer in
            for row in buffer {
                bytes.removeAll(keepingCapacity: true)
                for (position, column) in staticColumns.enumerated() {
                    let text = column.text(row, context)
                    Self.appendFolded(text, to: &bytes)
                    bytes.append(UInt8(ascii: "\n"))
                    // A text is never wider than its UTF-8 length: most need no measuring.
                    if text.utf8.count > widest[position] {
                        widest[position] = max(widest[position], TextWidth.of(text))
                    }
                }
                haystacks.append(String(decoding: bytes, as: UTF8.self))
            }
        }
        for (position, column) in staticColumns.enumerated() where widest[position] > 0 {
            widths[column.id] = widest[position]
        }
        contentWidths = widths
        recompute(context: context)
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

    /// Sorts by `order`, keeping the selected item (from now on the selection follows it).
    public mutating func setSort(_ order: TableSort, context: CellContext) {
        sort = order
        if selectedKey != nil { userSelected = true }
        recompute(context: context)
    }

    /// Sets the filter text, keeping the selected item when it still matches.
    public mutating func setFilter(_ text: String, context: CellContext) {
        filter = text
        if selectedKey != nil { userSelected = true }
        recompute(context: context)
    }

    /// Moves the selection by `delta` rows (negative is up), clamped to the table.
    public mutating func move(by delta: Int, pageHeight: Int) {
        guard !order.isEmpty else { return }
        select(position: max(0, min(order.count - 1, cursor + delta)), pageHeight: pageHeight)
    }

    /// Selects the first (`toEnd == false`) or the last visible row.
    public mutating func jump(toEnd: Bool, pageHeight: Int) {
        guard !order.isEmpty else { return }
        select(position: toEnd ? order.count - 1 : 0, pageHeight: pageHeight)
    }

    /// Selects the row with `key` when it is visible (from now on the selection follows it).
    public mutating func select(key: RowKey, pageHeight: Int) {
        guard let position = order.firstIndex(where: { rows[$0].key == key }) else { return }
        select(position: position, pageHeight: pageHeight)
    }

    /// The first position to show so that the cursor is visible in `height` rows.
    public func visibleTop(height: Int) -> Int {
        guard height > 0 else { return cursor }
        var first = top
        if cursor < first { first = cursor }
        if cursor >= first + height { first = cursor - height + 1 }
        return max(0, min(first, max(0, order.count - height)))
    }

    private mutating func select(position: Int, pageHeight: Int) {
        userSelected = true
        cursor = position
        selectedKey = rows[order[position]].key
        selectedRowIndex = order[position]
        top = visibleTop(height: pageHeight)
    }

    /// Re-filters and re-sorts, then puts the cursor back on the selected key, or on the
    /// same position when that row is gone.
    private mutating func recompute(context: CellContext) {
        let previousCursor = cursor
        let columns = Row.columns
        let dynamicColumns = columns.filter(\.dynamic)
        let needle = filter.lowercased()

        var visible: [Int] = []
        if needle.isEmpty {
            visible = Array(rows.indices)
        } else {
            prepareDynamicHaystacks(dynamicColumns, context: context)
            // Typing one more character can only narrow the rows that matched before.
            let candidates: [Int] = if let previous = narrowedFrom, !previous.isEmpty, needle.hasPrefix(previous) {
                order
            } else {
                Array(rows.indices)
            }
            visible.reserveCapacity(candidates.count)
            for index in candidates where matches(index: index, needle: needle) {
                visible.append(index)
            }
        }
        narrowedFrom = needle

        if let column = columns.first(where: { $0.id == sort.column }) {
            if let full = fullOrder(column, ascending: sort.ascending, context: context) {
                if needle.isEmpty {
                    visible = full.map(Int.init)
                } else {
                    // The filter keeps the rows it matched in the order of all rows.
                    var matched = [Bool](repeating: false, count: rows.count)
                    for index in visible { matched[index] = true }
                    var filtered: [Int] = []
                    filtered.reserveCapacity(visible.count)
                    for index in full where matched[Int(index)] { filtered.append(Int(index)) }
                    visible = filtered
                }
            } else {
                // Keys of mixed kinds (no column has them): compare the enums.
                var keys = [SortKey](repeating: .missing, count: rows.count)
                for index in visible { keys[index] = column.sortKey(rows[index], context) }
                let ascending = sort.ascending
                let ranks = keyRanks()
                visible.sort { a, b in
                    let ka = keys[a], kb = keys[b]
                    if ka != kb {
                        // Missing values sort last in both directions.
                        if ka == .missing { return false }
                        if kb == .missing { return true }
                        return ascending ? ka < kb : kb < ka
                    }
                    // The tie-breaker is always ascending, so reversing never shuffles ties.
                    return ranks[a] < ranks[b]
                }
            }
        }
        order = visible

        if !userSelected, let first = order.first {
            cursor = 0
            selectedKey = rows[first].key
            selectedRowIndex = first
        } else if let key = selectedKey, let position = position(ofSelected: key) {
            cursor = position
        } else if order.isEmpty {
            cursor = 0
        } else {
            cursor = max(0, min(previousCursor, order.count - 1))
            selectedKey = rows[order[cursor]].key
            selectedRowIndex = order[cursor]
        }
        top = max(0, min(top, cursor))
    }

    /// The position in `order` of the row with `key`: by its remembered index when the
    /// rows still hold it there, else by comparing keys (after new rows arrived).
    private mutating func position(ofSelected key: RowKey) -> Int? {
        if let index = selectedRowIndex, index < rows.count, rows[index].key == key {
            return order.firstIndex(of: index)
        }
        guard let index = rows.firstIndex(where: { $0.key == key }) else {
            selectedRowIndex = nil
            return nil
        }
        selectedRowIndex = index
        return order.firstIndex(of: index)
    }

    /// Every row in `column`'s order (rows without a value last, by row key), from the
    /// cache or worked out now: the first time a column is sorted its keys become
    /// integers and all rows are sorted once; the other direction is then one pass over
    /// that order. Nil when the column's keys mix kinds (none does), which the caller
    /// sorts directly.
    private mutating func fullOrder(_ column: Column<Row>, ascending: Bool, context: CellContext) -> [Int32]? {
        let minute: Int64? = column.dynamic ? Int64((context.now.timeIntervalSince1970 / 60).rounded(.down)) : nil
        var cached: CachedSortKeys
        if let hit = sortKeyCache[column.id], hit.minute == minute, hit.keys.count == rows.count {
            cached = hit
        } else {
            let entries: [TableSorting.Entry]
            let missing: [Int]
            if let sortText = column.sortText {
                // Text: ranked directly from the raw texts, every row has a value.
                let keys = rows.withUnsafeBufferPointer { buffer in
                    TableSorting.rankedTexts(count: buffer.count, folded: false) { sortText(buffer[$0]) }
                }
                entries = keys.enumerated().map { TableSorting.Entry(key: $0.element, index: Int32($0.offset)) }
                missing = []
            } else {
                var sortKeys: [SortKey] = []
                sortKeys.reserveCapacity(rows.count)
                // Through the buffer, not `for row in rows`: that copies each row (a retain per field).
                rows.withUnsafeBufferPointer { buffer in
                    for row in buffer { sortKeys.append(column.sortKey(row, context)) }
                }
                guard let keys = TableSorting.integerKeys(sortKeys, visible: Array(rows.indices)) else { return nil }
                (entries, missing) = keys
            }
            var keys = [Int64](repeating: 0, count: rows.count)
            for entry in entries { keys[Int(entry.index)] = entry.key }
            let tied = TableSorting.hasTies(entries, missing: missing.count)
            let ranks = tied ? keyRanks() : nil
            let missingOrder = ranks.map { rank in missing.sorted { rank[$0] < rank[$1] } } ?? missing
            cached = CachedSortKeys(minute: minute, keys: keys,
                                    ascending: TableSorting.ascendingOrder(entries, tieRank: ranks),
                                    missing: missingOrder.map { Int32($0) })
        }
        let valued: [Int32]
        if ascending {
            valued = cached.ascending
        } else if let descending = cached.descending {
            valued = descending
        } else {
            valued = TableSorting.descendingOrder(cached.ascending, keys: cached.keys)
            cached.descending = valued
        }
        sortKeyCache[column.id] = cached
        return valued + cached.missing
    }

    /// `tieRanks`, worked out now if need be: when the rows came in row-key order (the
    /// all-certificates view's do) each row's rank is its index, found in one pass.
    private mutating func keyRanks() -> [Int32] {
        if let tieRanks { return tieRanks }
        var ordered = true
        for index in rows.indices.dropFirst() where !(rows[index - 1].key < rows[index].key) {
            ordered = false
            break
        }
        if ordered {
            let ranks = Array(0..<Int32(rows.count))
            tieRanks = ranks
            return ranks
        }
        var keys: [RowKey] = []
        keys.reserveCapacity(rows.count)
        for row in rows { keys.append(row.key) }
        let ranks = TableSorting.ranks(of: keys)
        tieRanks = ranks
        return ranks
    }

    private func matches(index: Int, needle: String) -> Bool {
        TextSearch.contains(haystacks[index], needle)
            || (index < dynamicHaystacks.count && TextSearch.contains(dynamicHaystacks[index], needle))
    }

    /// The time-dependent columns' text for every row, once per minute of `context.now`
    /// (their text moves by the minute at most: "in 3h 10m", "! CRITICAL").
    private mutating func prepareDynamicHaystacks(_ dynamicColumns: [Column<Row>], context: CellContext) {
        let minute = Int64((context.now.timeIntervalSince1970 / 60).rounded(.down))
        guard dynamicMinute != minute || dynamicHaystacks.count != rows.count else { return }
        if dynamicMinute != minute { narrowedFrom = nil }
        dynamicMinute = minute
        dynamicHaystacks = rows.map { row in
            dynamicColumns.map { $0.text(row, context).lowercased() }.joined(separator: "\n")
        }
    }

    public static func == (lhs: Table, rhs: Table) -> Bool {
        lhs.rows == rhs.rows && lhs.sort == rhs.sort && lhs.filter == rhs.filter && lhs.order == rhs.order
            && lhs.cursor == rhs.cursor && lhs.top == rhs.top && lhs.selectedKey == rhs.selectedKey
            && lhs.userSelected == rhs.userSelected
    }
}

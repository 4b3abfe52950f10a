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
    /// The filter the current `order` was computed with, while the rows have not changed
    /// since: a filter that extends it (the user typed one more character) only needs to
    /// search the rows that matched before.
    private var narrowedFrom: String?
    /// Where the selected row is in `rows`, so a re-sort finds it again by comparing
    /// integers rather than every row's key (three strings) with the selected one.
    private var selectedRowIndex: Int?
    /// Whether `rows` are in key order (as `insertRows` keeps them); nil until asked.
    private var keyOrdered: Bool?

    /// What the filter searches, and the static columns' widths.
    private var search = TableSearchIndex<Row>()
    /// The orders sorted so far, for these rows.
    private var orders = TableSortOrders<Row>()

    /// Widest text per static column, measured once when the rows arrive.
    public var contentWidths: [ColumnID: Int] { search.contentWidths }

    public init(rows: [Row] = [], sort: TableSort, context: CellContext) {
        self.rows = []
        self.sort = sort
        self.filter = ""
        self.order = []
        self.cursor = 0
        self.top = 0
        self.selectedKey = nil
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
        keyOrdered = nil
        narrowedFrom = nil
        orders = TableSortOrders()
        search = TableSearchIndex(rows: newRows, context: context)
        recompute(context: context)
    }

    /// Adds rows the table does not hold yet (one user's certificates that just arrived),
    /// keeping sort, filter and the selected item. The result is the table `setRows` of
    /// all the rows in key order would give, for the cost of the new rows (their search
    /// text, their place by binary search among the rows and in the kept order of the
    /// sorted column, whether they match the filter) and one splice of the rows, their
    /// search text and that order: no sort and no search of the rows held (a sort of all
    /// 100,000 rows per batch before; docs/benchmarks.md). When the rows held are not in
    /// key order, or a new row's key is already held, it falls back to `setRows`.
    public mutating func insertRows(_ newRows: [Row], context: CellContext) {
        guard !newRows.isEmpty else { return }
        let added = newRows.sorted { $0.key < $1.key }
        if keyOrdered == nil { keyOrdered = zip(rows, rows.dropFirst()).allSatisfy { $0.key < $1.key } }
        guard keyOrdered == true, zip(added, added.dropFirst()).allSatisfy({ $0.key < $1.key }) else {
            setRows(Self.keyOrdered(rows + newRows), context: context)
            return
        }
        // Where each new row goes among the held ones, by binary search on the key.
        var positions: [Int] = []
        positions.reserveCapacity(added.count)
        var low = 0
        for row in added {
            let key = row.key
            var high = rows.count
            while low < high {
                let middle = (low + high) / 2
                if rows[middle].key < key { low = middle + 1 } else { high = middle }
            }
            if low < rows.count, rows[low].key == key {
                setRows(Self.keyOrdered(rows + newRows), context: context)
                return
            }
            positions.append(low)
        }
        // Where every held row goes, and where the new ones land.
        var moved = [Int32](repeating: 0, count: rows.count)
        var addedAt: [Int] = []
        addedAt.reserveCapacity(added.count)
        var shift = 0
        for (offset, position) in positions.enumerated() {
            let end = offset + 1 < positions.count ? positions[offset + 1] : rows.count
            addedAt.append(position + shift)
            shift += 1
            for index in position..<end { moved[index] = Int32(index + shift) }
        }
        for index in 0..<(positions.first ?? rows.count) { moved[index] = Int32(index) }

        let previousMatches = order
        let filteredBefore = !filter.isEmpty && narrowedFrom == filter.lowercased()
        TableSearchIndex<Row>.splice(&rows, added, at: positions)
        search.insert(added, at: positions, context: context)
        orders.insert(added: addedAt, moved: moved, rows: rows, keeping: Row.columns.first { $0.id == sort.column },
                      context: context)
        selectedRowIndex = selectedRowIndex.map { Int(moved[$0]) }
        // The filter, unchanged and typed before these rows came: the rows it matched, and
        // the new ones that match.
        var matched: [Int]?
        if filteredBefore, !search.refreshDynamicText(rows, context: context) {
            let needle = filter.lowercased()
            var visible = previousMatches.map { Int(moved[$0]) }
            for index in addedAt where search.matches(index: index, needle: needle) { visible.append(index) }
            matched = visible
        } else {
            narrowedFrom = nil
        }
        recompute(context: context, matched: matched)
    }

    /// `rows` in key order, the order the views build them in.
    static func keyOrdered(_ rows: [Row]) -> [Row] { rows.sorted { $0.key < $1.key } }

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
    /// same position when that row is gone. `matched`, when given, are the rows that pass
    /// the filter, in any order (`insertRows` knows them without a search).
    private mutating func recompute(context: CellContext, matched: [Int]? = nil) {
        let previousCursor = cursor
        let columns = Row.columns
        let needle = filter.lowercased()

        var visible: [Int] = []
        if let matched {
            visible = columns.contains { $0.id == sort.column } ? matched : matched.sorted()
        } else if needle.isEmpty {
            visible = Array(rows.indices)
        } else {
            // A new minute changes rows' time left and status: narrowing no longer holds.
            if search.refreshDynamicText(rows, context: context) { narrowedFrom = nil }
            // Typing one more character can only narrow the rows that matched before.
            let candidates: [Int] = if let previous = narrowedFrom, !previous.isEmpty, needle.hasPrefix(previous) {
                order
            } else {
                Array(rows.indices)
            }
            visible.reserveCapacity(candidates.count)
            for index in candidates where search.matches(index: index, needle: needle) {
                visible.append(index)
            }
        }
        narrowedFrom = needle

        if let column = columns.first(where: { $0.id == sort.column }) {
            let full = orders.order(column, ascending: sort.ascending, rows: rows, context: context)
            if needle.isEmpty {
                visible = full.map(Int.init)
            } else {
                // The filter keeps the rows it matched in the order of all rows.
                var passes = [Bool](repeating: false, count: rows.count)
                for index in visible { passes[index] = true }
                var filtered: [Int] = []
                filtered.reserveCapacity(visible.count)
                for index in full where passes[Int(index)] { filtered.append(Int(index)) }
                visible = filtered
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

    public static func == (lhs: Table, rhs: Table) -> Bool {
        lhs.rows == rhs.rows && lhs.sort == rhs.sort && lhs.filter == rhs.filter && lhs.order == rhs.order
            && lhs.cursor == rhs.cursor && lhs.top == rhs.top && lhs.selectedKey == rhs.selectedKey
            && lhs.userSelected == rhs.userSelected
    }
}

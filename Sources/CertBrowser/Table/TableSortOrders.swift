import AtlasAPI
import Foundation

/// The orders a table has sorted its rows in, kept until the rows change.
///
/// The first sort by a column turns its keys into integers (`TableSorting`), sorts all
/// rows once and keeps that order; the other direction is derived from it in one pass,
/// and a filter walks the kept order, so cycling through the columns with `<` `>`,
/// reversing with `r` and filtering sort nothing. A time-dependent column's order is
/// kept until the minute changes. A new set of rows starts a new `TableSortOrders`.
struct TableSortOrders<Row: TableRowModel>: Sendable {
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

    private var cache: [ColumnID: CachedSortKeys] = [:]
    /// Each row's position in row-key order; nil until a sort first meets a tie.
    private var ranks: [Int32]?
    /// True when the rows are known to be in row-key order (`Table.insertRows` keeps them
    /// so): each row's rank is then its index, with no pass over the keys to find out.
    private var keyOrdered = false

    /// Every row in `column`'s order (rows without a value last, by row key), from the
    /// cache or worked out now: the first time a column is sorted its keys become
    /// integers and all rows are sorted once; the other direction is then one pass over
    /// that order.
    mutating func order(_ column: Column<Row>, ascending: Bool, rows: [Row], context: CellContext) -> [Int32] {
        let minute: Int64? = column.dynamic ? Self.minute(context) : nil
        var cached: CachedSortKeys
        if let hit = cache[column.id], hit.minute == minute, hit.keys.count == rows.count {
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
                (entries, missing) = TableSorting.integerKeys(sortKeys)
            }
            var keys = [Int64](repeating: 0, count: rows.count)
            for entry in entries { keys[Int(entry.index)] = entry.key }
            let tied = TableSorting.hasTies(entries, missing: missing.count)
            let ranks = tied ? tieRanks(rows) : nil
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
        cache[column.id] = cached
        return valued + cached.missing
    }

    /// Each row's position in row-key order (the sort's tie-breaker), worked out the
    /// first time a sort meets a tie: when the rows came in row-key order (the
    /// all-certificates view's do) each row's rank is its index, found in one pass.
    private mutating func tieRanks(_ rows: [Row]) -> [Int32] {
        if let ranks { return ranks }
        var ordered = keyOrdered
        if !ordered {
            ordered = true
            for index in rows.indices.dropFirst() where !(rows[index - 1].key < rows[index].key) {
                ordered = false
                break
            }
        }
        if ordered {
            let identity = Array(0..<Int32(rows.count))
            ranks = identity
            return identity
        }
        var keys: [RowKey] = []
        keys.reserveCapacity(rows.count)
        for row in rows { keys.append(row.key) }
        let sorted = TableSorting.ranks(of: keys)
        ranks = sorted
        return sorted
    }

    // MARK: Inserting rows

    /// The row placed last while splicing an order: a held one (by its old index) or a new one.
    private enum MergeNeighbour {
        case none
        case held(Int32)
        case added(SortKey)
    }

    /// The orders after `Table.insertRows`: `rows` (in row-key order) now hold the old rows
    /// at `moved[old index]` and new ones at `added` (ascending). `column`'s kept order, the
    /// one on screen, is merged with the new rows instead of sorted again: the new rows are
    /// sorted among themselves (k log k), each placed by a binary search in the kept order
    /// (k log n sort keys of held rows), and the order spliced (n + k integers). Ties are
    /// broken as the full sort breaks them, by row key, which is the row index here, so the
    /// order is the one a sort from scratch gives. Every other column's order is dropped and
    /// worked out again when it is next sorted by.
    mutating func insert(added: [Int], moved: [Int32], rows: [Row], keeping column: Column<Row>?, context: CellContext) {
        let kept = column.flatMap { cache[$0.id] }
        cache = [:]
        ranks = nil
        keyOrdered = true
        let minute: Int64? = column.map { $0.dynamic ? Self.minute(context) : nil } ?? nil
        guard let column, let kept, kept.minute == minute, kept.keys.count == moved.count else { return }
        let sortKey: (Row) -> SortKey = if let sortText = column.sortText {
            { SortKey.text(sortText($0)) }
        } else {
            { column.sortKey($0, context) }
        }
        var valued: [(key: SortKey, index: Int32)] = []
        var missing: [Int32] = []
        for index in added {
            let key = sortKey(rows[index])
            if key == .missing { missing.append(Int32(index)) } else { valued.append((key, Int32(index))) }
        }
        valued.sort { $0.key != $1.key ? $0.key < $1.key : $0.index < $1.index }

        // Where each new row goes: before the kept order's position `slots[j]`.
        let held = kept.ascending
        var slots: [Int] = []
        slots.reserveCapacity(valued.count)
        var low = 0
        for entry in valued {
            var high = held.count
            while low < high {
                let middle = (low + high) / 2
                let index = moved[Int(held[middle])]
                let key = sortKey(rows[Int(index)])
                if key < entry.key || (key == entry.key && index < entry.index) { low = middle + 1 } else { high = middle }
            }
            slots.append(low)
        }

        // The spliced order, with each row's key its run's rank (equal sort keys, equal
        // rank), which is all the descending order and a later merge need of the keys.
        var ascending: [Int32] = []
        ascending.reserveCapacity(held.count + valued.count)
        var keys = [Int64](repeating: 0, count: rows.count)
        var rank: Int64 = -1
        var previous = MergeNeighbour.none
        func place(heldAt position: Int) {
            let old = held[position]
            let index = moved[Int(old)]
            let same: Bool = switch previous {
            case .none: false
            case .held(let before): kept.keys[Int(before)] == kept.keys[Int(old)]
            case .added(let key): key == sortKey(rows[Int(index)])
            }
            if !same { rank += 1 }
            keys[Int(index)] = rank
            ascending.append(index)
            previous = .held(old)
        }
        var next = 0
        for (entry, slot) in zip(valued, slots) {
            while next < slot {
                place(heldAt: next)
                next += 1
            }
            let same: Bool = switch previous {
            case .none: false
            case .held(let before): sortKey(rows[Int(moved[Int(before)])]) == entry.key
            case .added(let key): key == entry.key
            }
            if !same { rank += 1 }
            keys[Int(entry.index)] = rank
            ascending.append(entry.index)
            previous = .added(entry.key)
        }
        while next < held.count {
            place(heldAt: next)
            next += 1
        }

        // Rows without a value stay last, by row key: their indices, merged.
        var missingOrder: [Int32] = []
        missingOrder.reserveCapacity(kept.missing.count + missing.count)
        var old = 0, new = 0
        while old < kept.missing.count || new < missing.count {
            if new == missing.count || (old < kept.missing.count && moved[Int(kept.missing[old])] < missing[new]) {
                missingOrder.append(moved[Int(kept.missing[old])])
                old += 1
            } else {
                missingOrder.append(missing[new])
                new += 1
            }
        }
        cache[column.id] = CachedSortKeys(minute: minute, keys: keys, ascending: ascending, missing: missingOrder)
    }

    private static func minute(_ context: CellContext) -> Int64 {
        Int64((context.now.timeIntervalSince1970 / 60).rounded(.down))
    }
}

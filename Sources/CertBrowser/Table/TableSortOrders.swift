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

    /// Every row in `column`'s order (rows without a value last, by row key), from the
    /// cache or worked out now: the first time a column is sorted its keys become
    /// integers and all rows are sorted once; the other direction is then one pass over
    /// that order.
    mutating func order(_ column: Column<Row>, ascending: Bool, rows: [Row], context: CellContext) -> [Int32] {
        let minute: Int64? = column.dynamic ? Int64((context.now.timeIntervalSince1970 / 60).rounded(.down)) : nil
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
        var ordered = true
        for index in rows.indices.dropFirst() where !(rows[index - 1].key < rows[index].key) {
            ordered = false
            break
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
}

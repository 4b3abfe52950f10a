/// The sort behind `Table`: the same order as comparing `SortKey`s and then `RowKey`s
/// (missing values last in both directions, ties by row key ascending), computed on
/// integers instead.
///
/// Comparing the enums directly cost 65–410 ms for 100,000 rows (string comparisons,
/// enum copies with reference counting, row keys of three strings as the tie-breaker;
/// docs/benchmarks.md). Here each key becomes an `Int64` that orders the same way
/// (text: its rank among the distinct texts, sorted once), and ties use each row's rank
/// in row-key order, which the table works out once per set of rows.
enum TableSorting {
    struct Entry {
        var key: Int64
        var index: Int32
    }

    /// Integer keys for the `visible` rows, ordering exactly as their `SortKey`s, and the
    /// rows without a value. Nil when the keys mix kinds (numbers with text), which no
    /// column does; the caller then compares the enums.
    static func integerKeys(_ keys: [SortKey], visible: [Int]) -> (entries: [Entry], missing: [Int])? {
        var kind: Int?
        var entries: [Entry] = []
        entries.reserveCapacity(visible.count)
        var missing: [Int] = []
        var texts: [(String, Int32)] = []
        for index in visible {
            switch keys[index] {
            case .missing:
                missing.append(index)
            case .number(let value):
                guard kind == nil || kind == 0 else { return nil }
                kind = 0
                entries.append(Entry(key: value, index: Int32(index)))
            case .unsigned(let value):
                guard kind == nil || kind == 1 else { return nil }
                kind = 1
                // Flipping the top bit maps UInt64 order onto Int64 order.
                entries.append(Entry(key: Int64(bitPattern: value ^ (1 << 63)), index: Int32(index)))
            case .folded(let text):
                guard kind == nil || kind == 2 else { return nil }
                kind = 2
                texts.append((text, Int32(index)))
            }
        }
        if !texts.isEmpty {
            // String equality and `<` agree (both compare canonical equivalents as equal).
            var ranks: [String: Int64] = [:]
            ranks.reserveCapacity(texts.count)
            for (text, _) in texts { ranks[text] = 0 }
            for (rank, text) in ranks.keys.sorted().enumerated() { ranks[text] = Int64(rank) }
            for (text, index) in texts { entries.append(Entry(key: ranks[text]!, index: index)) }
        }
        return (entries, missing)
    }

    /// True when two entries share a key, or several rows have none: only then does the
    /// row-key order matter.
    static func hasTies(_ entries: [Entry], missing: Int) -> Bool {
        if missing > 1 { return true }
        var seen = Set<Int64>(minimumCapacity: entries.count)
        for entry in entries where !seen.insert(entry.key).inserted { return true }
        return false
    }

    /// The display order: by key (descending when `!ascending`), ties by `tieRank`, then
    /// the rows without a value, by `tieRank`. `tieRank` is nil only when there are no ties.
    static func order(_ entries: [Entry], missing: [Int], ascending: Bool, tieRank: [Int32]?) -> [Int] {
        var entries = entries
        if let tieRank {
            tieRank.withUnsafeBufferPointer { rank in
                entries.sort { a, b in
                    if a.key != b.key { return ascending ? a.key < b.key : b.key < a.key }
                    return rank[Int(a.index)] < rank[Int(b.index)]
                }
            }
        } else if ascending {
            entries.sort { $0.key < $1.key }
        } else {
            entries.sort { $1.key < $0.key }
        }
        var order: [Int] = []
        order.reserveCapacity(entries.count + missing.count)
        for entry in entries { order.append(Int(entry.index)) }
        if let tieRank, missing.count > 1 {
            order += missing.sorted { tieRank[$0] < tieRank[$1] }
        } else {
            order += missing
        }
        return order
    }

    /// Each row's position in row-key order.
    static func ranks(of keys: [RowKey]) -> [Int32] {
        let sorted = keys.indices.sorted { keys[$0] < keys[$1] }
        var ranks = [Int32](repeating: 0, count: keys.count)
        for (rank, index) in sorted.enumerated() { ranks[index] = Int32(rank) }
        return ranks
    }
}

/// The sort behind `Table`: the same order as comparing `SortKey`s and then `RowKey`s
/// (missing values last in both directions, ties by row key ascending), computed on
/// integers instead.
///
/// Comparing the enums directly cost 65–410 ms for 100,000 rows (string comparisons,
/// enum copies with reference counting, row keys of three strings as the tie-breaker;
/// docs/benchmarks.md). Here each key becomes an `Int64` that orders the same way
/// (text: its rank among the distinct texts, sorted once), and ties use each row's rank
/// in row-key order, which the table works out once per set of rows. The table sorts
/// all its rows once per column and keeps the order; the other direction and every
/// filter are then derived from it in one pass.
enum TableSorting {
    struct Entry {
        var key: Int64
        var index: Int32
    }

    /// Integer keys for every row, ordering exactly as their `SortKey`s, and the rows
    /// without a value. Numbers are their own keys, text its rank among the distinct
    /// texts; keys of mixed kinds (no column has them) are ranked among the distinct keys.
    static func integerKeys(_ keys: [SortKey]) -> (entries: [Entry], missing: [Int]) {
        var kind: Int?
        var mixed = false
        var entries: [Entry] = []
        entries.reserveCapacity(keys.count)
        var missing: [Int] = []
        var texts: [(String, Int32)] = []
        for (index, key) in keys.enumerated() {
            let keyKind: Int
            switch key {
            case .missing:
                missing.append(index)
                continue
            case .number(let value):
                keyKind = 0
                entries.append(Entry(key: value, index: Int32(index)))
            case .unsigned(let value):
                keyKind = 1
                // Flipping the top bit maps UInt64 order onto Int64 order.
                entries.append(Entry(key: Int64(bitPattern: value ^ (1 << 63)), index: Int32(index)))
            case .folded(let text):
                keyKind = 2
                texts.append((text, Int32(index)))
            }
            if kind != nil && kind != keyKind { mixed = true }
            kind = keyKind
        }
        if mixed {
            var rank: [SortKey: Int64] = [:]
            for (position, key) in Set(keys.filter { $0 != .missing }).sorted().enumerated() { rank[key] = Int64(position) }
            let ranked = keys.enumerated().compactMap { index, key in rank[key].map { Entry(key: $0, index: Int32(index)) } }
            return (ranked, missing)
        }
        if !texts.isEmpty {
            let ranks = rankedTexts(count: texts.count, folded: true) { texts[$0].0 }
            for (position, (_, index)) in texts.enumerated() {
                entries.append(Entry(key: ranks[position], index: index))
            }
        }
        return (entries, missing)
    }

    /// Integer keys for `count` texts ordering as their case-folded forms do: each text's
    /// rank among the distinct folded texts. Each distinct text is folded and hashed once,
    /// and a text equal to the one before it (a user's certificates come together) takes
    /// its key at the cost of one comparison. String equality and `<` agree (both compare
    /// canonical equivalents as equal), so equal texts always share a rank.
    static func rankedTexts(count: Int, folded alreadyFolded: Bool, _ text: (Int) -> String) -> [Int64] {
        var lookup: [String: Int32] = [:]
        var distinct: [String] = []
        var ids: [Int32] = []
        ids.reserveCapacity(count)
        var previous: (raw: String, id: Int32)?
        for index in 0..<count {
            let raw = text(index)
            if let previous, previous.raw == raw {
                ids.append(previous.id)
                continue
            }
            let folded = alreadyFolded ? raw : raw.lowercased()
            let id: Int32
            if let known = lookup[folded] {
                id = known
            } else {
                id = Int32(distinct.count)
                lookup[folded] = id
                distinct.append(folded)
            }
            ids.append(id)
            previous = (raw, id)
        }
        var rankOfID = [Int64](repeating: 0, count: distinct.count)
        for (rank, id) in distinct.indices.sorted(by: { distinct[$0] < distinct[$1] }).enumerated() {
            rankOfID[id] = Int64(rank)
        }
        return ids.map { rankOfID[Int($0)] }
    }

    /// True when two entries share a key, or several rows have none: only then does the
    /// row-key order matter.
    static func hasTies(_ entries: [Entry], missing: Int) -> Bool {
        if missing > 1 { return true }
        var seen = Set<Int64>(minimumCapacity: entries.count)
        for entry in entries where !seen.insert(entry.key).inserted { return true }
        return false
    }

    /// The rows of `entries` by key, ascending, ties by `tieRank` (nil only when there are
    /// no ties). The rank is copied into each entry first, so the comparator reads no
    /// other memory.
    static func ascendingOrder(_ entries: [Entry], tieRank: [Int32]?) -> [Int32] {
        guard let tieRank else {
            var entries = entries
            entries.sort { $0.key < $1.key }
            return entries.map(\.index)
        }
        // Keys within 2^32 of each other (text ranks, dates, time left, status; not the
        // 64-bit IDs, which do not tie) pack with the rank into one integer: sorting
        // plain integers is several times faster than sorting pairs with a comparator.
        if let low = entries.lazy.map(\.key).min(), let high = entries.lazy.map(\.key).max(),
           UInt64(bitPattern: high &- low) < (1 << 32), entries.count < Int(Int32.max) {
            var inverse = [Int32](repeating: 0, count: tieRank.count)
            var packed: [UInt64] = []
            packed.reserveCapacity(entries.count)
            for entry in entries {
                let tie = tieRank[Int(entry.index)]
                inverse[Int(tie)] = entry.index
                packed.append(UInt64(bitPattern: entry.key &- low) << 32 | UInt64(UInt32(bitPattern: tie)))
            }
            packed.sort()
            return packed.map { inverse[Int($0 & 0xFFFF_FFFF)] }
        }
        struct Ranked {
            var key: Int64
            var tie: Int32
            var index: Int32
        }
        var ranked = entries.map { Ranked(key: $0.key, tie: tieRank[Int($0.index)], index: $0.index) }
        ranked.sort { $0.key != $1.key ? $0.key < $1.key : $0.tie < $1.tie }
        return ranked.map(\.index)
    }

    /// The descending order from the ascending one, in one pass: runs of equal keys in
    /// reverse order, each run keeping its ascending tie order (the tie-breaker is always
    /// ascending, so reversing a sort never shuffles equal rows).
    static func descendingOrder(_ ascending: [Int32], keys: [Int64]) -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(ascending.count)
        var end = ascending.count
        while end > 0 {
            var start = end - 1
            let key = keys[Int(ascending[start])]
            while start > 0 && keys[Int(ascending[start - 1])] == key { start -= 1 }
            out.append(contentsOf: ascending[start..<end])
            end = start
        }
        return out
    }

    /// Each row's position in row-key order.
    static func ranks(of keys: [RowKey]) -> [Int32] {
        let sorted = keys.indices.sorted { keys[$0] < keys[$1] }
        var ranks = [Int32](repeating: 0, count: keys.count)
        for (rank, index) in sorted.enumerated() { ranks[index] = Int32(rank) }
        return ranks
    }
}

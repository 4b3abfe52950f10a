/// A typed value to sort a column by.
///
/// Sorting the rendered text is the classic bug (k9s#645 sorted ages as strings, so
/// "10d" came before "9d"). Each column instead yields one of these, computed once per
/// sort, and the comparator only compares numbers and pre-folded strings.
public enum SortKey: Sendable, Hashable, Comparable {
    /// A number: counts, 64-bit certificate IDs, seconds since the epoch, urgency ranks.
    case number(Int64)
    /// An unsigned 64-bit number, for certificate IDs above `Int64.max`.
    case unsigned(UInt64)
    /// Text, already case-folded by `SortKey.text(_:)`.
    case folded(String)
    /// No value (a date Atlas did not send, counts not loaded yet). Sorts after every
    /// value in both directions, so unknowns never crowd the top of a table.
    case missing

    /// Case-insensitive text.
    public static func text(_ value: String) -> SortKey { .folded(value.lowercased()) }

    /// A date, by its instant.
    public static func date(_ value: Double?) -> SortKey {
        guard let value, value.isFinite else { return .missing }
        return .number(Int64(max(-9e15, min(9e15, value)).rounded(.down)))
    }

    public static func < (lhs: SortKey, rhs: SortKey) -> Bool {
        switch (lhs, rhs) {
        case (.number(let a), .number(let b)): a < b
        case (.unsigned(let a), .unsigned(let b)): a < b
        case (.folded(let a), .folded(let b)): a < b
        case (.missing, _): false
        case (_, .missing): true
        default: lhs.kindRank < rhs.kindRank
        }
    }

    private var kindRank: Int {
        switch self {
        case .number: 0
        case .unsigned: 1
        case .folded: 2
        case .missing: 3
        }
    }
}

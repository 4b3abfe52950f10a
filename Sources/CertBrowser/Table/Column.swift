import AtlasAPI
import Foundation

/// What a column needs to know to produce text at render time.
public struct CellContext: Sendable {
    public var now: Date
    public var policy: ExpiryPolicy
    public var ascii: Bool

    public init(now: Date, policy: ExpiryPolicy, ascii: Bool) {
        self.now = now
        self.policy = policy
        self.ascii = ascii
    }
}

/// Stable identifiers for columns, so the sort column survives a reload and a resize
/// that drops columns.
public enum ColumnID: String, Sendable, Hashable {
    case name, projectID, x509Users, critical, warning, ok, soonest
    case username, authDatabase, x509Type, roles, certificates, validUntil, status
    case certificateID, subject, created, expires, timeLeft
    case project, user
}

/// A table column: how to title, sort, show and fit it.
public struct Column<Row>: Sendable {
    public var id: ColumnID
    public var title: String
    /// Lower numbers are kept longer when the terminal is too narrow.
    public var priority: Int
    /// Never dropped, whatever the width (certificate ID, time left, names).
    public var essential: Bool
    /// May be cut with an ellipsis down to `minWidth` before other columns drop.
    public var flexible: Bool
    public var minWidth: Int
    public var maxWidth: Int
    public var alignRight: Bool
    /// True when the text depends on `now` (time left, status), so it is measured and
    /// filtered at use rather than cached when the rows arrive.
    public var dynamic: Bool
    public var sortKey: @Sendable (Row, CellContext) -> SortKey
    /// For a column sorted by text (case-insensitively): the raw text. The table then
    /// ranks the rows itself, folding and hashing each run of equal texts once, which
    /// is most of the cost of a first sort by name (docs/benchmarks.md). `sortKey` is
    /// `.text` of the same text, so both give the same order.
    public var sortText: (@Sendable (Row) -> String)?
    public var text: @Sendable (Row, CellContext) -> String
    public var role: @Sendable (Row, CellContext) -> StyleRole

    public init(
        id: ColumnID, title: String, priority: Int, essential: Bool = false, flexible: Bool = false,
        minWidth: Int = 4, maxWidth: Int = 40, alignRight: Bool = false, dynamic: Bool = false,
        sortKey: @escaping @Sendable (Row, CellContext) -> SortKey,
        text: @escaping @Sendable (Row, CellContext) -> String,
        role: @escaping @Sendable (Row, CellContext) -> StyleRole = { _, _ in .normal }
    ) {
        self.id = id
        self.title = title
        self.priority = priority
        self.essential = essential
        self.flexible = flexible
        self.minWidth = minWidth
        self.maxWidth = maxWidth
        self.alignRight = alignRight
        self.dynamic = dynamic
        self.sortKey = sortKey
        self.text = text
        self.role = role
    }

    /// A column sorted by its text, case-insensitively (see `sortText`).
    public init(
        id: ColumnID, title: String, priority: Int, essential: Bool = false, flexible: Bool = false,
        minWidth: Int = 4, maxWidth: Int = 40, alignRight: Bool = false, dynamic: Bool = false,
        sortText: @escaping @Sendable (Row) -> String,
        text: @escaping @Sendable (Row, CellContext) -> String,
        role: @escaping @Sendable (Row, CellContext) -> StyleRole = { _, _ in .normal }
    ) {
        self.init(id: id, title: title, priority: priority, essential: essential, flexible: flexible, minWidth: minWidth,
                  maxWidth: maxWidth, alignRight: alignRight, dynamic: dynamic,
                  sortKey: { row, _ in .text(sortText(row)) }, text: text, role: role)
        self.sortText = sortText
    }
}

/// A row type that a `Table` can show.
public protocol TableRowModel: Sendable, Equatable {
    var key: RowKey { get }
    static var columns: [Column<Self>] { get }
}

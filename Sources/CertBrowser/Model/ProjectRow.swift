import AtlasAPI
import Foundation

/// One project in the projects table, with what is known so far about its certificates.
///
/// Counts by status depend on `now`, so the row keeps the expiry dates rather than the
/// counts, and the columns classify them when they are drawn.
public struct ProjectRow: TableRowModel {
    public var project: Project
    public var organizationName: String
    /// Database users whose certificates Atlas manages; nil until the users arrive.
    public var managedUsers: Int?
    /// Expiry dates of the certificates loaded so far.
    public var expiries: [Date]
    /// True once the users and every managed user's certificates have arrived.
    public var complete: Bool
    /// True when loading the users or some certificates failed.
    public var failed: Bool

    public var key: RowKey { .project(project.id) }

    var soonest: Date? { expiries.min() }

    func count(_ wanted: [ExpiryStatus], _ context: CellContext) -> Int {
        expiries.reduce(0) { wanted.contains(context.policy.status(notAfter: $1, now: context.now)) ? $0 + 1 : $0 }
    }

    func countText(_ wanted: [ExpiryStatus], _ context: CellContext) -> String {
        if managedUsers == nil { return failed ? "?" : StatusText.pending(ascii: context.ascii) }
        let count = String(count(wanted, context))
        return complete || failed ? count : count + StatusText.pending(ascii: context.ascii)
    }

    func countKey(_ wanted: [ExpiryStatus], _ context: CellContext) -> SortKey {
        managedUsers == nil ? .missing : .number(Int64(count(wanted, context)))
    }

    public static let columns: [Column<ProjectRow>] = [
        Column(
            id: .name, title: "PROJECT", priority: 0, essential: true, flexible: true, minWidth: 10, maxWidth: 40,
            sortKey: { row, _ in .text(row.project.name) },
            text: { row, _ in CellGraphemes.cellText(row.project.name) }),
        Column(
            id: .projectID, title: "ID", priority: 6, minWidth: 24, maxWidth: 24,
            sortKey: { row, _ in .text(row.project.id) },
            text: { row, _ in CellGraphemes.cellText(row.project.id) },
            role: { _, _ in .muted }),
        Column(
            id: .x509Users, title: "X.509 USERS", priority: 4, minWidth: 5, maxWidth: 12, alignRight: true, dynamic: true,
            sortKey: { row, _ in row.managedUsers.map { .number(Int64($0)) } ?? .missing },
            text: { row, context in
                row.managedUsers.map(String.init) ?? (row.failed ? "?" : StatusText.pending(ascii: context.ascii))
            }),
        ProjectRow.countShape(.critical, "CRIT", [.expired, .critical], .critical, priority: 1),
        ProjectRow.countShape(.warning, "WARN", [.warning], .warning, priority: 2),
        ProjectRow.countShape(.ok, "OK", [.ok], .ok, priority: 3),
        Column(
            id: .soonest, title: "SOONEST EXPIRY", priority: 0, essential: true, minWidth: 10, maxWidth: 20, dynamic: true,
            sortKey: { row, _ in .date(row.soonest?.timeIntervalSince1970) },
            text: { row, context in
                if let soonest = row.soonest { return TimeLeft.format(notAfter: soonest, now: context.now) }
                if row.failed { return "?" }
                return row.complete ? "-" : StatusText.pending(ascii: context.ascii)
            },
            role: { row, context in StatusText.role(notAfter: row.soonest, context: context) }),
    ]

    static func countShape(_ id: ColumnID, _ title: String, _ statuses: [ExpiryStatus], _ role: StyleRole, priority: Int) -> Column<ProjectRow> {
        Column(
            id: id, title: title, priority: priority, minWidth: 4, maxWidth: 8, alignRight: true, dynamic: true,
            sortKey: { row, context in row.countKey(statuses, context) },
            text: { row, context in row.countText(statuses, context) },
            role: { row, context in row.count(statuses, context) > 0 ? role : .normal })
    }
}

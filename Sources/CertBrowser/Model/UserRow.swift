import AtlasAPI
import Foundation

/// One database user in the users table, with what is known of their certificates.
public struct UserRow: TableRowModel {
    public var user: DatabaseUser
    public var userKey: UserKey
    /// Expiry dates of the user's certificates; nil until loaded (or never, for users
    /// whose certificates Atlas does not manage).
    public var expiries: [Date]?
    public var failed: Bool

    public var key: RowKey { .user(userKey) }

    var soonest: Date? { expiries?.min() }

    /// What the status column says about this user.
    enum Standing: Equatable {
        case status(ExpiryStatus)
        case noCertificates, notManaged, loading, failed
    }

    func standing(_ context: CellContext) -> Standing {
        guard user.hasManagedCertificates else { return .notManaged }
        if let soonest { return .status(context.policy.status(notAfter: soonest, now: context.now)) }
        if expiries != nil { return .noCertificates }
        return failed ? .failed : .loading
    }

    /// Urgency first; users without certificates after every status.
    func standingRank(_ context: CellContext) -> SortKey {
        switch standing(context) {
        case .status(let status): .number(StatusText.rank(status))
        case .noCertificates: .number(10)
        case .notManaged: .number(11)
        case .loading, .failed: .missing
        }
    }

    /// Rows of users Atlas does not manage are muted throughout, so they read as
    /// "present but not part of this tool's business" at a glance.
    func plainRole(_ role: StyleRole = .normal) -> StyleRole {
        user.hasManagedCertificates ? role : .muted
    }

    public static let columns: [Column<UserRow>] = [
        Column(
            id: .username, title: "USERNAME", priority: 0, essential: true, flexible: true, minWidth: 10, maxWidth: 40,
            sortKey: { row, _ in .text(row.user.username) },
            text: { row, _ in TerminalSafe.sanitize(row.user.username) },
            role: { row, _ in row.plainRole() }),
        Column(
            id: .authDatabase, title: "AUTH DB", priority: 5, minWidth: 5, maxWidth: 16,
            sortKey: { row, _ in .text(row.user.databaseName) },
            text: { row, _ in TerminalSafe.sanitize(row.user.databaseName) },
            role: { row, _ in row.plainRole() }),
        Column(
            id: .x509Type, title: "X.509", priority: 3, minWidth: 5, maxWidth: 10,
            sortKey: { row, _ in .text(row.user.x509Type.rawValue) },
            text: { row, _ in TerminalSafe.sanitize(row.user.x509Type.rawValue) },
            role: { row, _ in row.plainRole() }),
        Column(
            id: .roles, title: "ROLES", priority: 6, flexible: true, minWidth: 8, maxWidth: 30,
            sortKey: { row, _ in .text(StatusText.roles(row.user.roles)) },
            text: { row, _ in TerminalSafe.sanitize(StatusText.roles(row.user.roles)) },
            role: { row, _ in row.plainRole(.muted) }),
        Column(
            id: .certificates, title: "CERTS", priority: 2, minWidth: 5, maxWidth: 8, alignRight: true, dynamic: true,
            sortKey: { row, _ in row.expiries.map { .number(Int64($0.count)) } ?? .missing },
            text: { row, context in
                switch row.standing(context) {
                case .notManaged: "-"
                case .loading: StatusText.pending(ascii: context.ascii)
                case .failed: "?"
                default: String(row.expiries?.count ?? 0)
                }
            },
            role: { row, _ in row.plainRole() }),
        Column(
            id: .soonest, title: "SOONEST EXPIRY", priority: 0, essential: true, minWidth: 10, maxWidth: 20, dynamic: true,
            sortKey: { row, _ in .date(row.soonest?.timeIntervalSince1970) },
            text: { row, context in
                if let soonest = row.soonest { return TimeLeft.format(notAfter: soonest, now: context.now) }
                return row.standing(context) == .loading ? StatusText.pending(ascii: context.ascii) : "-"
            },
            role: { row, context in row.plainRole(StatusText.role(notAfter: row.soonest, context: context)) }),
        Column(
            id: .status, title: "STATUS", priority: 1, minWidth: 8, maxWidth: 14, dynamic: true,
            sortKey: { row, context in row.standingRank(context) },
            text: { row, context in
                switch row.standing(context) {
                case .status(let status): StatusText.label(status, ascii: context.ascii)
                case .noCertificates: "no certs"
                case .notManaged: "not managed"
                case .loading: StatusText.pending(ascii: context.ascii)
                case .failed: "? failed"
                }
            },
            role: { row, context in
                switch row.standing(context) {
                case .status(let status): StatusText.role(status)
                case .failed: .error
                default: .muted
                }
            }),
    ]
}

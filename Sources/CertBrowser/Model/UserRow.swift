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
    /// When the last certificate the history remembers for this user expired (or will):
    /// what tells a user who lost access from one never issued a certificate.
    public var lastExpiryFromHistory: Date?

    public init(user: DatabaseUser, userKey: UserKey, expiries: [Date]?, failed: Bool, lastExpiryFromHistory: Date? = nil) {
        self.user = user
        self.userKey = userKey
        self.expiries = expiries
        self.failed = failed
        self.lastExpiryFromHistory = lastExpiryFromHistory
    }

    public var key: RowKey { .user(userKey) }

    var soonest: Date? { expiries?.min() }

    /// Where a MANAGED user stands at `now`, by the rule of
    /// `CertificateHistory.status(of:rows:now:)`: covered until its latest valid
    /// certificate expires, else no valid certificate since the last one (listed or
    /// remembered) expired, else never issued. Nil while unknown or not managed.
    func coverage(at now: Date) -> UserCoverageStatus? {
        guard user.hasManagedCertificates, let expiries else { return nil }
        if let until = expiries.filter({ $0 > now }).max() { return .covered(until: until) }
        if let last = (expiries + [lastExpiryFromHistory].compactMap { $0 }).max() { return .noValidCertificate(lastExpired: last) }
        return .neverIssued
    }

    /// The coverage, when the user has a valid certificate.
    func validUntil(at now: Date) -> Date? {
        if case .covered(let until) = coverage(at: now) { return until }
        return nil
    }

    /// What VALID UNTIL shows and sorts by: the coverage, or for a user who lost access
    /// when its last certificate expired (`expired 1d ago`, first in ascending order), so
    /// the time shows even where the STATUS text is cut short.
    func validUntilShown(at now: Date) -> Date? {
        switch coverage(at: now) {
        case .covered(let until): until
        case .noValidCertificate(let last): last
        case .neverIssued, nil: nil
        }
    }

    /// What the status column says about this user.
    /// By coverage: a user with a valid certificate is judged by when its last one
    /// expires (a user who rotated is fine, however soon the old certificate goes).
    enum Standing: Equatable {
        case status(ExpiryStatus)
        case lostAccess(lastExpired: Date)
        case neverIssued, notManaged, loading, failed
    }

    func standing(_ context: CellContext) -> Standing {
        guard user.hasManagedCertificates else { return .notManaged }
        switch coverage(at: context.now) {
        case .covered(let until): return .status(context.policy.status(notAfter: until, now: context.now))
        case .noValidCertificate(let last): return .lostAccess(lastExpired: last)
        case .neverIssued: return .neverIssued
        case nil: return failed ? .failed : .loading
        }
    }

    /// Lost access first (it is worse than expiring soon), then urgency; users never
    /// issued a certificate after every status.
    func standingRank(_ context: CellContext) -> SortKey {
        switch standing(context) {
        case .lostAccess: .number(-1)
        case .status(let status): .number(StatusText.rank(status))
        case .neverIssued: .number(10)
        case .notManaged: .number(11)
        case .loading, .failed: .missing
        }
    }

    /// `✗ no valid certificate (last expired 1d ago)`, `never issued`, `✓ OK`.
    func standingText(_ context: CellContext) -> String {
        switch standing(context) {
        case .status(let status): StatusText.label(status, ascii: context.ascii)
        case .lostAccess(let last):
            StatusText.glyph(.expired, ascii: context.ascii) + " no valid certificate (last expired "
                + TimeLeft.span(max(0, context.now.timeIntervalSince(last))) + " ago)"
        case .neverIssued: "never issued"
        case .notManaged: "not managed"
        case .loading: StatusText.pending(ascii: context.ascii)
        case .failed: "? failed"
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
            text: { row, _ in CellGraphemes.cellText(row.user.username) },
            role: { row, _ in row.plainRole() }),
        Column(
            id: .authDatabase, title: "AUTH DB", priority: 5, minWidth: 5, maxWidth: 16,
            sortKey: { row, _ in .text(row.user.databaseName) },
            text: { row, _ in CellGraphemes.cellText(row.user.databaseName) },
            role: { row, _ in row.plainRole() }),
        Column(
            id: .x509Type, title: "X.509", priority: 3, minWidth: 5, maxWidth: 10,
            sortKey: { row, _ in .text(row.user.x509Type.rawValue) },
            text: { row, _ in CellGraphemes.cellText(row.user.x509Type.rawValue) },
            role: { row, _ in row.plainRole() }),
        Column(
            id: .roles, title: "ROLES", priority: 6, flexible: true, minWidth: 8, maxWidth: 30,
            sortKey: { row, _ in .text(StatusText.roles(row.user.roles)) },
            text: { row, _ in CellGraphemes.cellText(StatusText.roles(row.user.roles)) },
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
        // No SOONEST EXPIRY here: a user who rotated has an old certificate expiring soon,
        // which is no cause for alarm; VALID UNTIL is what matters, and each certificate's
        // expiry is one Enter away (the JSON copy keeps `soonestExpiry` for scripts).
        Column(
            id: .validUntil, title: "VALID UNTIL", priority: 0, essential: true, minWidth: 10, maxWidth: 20, dynamic: true,
            sortKey: { row, context in .date(row.validUntilShown(at: context.now)?.timeIntervalSince1970) },
            text: { row, context in
                if let until = row.validUntilShown(at: context.now) { return TimeLeft.format(notAfter: until, now: context.now) }
                return row.standing(context) == .loading ? StatusText.pending(ascii: context.ascii) : "-"
            },
            role: { row, context in row.plainRole(StatusText.role(notAfter: row.validUntilShown(at: context.now), context: context)) }),
        Column(
            // Essential, and cut rather than dropped: lost access must show at any width.
            id: .status, title: "STATUS", priority: 0, essential: true, flexible: true, minWidth: 23, maxWidth: 46, dynamic: true,
            sortKey: { row, context in row.standingRank(context) },
            text: { row, context in row.standingText(context) },
            role: { row, context in
                switch row.standing(context) {
                case .status(let status): StatusText.role(status)
                case .lostAccess: .expired
                case .failed: .error
                default: .muted
                }
            }),
    ]
}

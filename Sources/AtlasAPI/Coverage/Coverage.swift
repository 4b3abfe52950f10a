import Foundation


extension CertificateRow {
    /// The user this row's certificate belongs to.
    /// (Atlas-managed X.509 users live in `$external`, the database assumed when the row has none.)
    public var userKey: UserKey { UserKey(projectID: projectID, databaseName: databaseName ?? "$external", username: username) }

    /// True while the certificate can still authenticate at `now` (`notAfter` is after `now`).
    public func isValid(at now: Date) -> Bool { certificate.notAfter > now }
}

/// Coverage and superseded certificates: pure functions of a listing and an injected `now`.
///
/// - A user's **coverage** is the latest `notAfter` of its valid certificates: the moment
///   it can no longer authenticate.
/// - A certificate is **superseded** when its user holds another valid certificate that
///   expires later (after a rotation the old one stays listed until it expires, because
///   Atlas cannot revoke a single certificate).
public enum Coverage {
    /// Coverage of every user with at least one valid certificate at `now`.
    public static func coverage(of rows: [CertificateRow], now: Date) -> [UserKey: Date] {
        var result: [UserKey: Date] = [:]
        for row in rows where row.isValid(at: now) {
            let key = row.userKey
            if let known = result[key], known >= row.certificate.notAfter { continue }
            result[key] = row.certificate.notAfter
        }
        return result
    }

    /// IDs of the superseded certificates, per user (a certificate ID is unique only
    /// together with its user). A certificate is superseded when it is valid and its user
    /// holds another valid certificate expiring strictly later. Expired certificates are
    /// not superseded: they are expired.
    public static func superseded(in rows: [CertificateRow], now: Date) -> Set<SupersededKey> {
        let coverage = coverage(of: rows, now: now)
        var result = Set<SupersededKey>()
        for row in rows where row.isValid(at: now) {
            if let until = coverage[row.userKey], until > row.certificate.notAfter {
                result.insert(SupersededKey(user: row.userKey, certificateID: row.certificate.id))
            }
        }
        return result
    }

    /// True when `row` is superseded within `rows` at `now` (see ``superseded(in:now:)``).
    public static func isSuperseded(_ row: CertificateRow, in rows: [CertificateRow], now: Date) -> Bool {
        guard row.isValid(at: now) else { return false }
        return rows.contains { other in
            other.userKey == row.userKey && other.isValid(at: now) && other.certificate.notAfter > row.certificate.notAfter
        }
    }
}

/// One certificate of one user, as ``Coverage/superseded(in:now:)`` names it.
public struct SupersededKey: Sendable, Hashable {
    public var user: UserKey
    public var certificateID: CertificateID

    public init(user: UserKey, certificateID: CertificateID) {
        self.user = user
        self.certificateID = certificateID
    }
}

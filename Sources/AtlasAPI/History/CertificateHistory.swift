import Foundation

/// Every certificate seen, remembered per profile: metadata only (never PEM, keys or
/// credentials). Atlas lists only unexpired certificates, so this is what tells a user
/// who lost access (its certificates all expired) from one that never had one.
///
/// A pure value: ``recording(_:now:)`` merges a scan, ``pruned(now:policy:)`` bounds the
/// size, ``status(of:rows:now:)`` judges a user. Reading and writing the file is the
/// store's job (not part of this type).
public struct CertificateHistory: Sendable, Hashable, Codable {
    /// One certificate as last seen.
    public struct Entry: Sendable, Hashable, Codable {
        public var projectID: String
        public var projectName: String?
        public var databaseName: String
        public var username: String
        public var certificateID: CertificateID
        public var notAfter: Date
        public var firstSeen: Date
        public var lastSeen: Date

        public init(projectID: String, projectName: String?, databaseName: String = "$external", username: String, certificateID: CertificateID,
                    notAfter: Date, firstSeen: Date, lastSeen: Date) {
            self.projectID = projectID
            self.projectName = projectName
            self.databaseName = databaseName
            self.username = username
            self.certificateID = certificateID
            self.notAfter = notAfter
            self.firstSeen = firstSeen
            self.lastSeen = lastSeen
        }

        public var user: UserKey { UserKey(projectID: projectID, databaseName: databaseName, username: username) }
    }

    /// How large the history may grow.
    public struct Policy: Sendable, Hashable {
        /// Certificates expired longer ago than this are forgotten.
        public var keepExpiredFor: TimeInterval
        /// At most this many entries; the ones expired longest ago go first.
        public var maximumEntries: Int

        public init(keepExpiredFor: TimeInterval = 400 * 86_400, maximumEntries: Int = 200_000) {
            self.keepExpiredFor = keepExpiredFor
            self.maximumEntries = maximumEntries
        }

        public static let `default` = Policy()
    }

    /// The file format's version; a file with another version is started over.
    public static let formatVersion = 1

    public var version: Int = CertificateHistory.formatVersion
    public var entries: [Entry] = []

    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// This history with every certificate of `rows` remembered as seen at `now`.
    public func recording(_ rows: [CertificateRow], now: Date) -> CertificateHistory {
        struct Key: Hashable { var user: UserKey; var id: CertificateID }
        var index: [Key: Int] = [:]
        var merged = entries
        for (offset, entry) in merged.enumerated() { index[Key(user: entry.user, id: entry.certificateID)] = offset }
        for row in rows {
            let key = Key(user: row.userKey, id: row.certificate.id)
            if let offset = index[key] {
                merged[offset].lastSeen = max(merged[offset].lastSeen, now)
                merged[offset].notAfter = row.certificate.notAfter
                if let name = row.projectName { merged[offset].projectName = name }
            } else {
                index[key] = merged.count
                merged.append(Entry(projectID: row.projectID, projectName: row.projectName, databaseName: row.userKey.databaseName, username: row.username,
                                    certificateID: row.certificate.id, notAfter: row.certificate.notAfter,
                                    firstSeen: now, lastSeen: now))
            }
        }
        return CertificateHistory(entries: merged)
    }

    /// This history bounded by `policy`: certificates expired more than
    /// `keepExpiredFor` before `now` dropped, then at most `maximumEntries` kept
    /// (latest `notAfter` first).
    public func pruned(now: Date, policy: Policy = .default) -> CertificateHistory {
        let cutoff = now.addingTimeInterval(-policy.keepExpiredFor)
        var kept = entries.filter { $0.notAfter >= cutoff }
        if kept.count > policy.maximumEntries {
            kept.sort { $0.notAfter > $1.notAfter }
            kept = Array(kept.prefix(max(0, policy.maximumEntries)))
        }
        return CertificateHistory(entries: kept)
    }

    /// Latest `notAfter` of any certificate ever seen for `user`, or nil when none was.
    public func lastExpiry(of user: UserKey) -> Date? {
        entries.lazy.filter { $0.user == user }.map(\.notAfter).max()
    }

    /// Where a user stands, from the current listing and this history.
    public func status(of user: UserKey, rows: [CertificateRow], now: Date) -> UserCoverageStatus {
        let valid = rows.filter { $0.userKey == user && $0.isValid(at: now) }
        if let until = valid.map(\.certificate.notAfter).max() { return .covered(until: until) }
        let lastListed = rows.filter { $0.userKey == user }.map(\.certificate.notAfter).max()
        if let last = [lastListed, lastExpiry(of: user)].compactMap({ $0 }).max() { return .noValidCertificate(lastExpired: last) }
        return .neverIssued
    }

    /// Recently expired certificates of the history that the listing no longer has
    /// (for display, marked expired), soonest expiry first.
    public func expiredNotListed(rows: [CertificateRow], now: Date) -> [Entry] {
        struct Key: Hashable { var user: UserKey; var id: CertificateID }
        let listed = Set(rows.map { Key(user: $0.userKey, id: $0.certificate.id) })
        return entries.filter { $0.notAfter <= now && !listed.contains(Key(user: $0.user, id: $0.certificateID)) }
            .sorted { ($0.notAfter, $0.certificateID) < ($1.notAfter, $1.certificateID) }
    }

    /// Decodes a history file; nil when the data is not a history of this version
    /// (a corrupt file starts over).
    public static func decode(_ data: Data) -> CertificateHistory? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        guard let history = try? decoder.decode(CertificateHistory.self, from: data),
              history.version == formatVersion else { return nil }
        return history
    }

    /// The file form: JSON, dates as Unix seconds, keys sorted.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }
}

/// A MANAGED user's standing by coverage.
public enum UserCoverageStatus: Sendable, Hashable {
    /// At least one valid certificate; can authenticate until `until` (its coverage).
    case covered(until: Date)
    /// Had certificates, all expired (lost access); the last one expired at `lastExpired`.
    case noValidCertificate(lastExpired: Date)
    /// Never seen with a certificate.
    case neverIssued
}

import Foundation

/// `check`'s default judgement: each MANAGED user by its **coverage** (the latest
/// `notAfter` of its valid certificates, the moment it can no longer authenticate), not
/// each certificate. After a rotation the old certificate stays listed until it expires
/// (Atlas cannot revoke one), and judging it would page someone for work already done.
///
/// - a user whose certificates have all expired (seen in history, or listed but expired
///   by now) has **no valid certificate**: CRITICAL, it lost access;
/// - a user never seen with a certificate is **never issued**: counted, and CRITICAL only
///   with `--require-certificate`.
public struct CoverageJudgement: Sendable {
    /// One MANAGED user's verdict.
    public struct Verdict: Sendable {
        public var user: UserKey
        public var projectName: String
        public var standing: UserCoverageStatus
        public var state: CheckReport.State

        /// How the summary line and the JSON say it.
        public func describe(now: Date) -> String {
            switch standing {
            case .covered(let until):
                "valid until \(CertificateReport.tableDate(until)) UTC (\(TimeLeft.format(notAfter: until, now: now)))"
            case .noValidCertificate(let last) where last <= now:
                "no valid certificate (last expired \(TimeLeft.span(now.timeIntervalSince(last))) ago)"
            case .noValidCertificate(let last):
                // Atlas no longer lists it although our clock says it is valid: Atlas's
                // clock is ahead, or the user was recreated. Either way it cannot log in.
                "no valid certificate (the last one, valid until \(CertificateReport.tableDate(last)) UTC, is no longer listed)"
            case .neverIssued:
                "never issued a certificate"
            }
        }
    }

    public var verdicts: [Verdict]
    public var requireCertificate: Bool

    /// Judges every MANAGED user of `users` from the listing `rows` and the `history`.
    public init(users: [(project: Project, user: DatabaseUser)], rows: [CertificateRow], history: CertificateHistory,
                now: Date, policy: ExpiryPolicy, requireCertificate: Bool) {
        self.requireCertificate = requireCertificate
        var rowsByUser: [UserKey: [CertificateRow]] = [:]
        for row in rows { rowsByUser[row.userKey, default: []].append(row) }
        verdicts = users.filter { $0.user.hasManagedCertificates }.map { entry in
            let key = UserKey(projectID: entry.project.id, databaseName: entry.user.databaseName, username: entry.user.username)
            let standing = history.status(of: key, rows: rowsByUser[key] ?? [], now: now)
            let state: CheckReport.State
            switch standing {
            case .covered(let until):
                switch policy.status(notAfter: until, now: now) {
                case .ok: state = .ok
                case .warning: state = .warning
                case .critical, .expired: state = .critical
                }
            case .noValidCertificate:
                state = .critical
            case .neverIssued:
                state = requireCertificate ? .critical : .ok
            }
            return Verdict(user: key, projectName: entry.project.name, standing: standing, state: state)
        }
        // The user that sets the state first: the worst state, then the soonest to lose
        // (or the longest lost), then by name for a stable order.
        verdicts.sort { lhs, rhs in
            if lhs.state != rhs.state { return lhs.state > rhs.state }
            if lhs.sortInstant != rhs.sortInstant { return lhs.sortInstant < rhs.sortInstant }
            return (lhs.user.projectID, lhs.user.username) < (rhs.user.projectID, rhs.user.username)
        }
    }

    public struct Counts: Sendable, Equatable {
        public var critical = 0, warning = 0, ok = 0
        /// Of the critical: users with no valid certificate.
        public var noValidCertificate = 0
        /// Users never seen with a certificate (in `ok` unless a certificate is required).
        public var neverIssued = 0
    }

    public var counts: Counts {
        verdicts.reduce(into: Counts()) { counts, verdict in
            switch verdict.state {
            case .critical: counts.critical += 1
            case .warning: counts.warning += 1
            case .ok, .unknown: counts.ok += 1
            }
            switch verdict.standing {
            case .noValidCertificate: counts.noValidCertificate += 1
            case .neverIssued: counts.neverIssued += 1
            case .covered: break
            }
        }
    }

    /// The worst verdict: the user that sets the state.
    public var worst: Verdict? { verdicts.first }
}

extension CoverageJudgement.Verdict {
    /// Coverage, or when access was lost; never-issued users last.
    var sortInstant: Date {
        switch standing {
        case .covered(let until): until
        case .noValidCertificate(let last): last
        case .neverIssued: .distantFuture
        }
    }
}

extension CheckReport {
    /// `ATLAS-CERTS CRITICAL - 1 of 40 users critical (1 with no valid certificate), 2 warning, 37 ok, 3 never issued, in 4 projects; worst: user app (project Payments): no valid certificate (last expired 1d ago) | …`
    func coverageLine(_ coverage: CoverageJudgement) -> String {
        let counts = coverage.counts
        let users = coverage.verdicts.count
        var text = "ATLAS-CERTS \(state.label) - "
        text += incompleteScanText
        text += "\(counts.critical) of \(users) \(users == 1 ? "user" : "users") critical"
        if counts.noValidCertificate > 0 { text += " (\(counts.noValidCertificate) with no valid certificate)" }
        text += ", \(counts.warning) warning, \(counts.ok) ok"
        if counts.neverIssued > 0 {
            text += ", \(counts.neverIssued) never issued" + (coverage.requireCertificate ? " (required)" : "")
        }
        text += " in \(projectsScanned) \(projectsScanned == 1 ? "project" : "projects")"
        if let worst = coverage.worst, worst.state != .ok || failures.isEmpty, users > 0 {
            text += "; \(worst.state == .ok ? "first to expire" : "worst"): user \(TerminalSafe.sanitize(worst.user.username, maxCharacters: 80))"
            text += " (project \(TerminalSafe.sanitize(worst.projectName, maxCharacters: 60))): \(worst.describe(now: now))"
        } else if users == 0, failures.isEmpty {
            text += "; no MANAGED users found"
        }
        var performance = "users_critical=\(counts.critical) users_warning=\(counts.warning) users_ok=\(counts.ok)"
        performance += " users_no_valid_certificate=\(counts.noValidCertificate) users_never_issued=\(counts.neverIssued) unreadable=\(failures.count)"
        if let soonest = coverage.verdicts.compactMap({ verdict -> Date? in
            if case .covered(let until) = verdict.standing { return until }
            return nil
        }).min() {
            performance += " coverage_days=\(Self.days(soonest.timeIntervalSince(now)));\(Self.days(policy.warning));\(Self.days(policy.critical))"
        }
        return text.replacingOccurrences(of: "|", with: "/") + " | " + performance
    }

    struct CoverageDocument: Encodable {
        var state: String
        var exitCode: Int
        var mode = "coverage"
        var summary: String
        var users: UserCounts
        var projectsScanned: Int
        var warningSeconds: Int64
        var criticalSeconds: Int64
        /// MANAGED users at warning or worse (and never-issued ones), worst first.
        var attention: [UserRecord]
        var failures: [Failure]
    }

    struct UserCounts: Encodable {
        var total: Int
        var critical: Int
        var warning: Int
        var ok: Int
        var noValidCertificate: Int
        var neverIssued: Int
    }

    struct UserRecord: Encodable {
        var projectId: String
        var projectName: String
        var username: String
        var databaseName: String
        var status: String
        var standing: String
        /// Coverage: when the user can no longer authenticate (valid certificates only).
        var validUntil: Date?
        var secondsLeft: Int64?
        /// When its last certificate expired (no valid certificate).
        var lastExpired: Date?
    }

    func coverageJSON(_ coverage: CoverageJudgement) -> String {
        let counts = coverage.counts
        let attention = coverage.verdicts.filter { verdict in
            if case .neverIssued = verdict.standing { return true }
            return verdict.state != .ok
        }.map { verdict in
            var record = UserRecord(projectId: verdict.user.projectID, projectName: verdict.projectName, username: verdict.user.username,
                                    databaseName: verdict.user.databaseName, status: verdict.state.label.lowercased(), standing: "")
            switch verdict.standing {
            case .covered(let until):
                record.standing = "covered"
                record.validUntil = until
                record.secondsLeft = CertificateReport.wholeSeconds(until.timeIntervalSince(now))
            case .noValidCertificate(let last):
                record.standing = "no_valid_certificate"
                record.lastExpired = last
            case .neverIssued:
                record.standing = "never_issued"
            }
            return record
        }
        let document = CoverageDocument(
            state: state.label, exitCode: state.rawValue, summary: summaryLine,
            users: UserCounts(total: coverage.verdicts.count, critical: counts.critical, warning: counts.warning, ok: counts.ok,
                              noValidCertificate: counts.noValidCertificate, neverIssued: counts.neverIssued),
            projectsScanned: projectsScanned,
            warningSeconds: CertificateReport.wholeSeconds(policy.warning), criticalSeconds: CertificateReport.wholeSeconds(policy.critical),
            attention: attention,
            failures: failureRecords)
        return CertificateReport.encodeSafely(document, pretty: true) + "\n"
    }
}

import Foundation

/// The verdict of `atlas-certs check`, in the monitoring-plugin convention that Nagios,
/// Icinga, Sensu and CI jobs read: one summary line, performance data after `|`, and
/// the exit status 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
public struct CheckReport: Sendable {
    public enum State: Int, Sendable, Comparable {
        case ok = 0, warning = 1, critical = 2, unknown = 3

        public static func < (lhs: State, rhs: State) -> Bool { lhs.rawValue < rhs.rawValue }

        public var label: String {
            switch self {
            case .ok: "OK"
            case .warning: "WARNING"
            case .critical: "CRITICAL"
            case .unknown: "UNKNOWN"
            }
        }
    }

    public var rows: [CertificateRow]
    public var failures: [ScanFailure]
    public var projectsScanned: Int
    public var now: Date
    public var policy: ExpiryPolicy
    /// Each MANAGED user judged by its coverage (`check`'s default); nil judges every
    /// certificate (`--every-certificate`).
    public var coverage: CoverageJudgement?

    public init(rows: [CertificateRow], failures: [ScanFailure], projectsScanned: Int, now: Date, policy: ExpiryPolicy) {
        self.rows = rows.sorted(by: CertificateRow.byExpiry)
        self.failures = failures
        self.projectsScanned = projectsScanned
        self.now = now
        self.policy = policy
    }

    /// Every certificate judged (`--every-certificate`).
    public init(scan: FleetScanResult, now: Date, policy: ExpiryPolicy) {
        self.init(rows: scan.rows, failures: scan.failures, projectsScanned: scan.projects.count, now: now, policy: policy)
    }

    /// Every MANAGED user of the scan judged by its coverage, `history` telling lost
    /// access from never issued.
    public init(scan: FleetScanResult, now: Date, policy: ExpiryPolicy, history: CertificateHistory, requireCertificate: Bool) {
        self.init(rows: scan.rows, failures: scan.failures, projectsScanned: scan.projects.count, now: now, policy: policy)
        coverage = CoverageJudgement(users: scan.fleet.managedUsers, rows: scan.rows, history: history, now: now,
                                     policy: policy, requireCertificate: requireCertificate)
    }

    public func status(of row: CertificateRow) -> ExpiryStatus {
        policy.status(notAfter: row.certificate.notAfter, now: now)
    }

    /// Certificates by status; expired ones (which Atlas stops listing, but which can
    /// expire between the scan and now) count as critical.
    public var counts: (critical: Int, warning: Int, ok: Int) {
        rows.reduce(into: (critical: 0, warning: 0, ok: 0)) { counts, row in
            switch status(of: row) {
            case .expired, .critical: counts.critical += 1
            case .warning: counts.warning += 1
            case .ok: counts.ok += 1
            }
        }
    }

    /// UNKNOWN when the scan could not read everything (a certificate could be hiding in
    /// what was not read); otherwise the worst status found.
    public var state: State {
        if !failures.isEmpty { return .unknown }
        if let coverage { return coverage.worst?.state ?? .ok }
        let counts = counts
        if counts.critical > 0 { return .critical }
        if counts.warning > 0 { return .warning }
        return .ok
    }

    public var soonest: CertificateRow? { rows.first }

    /// `ATLAS-CERTS CRITICAL - 2 critical, 5 warning, 120 ok in 20 projects; soonest: … | critical=2;;; …`
    public var summaryLine: String {
        if let coverage { return coverageLine(coverage) }
        let counts = counts
        var text = "ATLAS-CERTS \(state.label) - "
        text += incompleteScanText
        text += "\(counts.critical) critical, \(counts.warning) warning, \(counts.ok) ok in \(projectsScanned) \(projectsScanned == 1 ? "project" : "projects")"
        if let soonest {
            let certificate = soonest.certificate
            text += "; soonest \(TimeLeft.format(notAfter: certificate.notAfter, now: now))"
            text += " (\(CertificateReport.tableDate(certificate.notAfter)) UTC): ID \(certificate.id.decimal)"
            text += ", project \(TerminalSafe.sanitize(soonest.projectName ?? soonest.projectID, maxCharacters: 60))"
            text += ", user \(TerminalSafe.sanitize(soonest.username, maxCharacters: 80))"
        } else if failures.isEmpty {
            text += "; no Atlas-managed certificates found"
        }
        // Performance data: counts, and the days left of the soonest one with the
        // thresholds (warn;crit) so graphs show how close it is.
        let warningDays = Self.days(policy.warning)
        let criticalDays = Self.days(policy.critical)
        var performance = "critical=\(counts.critical) warning=\(counts.warning) ok=\(counts.ok) unreadable=\(failures.count)"
        if let soonest {
            let days = Self.days(soonest.certificate.notAfter.timeIntervalSince(now))
            performance += " soonest_days=\(days);\(warningDays);\(criticalDays)"
        }
        // One line, whatever the server sent: no newline, no '|' inside the text part.
        return text.replacingOccurrences(of: "|", with: "/") + " | " + performance
    }

    static func days(_ interval: TimeInterval) -> String {
        String(format: "%.2f", interval / 86_400)
    }

    // MARK: JSON

    struct Document: Encodable {
        var state: String
        var exitCode: Int
        var summary: String
        var counts: Counts
        var projectsScanned: Int
        var warningSeconds: Int64
        var criticalSeconds: Int64
        var soonest: CertificateReport.Record?
        /// Certificates at warning or worse, soonest first.
        var attention: [CertificateReport.Record]
        var failures: [Failure]
    }

    struct Counts: Encodable {
        var critical: Int
        var warning: Int
        var ok: Int
    }

    struct Failure: Encodable {
        var projectId: String
        var projectName: String
        var username: String?
        var status: Int?
        var errorCode: String?
        var message: String
    }

    /// The details for `--output json`.
    public func json() -> String {
        if let coverage { return coverageJSON(coverage) }
        let report = CertificateReport(rows: rows, now: now, policy: policy)
        let counts = counts
        let document = Document(
            state: state.label, exitCode: state.rawValue, summary: summaryLine,
            counts: Counts(critical: counts.critical, warning: counts.warning, ok: counts.ok),
            projectsScanned: projectsScanned,
            warningSeconds: CertificateReport.wholeSeconds(policy.warning), criticalSeconds: CertificateReport.wholeSeconds(policy.critical),
            soonest: soonest.map(report.record),
            attention: rows.filter { status(of: $0) != .ok }.map(report.record),
            failures: failureRecords)
        return CertificateReport.encodeSafely(document, pretty: true) + "\n"
    }

    /// "scan incomplete: … found so far: " when part of the fleet could not be read, else "".
    var incompleteScanText: String {
        guard let first = failures.first else { return "" }
        let unreadable = Set(failures.map(\.projectID)).count
        return "scan incomplete: \(failures.count) \(failures.count == 1 ? "part" : "parts") of \(unreadable) of \(projectsScanned) projects could not be read (\(first.summary)); found so far: "
    }

    /// What could not be read, as the JSON documents list it.
    var failureRecords: [Failure] {
        failures.map {
            Failure(projectId: $0.projectID, projectName: $0.projectName, username: $0.username,
                    status: $0.error.status, errorCode: $0.error.errorCode, message: $0.error.message)
        }
    }
}

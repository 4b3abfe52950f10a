import AtlasAPI
import Foundation
import Prometheus

/// What one exporter scrape shows: the last complete scan and the exporter's own health.
/// Pure data, so the exposition is testable without HTTP or Atlas.
public struct ExporterSnapshot: Sendable {
    /// Valid certificates of the last complete scan.
    public var rows: [CertificateRow]
    /// MANAGED users of the last complete scan, by project ID (a user with no certificate counts 0).
    public var managedUsers: [(projectID: String, projectName: String?, username: String)]
    public var lastSuccess: Date?
    public var lastDuration: Double
    public var lastComplete: Bool
    /// Cumulative scan errors by reason.
    public var errorsByReason: [String: Int]
    public var rateLimitWaits: Int
    public var version: String
    /// MANAGED users that lost access (no valid certificate, some seen before in history),
    /// with when their last certificate expired.
    public var lostAccess: [(projectID: String, projectName: String?, username: String, lastExpired: Date)]

    public init(
        rows: [CertificateRow], managedUsers: [(projectID: String, projectName: String?, username: String)],
        lastSuccess: Date?, lastDuration: Double, lastComplete: Bool,
        errorsByReason: [String: Int], rateLimitWaits: Int, version: String,
        lostAccess: [(projectID: String, projectName: String?, username: String, lastExpired: Date)] = []
    ) {
        self.rows = rows
        self.managedUsers = managedUsers
        self.lostAccess = lostAccess
        self.lastSuccess = lastSuccess
        self.lastDuration = lastDuration
        self.lastComplete = lastComplete
        self.errorsByReason = errorsByReason
        self.rateLimitWaits = rateLimitWaits
        self.version = version
    }
}

/// Renders a snapshot as Prometheus text exposition. Label values are escaped as the
/// format requires (backslash, double quote, line feed), so any username round-trips.
/// Every family has HELP and TYPE, even with no series (e.g. no user lost access).
public enum MetricsRendering {
    /// The CN of an RFC 2253 subject (`CN=user389,O=x` gives `user389`), or the empty string.
    public static func commonName(of subject: String) -> String {
        for part in subject.split(separator: ",", omittingEmptySubsequences: true) {
            let trimmed = part.drop(while: { $0 == " " })
            if trimmed.hasPrefix("CN=") { return String(trimmed.dropFirst(3)) }
        }
        return ""
    }

    public static func render(_ snapshot: ExporterSnapshot) -> String {
        fleetFamilies(snapshot) + healthFamilies(snapshot)
    }

    /// The per-certificate and per-user families (one series per certificate or user),
    /// in the scan's order, through ``ExpositionWriter``.
    static func fleetFamilies(_ snapshot: ExporterSnapshot) -> String {
        var writer = ExpositionWriter(reservingCapacity: 256 * (snapshot.rows.count + 2 * snapshot.managedUsers.count) + 4_096)
        writer.family("x509_cert_not_after", type: "gauge",
                      help: "Unix time at which the certificate expires (notAfter), one series per valid certificate.")
        for row in snapshot.rows {
            writer.sample("x509_cert_not_after", labels: [
                ("project_id", row.projectID), ("project", row.projectName ?? ""),
                ("username", row.username), ("serial_number", row.certificate.id.decimal),
                ("subject_CN", commonName(of: row.certificate.subject)),
            ], value: row.certificate.notAfter.timeIntervalSince1970)
        }
        struct UserKey: Hashable { var projectID: String; var username: String }
        var byUser: [UserKey: (count: Int, coverage: Date)] = [:]
        byUser.reserveCapacity(snapshot.managedUsers.count)
        for row in snapshot.rows {
            let key = UserKey(projectID: row.projectID, username: row.username)
            let old = byUser[key]
            byUser[key] = ((old?.count ?? 0) + 1, max(old?.coverage ?? .distantPast, row.certificate.notAfter))
        }
        func labels(_ projectID: String, _ projectName: String?, _ username: String) -> [(String, String)] {
            [("project_id", projectID), ("project", projectName ?? ""), ("username", username)]
        }
        writer.family("atlas_x509_user_certificates", type: "gauge",
                      help: "Valid Atlas-managed certificates of a MANAGED database user (0 included).")
        for user in snapshot.managedUsers {
            let count = byUser[UserKey(projectID: user.projectID, username: user.username)]?.count ?? 0
            writer.sample("atlas_x509_user_certificates", labels: labels(user.projectID, user.projectName, user.username), value: Double(count))
        }
        writer.family("atlas_x509_user_valid_until_timestamp_seconds", type: "gauge",
                      help: "Coverage: Unix time of the latest notAfter of the user's valid certificates.")
        for user in snapshot.managedUsers {
            guard let entry = byUser[UserKey(projectID: user.projectID, username: user.username)] else { continue }
            writer.sample("atlas_x509_user_valid_until_timestamp_seconds", labels: labels(user.projectID, user.projectName, user.username),
                          value: entry.coverage.timeIntervalSince1970)
        }
        writer.family("atlas_x509_user_last_expiry_timestamp_seconds", type: "gauge",
                      help: "For a MANAGED user with no valid certificate left (lost access): Unix time its last certificate expired, from history.")
        for user in snapshot.lostAccess {
            writer.sample("atlas_x509_user_last_expiry_timestamp_seconds", labels: labels(user.projectID, user.projectName, user.username),
                          value: user.lastExpired.timeIntervalSince1970)
        }
        return writer.text
    }

    /// The exporter's own health: a fixed handful of series, through swift-prometheus.
    static func healthFamilies(_ snapshot: ExporterSnapshot) -> String {
        let registry = PrometheusCollectorRegistry()
        registry.gauge(
            name: "atlas_certs_scan_last_success_timestamp_seconds",
            help: "Unix time the last complete scan finished (0 before the first)."
        ).set(to: snapshot.lastSuccess?.timeIntervalSince1970 ?? 0)
        registry.gauge(name: "atlas_certs_scan_duration_seconds", help: "Duration of the last scan in seconds.")
            .set(to: snapshot.lastDuration)
        registry.gauge(
            name: "atlas_certs_scan_complete",
            help: "1 if the last scan was complete, 0 if it failed or was partial (the data shown is then the last good scan's)."
        ).set(to: snapshot.lastComplete ? 1.0 : 0.0)
        for (reason, count) in snapshot.errorsByReason.sorted(by: { $0.key < $1.key }) {
            registry.counter(
                name: "atlas_certs_scan_errors_total", labels: [("reason", reason)],
                help: "Scan errors since the exporter started, by reason."
            ).increment(by: Int64(count))
        }
        registry.counter(
            name: "atlas_certs_rate_limit_waits_total",
            help: "Waits for Atlas rate limits (HTTP 429) since the exporter started."
        ).increment(by: Int64(snapshot.rateLimitWaits))
        registry.gauge(
            name: "atlas_certs_build_info", labels: [("version", snapshot.version)],
            help: "The atlas-certs version of the exporter (value 1)."
        ).set(to: 1)
        return registry.emitToString()
    }
}

extension PrometheusCollectorRegistry {
    /// A gauge named exactly `name` (no namespace or unit suffix added), with `# HELP`.
    fileprivate func gauge(name: String, labels: [(String, String)] = [], help: String) -> Gauge {
        makeGauge(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help), labels: labels)
    }

    /// A counter named exactly `name`, with `# HELP`.
    fileprivate func counter(name: String, labels: [(String, String)] = [], help: String) -> Counter {
        makeCounter(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help), labels: labels)
    }
}

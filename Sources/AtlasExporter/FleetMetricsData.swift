import AtlasAPI
import Foundation

/// The fleet half of an ``ExporterSnapshot``: what one scan (and the history) says about
/// certificates and users. The scan loop keeps the last complete one and adds its own health.
public struct FleetMetricsData: Sendable {
    /// Valid certificates (notAfter after the scan's `now`).
    public var rows: [CertificateRow]
    /// MANAGED users, certificates or not.
    public var managedUsers: [(projectID: String, projectName: String?, username: String)]
    /// MANAGED users with no valid certificate that history saw with one.
    public var lostAccess: [(projectID: String, projectName: String?, username: String, lastExpired: Date)]

    public init(rows: [CertificateRow] = [],
                managedUsers: [(projectID: String, projectName: String?, username: String)] = [],
                lostAccess: [(projectID: String, projectName: String?, username: String, lastExpired: Date)] = []) {
        self.rows = rows
        self.managedUsers = managedUsers
        self.lostAccess = lostAccess
    }

    public static let empty = FleetMetricsData()

    /// Builds the data of a scan. `history` should already hold this scan's certificates
    /// (``CertificateHistory/recording(_:now:)``), so a user's last expiry is known.
    /// Users whose certificates could not be listed (a partial scan) are left out rather
    /// than shown with 0 certificates: a failure must not read as lost access.
    public static func build(from result: FleetScanResult, history: CertificateHistory, now: Date) -> FleetMetricsData {
        let names = Dictionary(result.projects.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        struct Failed: Hashable { var projectID: String; var username: String }
        let failed = Set(result.failures.compactMap { failure in
            failure.username.map { Failed(projectID: failure.projectID, username: $0) }
        })
        let rows = result.rows.filter { $0.isValid(at: now) }
        let rowsByUser = Dictionary(grouping: rows, by: \.userKey)
        var managed: [(projectID: String, projectName: String?, username: String)] = []
        var lost: [(projectID: String, projectName: String?, username: String, lastExpired: Date)] = []
        // Projects in the scan's order, users in Atlas's order: stable output.
        for project in result.projects {
            for user in result.usersByProject[project.id] ?? [] where user.hasManagedCertificates {
                guard !failed.contains(Failed(projectID: project.id, username: user.username)) else { continue }
                let name = names[project.id]
                managed.append((project.id, name, user.username))
                let key = UserKey(projectID: project.id, databaseName: user.databaseName, username: user.username)
                guard rowsByUser[key] == nil else { continue }
                if case .noValidCertificate(let lastExpired) = history.status(of: key, rows: [], now: now) {
                    lost.append((project.id, name, user.username, lastExpired))
                }
            }
        }
        return FleetMetricsData(rows: rows, managedUsers: managed, lostAccess: lost)
    }
}

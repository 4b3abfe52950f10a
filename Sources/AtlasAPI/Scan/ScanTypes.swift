import Foundation

/// What a fleet scan covers.
public struct ScanScope: Sendable, Hashable {
    /// Only the projects of this organization (`GET /orgs/{orgId}/groups`); nil for every
    /// project the credentials can see (`GET /groups`).
    public var organizationID: String?
    /// Only these projects, by ID or name; empty for all of them.
    public var projects: [String]

    public init(organizationID: String? = nil, projects: [String] = []) {
        self.organizationID = organizationID
        self.projects = projects
    }

    public static let everything = ScanScope()
}

/// Where a scan stands, for progress bars and status lines.
public struct ScanProgress: Sendable, Hashable {
    /// Projects to scan; nil until the project list has arrived.
    public var projectsTotal: Int?
    /// Projects whose users have been listed (or could not be).
    public var projectsDone = 0
    /// Users with Atlas-managed certificates found so far.
    public var usersTotal = 0
    /// Of those, users whose certificates have been fetched (or could not be).
    public var usersDone = 0
    /// Certificates found so far.
    public var certificates = 0
    /// HTTP requests sent, every leg counted (Digest challenges, retries, pages).
    public var requestsSent = 0
    /// Requests sent and not yet answered.
    public var requestsInFlight = 0
    /// Requests repeated after a 5xx or a transient network failure.
    public var retries = 0
    /// Times Atlas answered 429 and the scan paused.
    public var rateLimitWaits = 0
    /// Certificate IDs listed more than once (the copy expiring soonest was kept).
    public var duplicateCertificates = 0
    /// True while the scan waits out a 429's Retry-After.
    public var isWaitingForRateLimit = false
    /// Requests the scan currently allows at once (lowered when Atlas reports few
    /// requests left in its rate-limit bucket).
    public var allowedConcurrency = 0

    public init() {}

    /// Work done so far, 0...1: each project listed and each managed user fetched is one
    /// unit. Users are discovered as projects are listed, so the fraction can move back
    /// a little; it reaches 1 exactly when everything known is done.
    public var fractionDone: Double {
        guard let projectsTotal else { return 0 }
        let total = projectsTotal + usersTotal
        guard total > 0 else { return 1 }
        return Double(projectsDone + usersDone) / Double(total)
    }
}

/// Something in the scan that could not be read. The rest of the scan went on.
public struct ScanFailure: Sendable, Equatable {
    public var projectID: String
    public var projectName: String
    /// The user whose certificates could not be listed; nil when the project's users
    /// could not be listed (then none of its certificates are known).
    public var username: String?
    public var error: AtlasError

    public init(projectID: String, projectName: String, username: String? = nil, error: AtlasError) {
        self.projectID = projectID
        self.projectName = projectName
        self.username = username
        self.error = error
    }

    /// One line: where, then why.
    public var summary: String {
        let project = TerminalSafe.sanitize(projectName, maxCharacters: 60)
        if let username {
            return "\(project) / \(TerminalSafe.sanitize(username, maxCharacters: 60)): \(error.message)"
        }
        return "\(project): \(error.message)"
    }
}

/// The outcome of a whole scan: the engine's model as the walk left it, and the views
/// of it every command reads, worked out once.
public struct FleetScanResult: Sendable {
    /// The whole walk as the engine knows it (its data is what the cache stores; coverage
    /// and history read it).
    public var fleet: FleetModel
    /// Every certificate found, soonest expiry first (`fleet.rows`).
    public var rows: [CertificateRow]
    /// What could not be read (`fleet.failures`).
    public var failures: [ScanFailure]
    public var progress: ScanProgress

    public var projects: [Project] { fleet.projects }
    public var organizations: [Organization] { fleet.organizations }
    /// Every database user listed, by project ID (MANAGED or not), in Atlas's order; a
    /// project whose users could not be listed has no entry.
    public var usersByProject: [String: [DatabaseUser]] { fleet.usersByProject }

    public init(fleet: FleetModel, progress: ScanProgress) {
        self.fleet = fleet
        self.rows = fleet.rows
        self.failures = fleet.failures
        self.progress = progress
    }

    /// True when every project and every managed user was read.
    public var isComplete: Bool { failures.isEmpty }
}

/// What a scan reports as it goes. Delivered in order, one at a time.
public enum ScanEvent: Sendable {
    /// The projects to scan are known.
    case projectsListed([Project], organizations: [Organization])
    /// A project's database users arrived (all of them; only MANAGED ones are scanned further).
    case usersListed(project: Project, users: [DatabaseUser])
    /// One user's certificates arrived (possibly none).
    case certificatesListed(project: Project, user: DatabaseUser, rows: [CertificateRow])
    /// A project or a user could not be read; the scan goes on.
    case failed(ScanFailure)
    case progress(ScanProgress)
    /// The scan ended; nothing follows.
    case finished(FleetScanResult)
    /// The scan could not go on at all (wrong credentials, no network, unknown project);
    /// nothing follows.
    case aborted(AtlasError)
}

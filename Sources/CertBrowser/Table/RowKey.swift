import AtlasAPI

/// Identifies a database user within the fleet.
///
/// Atlas usernames are unique per authentication database within a project, not
/// globally, so all three parts are needed.
public struct UserKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var projectID: String
    public var databaseName: String
    public var username: String

    public init(projectID: String, databaseName: String, username: String) {
        self.projectID = projectID
        self.databaseName = databaseName
        self.username = username
    }

    public init(_ user: DatabaseUser, projectID: String) {
        self.init(projectID: projectID, databaseName: user.databaseName, username: user.username)
    }

    public static func < (lhs: UserKey, rhs: UserKey) -> Bool {
        (lhs.projectID, lhs.databaseName, lhs.username) < (rhs.projectID, rhs.databaseName, rhs.username)
    }

    public var description: String { "\(databaseName)/\(username)" }
}

/// The identity of a table row, used to keep the selection on the same item when the
/// rows are re-sorted, filtered or reloaded (htop's "follow", and the fix for k9s#536
/// where the cursor stayed on an index while rows moved under it). It is also the
/// sort tie-breaker, so equal values keep a stable, meaningful order.
public enum RowKey: Sendable, Hashable, Comparable {
    case project(String)
    case user(UserKey)
    case certificate(CertificateID)
    /// A certificate in the all-certificates view, where rows of many users meet.
    case fleetCertificate(UserKey, CertificateID)
}

import Foundation

/// Identifies a database user within the fleet.
///
/// Atlas usernames are unique per authentication database within a project, not
/// globally, so all three parts are needed.
public struct UserKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
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

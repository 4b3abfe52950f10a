import AtlasAPI
import Foundation

/// Where a screen's data stands: shown as a spinner, "updated 5s ago", or an error with
/// the previous rows kept and marked stale (a failed refresh should not blank a table
/// the user was reading). It is the fleet engine's record of the load's job.
public typealias LoadStatus = FleetJobRecord

/// What a pending request is loading.
public enum LoadTarget: Sendable, Hashable {
    case projects
    case users(projectID: String)
    case certificates(UserKey)
    /// A certificate being created for this user (never cancelled: see `CreateDialog`).
    case create(UserKey)

    /// The target of a fleet job's load.
    public init(_ job: FleetJob) {
        switch job {
        case .projects: self = .projects
        case .users(let projectID): self = .users(projectID: projectID)
        case .certificates(let user): self = .certificates(user)
        }
    }

    /// The fleet job this load runs; nil for a create.
    public var job: FleetJob? {
        switch self {
        case .projects: .projects
        case .users(let projectID): .users(projectID: projectID)
        case .certificates(let user): .certificates(user)
        case .create: nil
        }
    }
}

/// A message in the footer.
public struct Message: Sendable, Hashable {
    public var text: String
    public var isError: Bool
    public var at: Date

    public init(text: String, isError: Bool, at: Date) {
        self.text = text
        self.isError = isError
        self.at = at
    }
}

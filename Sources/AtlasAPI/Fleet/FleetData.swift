import Foundation

/// The fleet's data as a walk found it: organizations, projects, each project's database
/// users and each MANAGED user's certificates. The one shape of it: `FleetModel` holds
/// it beside where every job stands, the disk cache stores it as it is
/// (`MetadataSnapshot.fleet`), and a restore hands it back to the model.
///
/// Metadata only, by construction: none of the types it holds has a field for a PEM, a
/// private key, a password, an API key or a token (the cache relies on that).
public struct FleetData: Sendable, Equatable {
    public var organizations: [Organization]
    public var projects: [Project]
    /// Every database user listed, by project ID, as Atlas listed them; a project is
    /// present once its users were loaded.
    public var usersByProject: [String: [DatabaseUser]]
    /// The certificates of each MANAGED user whose listing arrived (an empty list means
    /// the user has none).
    public var certificatesByUser: [UserKey: [Certificate]]

    public init(organizations: [Organization] = [], projects: [Project] = [],
                usersByProject: [String: [DatabaseUser]] = [:], certificatesByUser: [UserKey: [Certificate]] = [:]) {
        self.organizations = organizations
        self.projects = projects
        self.usersByProject = usersByProject
        self.certificatesByUser = certificatesByUser
    }

    /// The same data without what belongs to projects not in `projects` (a project gone
    /// since, or a file that lists users of a project it does not hold).
    public func keepingListedProjects() -> FleetData {
        let ids = Set(projects.map(\.id))
        return FleetData(organizations: organizations, projects: projects,
                         usersByProject: usersByProject.filter { ids.contains($0.key) },
                         certificatesByUser: certificatesByUser.filter { ids.contains($0.key.projectID) })
    }
}

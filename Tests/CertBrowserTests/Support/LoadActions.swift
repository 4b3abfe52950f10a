import AtlasAPI
@testable import CertBrowser

/// Shorthands for the `loaded` action of each fleet job, as the runtime posts them.
extension Action {
    static func projectsLoaded(_ id: RequestID, organizations: [Organization], projects: [Project]) -> Action {
        .loaded(id, .projects(projects, organizations: organizations))
    }

    static func usersLoaded(_ id: RequestID, projectID: String, users: [DatabaseUser]) -> Action {
        .loaded(id, .users(projectID: projectID, users))
    }

    static func certificatesLoaded(_ id: RequestID, user: UserKey, certificates: [Certificate]) -> Action {
        .loaded(id, .certificates(user, certificates))
    }
}

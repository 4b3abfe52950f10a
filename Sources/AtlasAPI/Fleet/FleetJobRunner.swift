import Foundation

/// Runs one `FleetJob` against Atlas with the client: the one place that knows which
/// request each job is. Every driver (the commands' task group, the browser's effects)
/// runs jobs through it.
public struct FleetJobRunner: Sendable {
    public let client: AtlasClient
    public var scope: ScanScope

    public init(client: AtlasClient, scope: ScanScope = .everything) {
        self.client = client
        self.scope = scope
    }

    /// The job's outcome; a failure is an outcome too (never thrown). A cancelled task
    /// gives `.cancelled`.
    public func run(_ job: FleetJob) async -> FleetOutcome {
        do {
            switch job {
            case .projects:
                // Projects first: when they fail (a rejected key, no route) nothing else
                // is asked. Organizations only name the projects' owners; a key scoped to
                // projects may not list them, which must not stop the walk.
                let projects = try await projectsInScope()
                let organizations = (try? await client.organizations()) ?? []
                return .projects(projects, organizations: organizations)
            case .users(let projectID):
                return .users(projectID: projectID, try await client.databaseUsers(projectID: projectID))
            case .certificates(let user):
                return .certificates(user, try await client.certificates(projectID: user.projectID, username: user.username))
            }
        } catch {
            if error is CancellationError || Task.isCancelled { return .cancelled(job) }
            return .failed(job, Self.atlasError(error))
        }
    }

    /// The client throws `AtlasError`; anything else is wrapped with a sanitised text.
    public static func atlasError(_ error: any Error) -> AtlasError {
        if let atlas = error as? AtlasError { return atlas }
        if error is CancellationError { return AtlasError(kind: .cancelled, message: "The scan was cancelled.") }
        return AtlasError(kind: .httpStatus, message: "Unexpected failure: \(String(describing: error))")
    }

    /// The certificates of one named user of `project` (`list --project P --user U`): the
    /// engine's certificates job, its failure thrown. Soonest expiry first.
    public func certificateRows(of username: String, in project: Project) async throws -> [CertificateRow] {
        let key = UserKey(projectID: project.id, databaseName: "$external", username: username)
        switch await run(.certificates(key)) {
        case .certificates(_, let certificates):
            return certificates.map {
                CertificateRow(certificate: $0, projectID: project.id, projectName: project.name, username: username, databaseName: nil)
            }.sorted(by: CertificateRow.byExpiry)
        case .failed(_, let error):
            throw error
        default:
            throw CancellationError()
        }
    }

    /// The projects the scope names, in the order Atlas lists them.
    public func projectsInScope() async throws -> [Project] {
        let visible: [Project]
        if let organizationID = scope.organizationID {
            visible = try await client.projects(organizationID: organizationID)
        } else {
            visible = try await client.projects()
        }
        guard !scope.projects.isEmpty else { return visible }
        var chosen: [Project] = []
        for wanted in scope.projects {
            let project = try AtlasClient.project(wanted, in: visible)
            if !chosen.contains(where: { $0.id == project.id }) { chosen.append(project) }
        }
        return chosen
    }
}

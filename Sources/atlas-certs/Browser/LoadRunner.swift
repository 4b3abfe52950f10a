import AtlasAPI
import CertBrowser
import Foundation

/// Performs the reducer's load effects with the Atlas client.
///
/// Each load is a task whose result comes back through the inbox as an action carrying
/// the load's `RequestID`; the reducer ignores results it no longer waits for. A
/// cancelled load posts nothing: the reducer already knows it cancelled it.
struct LoadRunner: Sendable {
    let client: AtlasClient
    let inbox: ActionInbox
    /// Loads in flight at once.
    let limiter = LoadLimiter(limit: FleetScanner.defaultConcurrency)

    func start(_ effect: Effect) -> (RequestID, Task<Void, Never>)? {
        let client = client
        let inbox = inbox
        switch effect {
        case .loadProjects(let id):
            return (id, Task.detached {
                await self.deliver(id, inbox) {
                    async let projects = client.projects()
                    // Organizations only name the projects' owners; keys scoped to
                    // projects may not list them, which must not hide the projects.
                    let organizations = (try? await client.organizations()) ?? []
                    return .projectsLoaded(id, organizations: organizations, projects: try await projects)
                }
            })
        case .loadUsers(let id, let projectID):
            return (id, Task.detached {
                await self.deliver(id, inbox) {
                    .usersLoaded(id, projectID: projectID, users: try await client.databaseUsers(projectID: projectID))
                }
            })
        case .loadCertificates(let id, let user):
            return (id, Task.detached {
                await self.deliver(id, inbox) {
                    .certificatesLoaded(id, user: user,
                                        certificates: try await client.certificates(projectID: user.projectID, username: user.username))
                }
            })
        default:
            return nil
        }
    }

    private func deliver(_ id: RequestID, _ inbox: ActionInbox, _ load: @escaping @Sendable () async throws -> Action) async {
        // Atlas's 429 pauses every request; the browser says so while it waits.
        let observe: @Sendable (ClientEvent) -> Void = { event in
            if case .rateLimited(_, let wait) = event {
                inbox.post(.rateLimited(until: Date().addingTimeInterval(Double(wait.components.seconds))))
            }
        }
        do {
            let action = try await AtlasClient.$taskObserver.withValue(ClientEventObserver(observe)) {
                try await limiter.run(load)
            }
            if !Task.isCancelled { inbox.post(action) }
        } catch {
            if Task.isCancelled || error is CancellationError { return }
            inbox.post(.loadFailed(id, Self.atlasError(error)))
        }
    }

    /// The client throws `AtlasError`; anything else is wrapped with a sanitised text.
    static func atlasError(_ error: any Error) -> AtlasError {
        if let atlas = error as? AtlasError { return atlas }
        return AtlasError(kind: .httpStatus, message: "Unexpected failure: \(String(describing: error))")
    }
}

extension Action {
    /// The load this action answers, if it answers one.
    var answeredRequest: RequestID? {
        switch self {
        case .projectsLoaded(let id, _, _), .usersLoaded(let id, _, _), .certificatesLoaded(let id, _, _),
             .loadFailed(let id, _):
            id
        default:
            nil
        }
    }
}

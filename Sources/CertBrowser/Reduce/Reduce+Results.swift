import AtlasAPI
import Foundation

/// Results of loads. Each is accepted only if its request is still pending for the
/// same target; anything else is a stale result (from before a refresh or a cancel)
/// and is dropped without a trace.
extension State {
    mutating func accept(_ id: RequestID, _ target: LoadTarget) -> Bool {
        guard pending[id] == target else { return false }
        pending[id] = nil
        return true
    }

    mutating func receiveProjects(_ id: RequestID, _ organizations: [Organization], _ projects: [Project], _ now: Date) -> [Effect] {
        guard accept(id, .projects) else { return [] }
        self.organizations = organizations
        self.projects = projects
        projectsLoad.succeed(now)
        // Forget data of projects that are gone.
        let ids = Set(projects.map(\.id))
        users = users.filter { ids.contains($0.key) }
        certificates = certificates.filter { ids.contains($0.key.projectID) }
        // Fan out: every project's users, so the counts fill in. The runtime bounds
        // how many of these run at once.
        var effects: [Effect] = []
        for project in projects {
            effects += loadUsers(project.id, now)
        }
        rebuildTables(now)
        return effects
    }

    mutating func receiveUsers(_ id: RequestID, _ projectID: String, _ list: [DatabaseUser], _ now: Date) -> [Effect] {
        guard accept(id, .users(projectID: projectID)) else { return [] }
        users[projectID] = list
        usersLoad[projectID, default: LoadStatus()].succeed(now)
        let keys = Set(list.map { UserKey($0, projectID: projectID) })
        certificates = certificates.filter { $0.key.projectID != projectID || keys.contains($0.key) }
        // Only users whose certificates Atlas manages are asked for certificates; for
        // the others the endpoint does not apply.
        var effects: [Effect] = []
        for user in list where user.hasManagedCertificates {
            effects.append(loadCertificates(UserKey(user, projectID: projectID), now))
        }
        rebuildTables(now)
        return effects
    }

    mutating func receiveCertificates(_ id: RequestID, _ user: UserKey, _ list: [Certificate], _ now: Date) {
        guard accept(id, .certificates(user)) else { return }
        certificates[user] = list
        certificatesLoad[user, default: LoadStatus()].succeed(now)
        rebuildTables(now)
    }

    mutating func receiveFailure(_ id: RequestID, _ error: AtlasError, _ now: Date) {
        guard let target = pending.removeValue(forKey: id) else { return }
        let text = error.message
        switch target {
        case .projects:
            projectsLoad.fail(text, now)
            warn("Could not load projects: \(text)", now)
        case .users(let projectID):
            usersLoad[projectID, default: LoadStatus()].fail(text, now)
            let name = project(projectID)?.name ?? projectID
            warn("Could not load users of \(TerminalSafe.sanitize(name, maxCharacters: 40)): \(text)", now)
        case .certificates(let user):
            certificatesLoad[user, default: LoadStatus()].fail(text, now)
            warn("Could not load certificates of \(TerminalSafe.sanitize(user.username, maxCharacters: 40)): \(text)", now)
        case .create:
            abandonCreate(text, now)
        }
        rebuildTables(now)
    }
}

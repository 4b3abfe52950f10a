import AtlasAPI
import Foundation

/// Drilling in, going back, refreshing and cancelling.
extension State {
    mutating func drillIn(_ now: Date) -> [Effect] {
        let context = context(now)
        switch screen {
        case .projects:
            guard let row = projectsTable.selectedRow else { return [] }
            let projectID = row.project.id
            stack.append(.users(projectID: projectID))
            usersTable = Table(rows: userRows(projectID), sort: TableSort(column: .soonest), context: context)
            message = nil
            if users[projectID] == nil && !isPending(.users(projectID: projectID)) {
                return loadUsers(projectID, now)
            }
        case .users(let projectID):
            guard let row = usersTable?.selectedRow else { return [] }
            guard row.user.hasManagedCertificates else {
                let name = TerminalSafe.sanitize(row.user.username, maxCharacters: 40)
                inform("\(name) is not an Atlas-managed X.509 user (x509Type \(row.user.x509Type)); Atlas lists no certificates.", now)
                return []
            }
            let key = UserKey(row.user, projectID: projectID)
            stack.append(.certificates(key))
            certificatesTable = Table(rows: certificateRows(key), sort: TableSort(column: .expires), context: context)
            message = nil
            if certificates[key] == nil && !isPending(.certificates(key)) {
                return [loadCertificates(key, now)]
            }
        case .certificates(let user):
            guard let row = certificatesTable?.selectedRow else { return [] }
            stack.append(.detail(user, row.certificate.id))
        case .detail:
            break
        case .fleet:
            guard let row = fleetTable?.selectedRow else { return [] }
            // Into the user, with the certificate that was selected still selected.
            stack.append(.certificates(row.user))
            var table = Table(rows: certificateRows(row.user), sort: TableSort(column: .expires), context: context)
            table.select(key: .certificate(row.certificate.id), pageHeight: pageHeight)
            certificatesTable = table
            message = nil
        }
        return []
    }

    /// Opens the all-certificates view from anywhere: it sits right above the projects,
    /// so Esc leads back to them. The data is the same as the projects' counts, so it
    /// fills in as the scan that feeds them progresses; with nothing loaded yet (or a
    /// scan that was cancelled) it starts one.
    mutating func openFleet(_ now: Date) -> [Effect] {
        isEditingFilter = false
        stack = [.projects, .fleet]
        usersTable = nil
        certificatesTable = nil
        let context = context(now)
        fleetTable = Table(rows: fleetRows(), sort: TableSort(column: .expires), context: context)
        message = nil
        let everythingLoaded = projectsLoad.lastLoaded != nil && pending.isEmpty
            && projects.allSatisfy { users[$0.id] != nil }
        if pending.isEmpty && !everythingLoaded { return refreshAll(now) }
        return []
    }

    /// Goes back one level; the parent table still has its selection.
    mutating func goBack() -> [Effect] {
        guard stack.count > 1 else { return [] }
        isEditingFilter = false
        let leaving = stack.removeLast()
        switch leaving {
        case .users: usersTable = nil
        case .certificates: certificatesTable = nil
        case .fleet: fleetTable = nil
        case .projects, .detail: break
        }
        return []
    }

    /// Reloads what the screen on top shows. Loads already running for it are
    /// cancelled first, so their late results cannot overwrite the new ones.
    mutating func refresh(_ now: Date) -> [Effect] {
        switch screen {
        case .projects, .fleet:
            return refreshAll(now)
        case .users(let projectID):
            var effects = cancel(requests(forScreen: screen), now, quietly: true)
            effects += loadUsers(projectID, now)
            return effects
        case .certificates(let user), .detail(let user, _):
            var effects = cancel(requests(forScreen: screen), now, quietly: true)
            effects.append(loadCertificates(user, now))
            return effects
        }
    }

    /// Starts the full scan: projects, then (as results arrive) users and certificates.
    mutating func refreshAll(_ now: Date) -> [Effect] {
        var effects = cancel(pending.keys.sorted(), now, quietly: true)
        let id = newRequest(.projects)
        projectsLoad.begin(now)
        effects.append(.loadProjects(id))
        return effects
    }

    mutating func loadUsers(_ projectID: String, _ now: Date) -> [Effect] {
        let id = newRequest(.users(projectID: projectID))
        usersLoad[projectID, default: LoadStatus()].begin(now)
        return [.loadUsers(id, projectID: projectID)]
    }

    mutating func loadCertificates(_ user: UserKey, _ now: Date) -> Effect {
        let id = newRequest(.certificates(user))
        certificatesLoad[user, default: LoadStatus()].begin(now)
        return .loadCertificates(id, user: user)
    }

    func isPending(_ target: LoadTarget) -> Bool {
        pending.values.contains(target)
    }

    /// Cancels `ids`: forgets them (so late results are ignored), marks what they were
    /// loading as failed-by-cancel (keeping the rows, marked stale) and asks the runtime
    /// to stop them. `quietly` is for refreshes, which start a new load at once.
    mutating func cancel(_ ids: [RequestID], _ now: Date, quietly: Bool = false) -> [Effect] {
        // A certificate being created is never cancelled: Atlas may already have issued
        // it, and its private key exists only in that response.
        let ids = ids.filter { if case .create? = pending[$0] { false } else { true } }
        guard !ids.isEmpty else { return [] }
        for id in ids {
            guard let target = pending.removeValue(forKey: id) else { continue }
            guard !quietly else {
                switch target {
                case .projects: projectsLoad.abandon()
                case .users(let projectID): usersLoad[projectID]?.abandon()
                case .certificates(let user): certificatesLoad[user]?.abandon()
                case .create: break
                }
                continue
            }
            switch target {
            case .projects: projectsLoad.fail(LoadStatus.cancelledMessage, now)
            case .users(let projectID): usersLoad[projectID, default: LoadStatus()].fail(LoadStatus.cancelledMessage, now)
            case .certificates(let user): certificatesLoad[user, default: LoadStatus()].fail(LoadStatus.cancelledMessage, now)
            case .create: break
            }
        }
        if !quietly {
            inform("Loading cancelled; press R to load again.", now)
            rebuildTables(now)
        }
        return ids.map(Effect.cancel)
    }
}

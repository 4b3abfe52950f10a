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
            usersTable = Table(rows: userRows(projectID), sort: TableSort(column: .validUntil), context: context)
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
            certificatesTable = newCertificatesTable(key, now)
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
            var table = newCertificatesTable(row.user, now)
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
        let (rows, hidden) = fleetRows(now)
        hiddenSupersededFleet = hidden
        fleetTable = Table(rows: rows, sort: TableSort(column: .expires), context: context(now))
        fleetTableSource = FleetTableSource(self, now: now)
        changes.fleetTableBuilt()
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
            var effects = cancel(requests(forScreen: screen), now, because: .replaced)
            effects += loadUsers(projectID, now)
            return effects
        case .certificates(let user), .detail(let user, _):
            var effects = cancel(requests(forScreen: screen), now, because: .replaced)
            effects.append(loadCertificates(user, now))
            return effects
        }
    }

    /// Starts the full scan: projects, then (as results arrive) users and certificates.
    mutating func refreshAll(_ now: Date) -> [Effect] {
        var effects = cancel(pending.keys.sorted(), now, because: .replaced)
        effects.append(load(.projects, now))
        return effects
    }

    /// Starts one job of the fleet engine as an effect with its own request ID.
    mutating func load(_ job: FleetJob, _ now: Date) -> Effect {
        let id = newRequest(LoadTarget(job))
        changeFleet(for: job) { $0.begin(job, now) }
        return .load(id, job)
    }

    mutating func loadUsers(_ projectID: String, _ now: Date) -> [Effect] {
        [load(.users(projectID: projectID), now)]
    }

    mutating func loadCertificates(_ user: UserKey, _ now: Date) -> Effect {
        load(.certificates(user), now)
    }

    func isPending(_ target: LoadTarget) -> Bool {
        pending.values.contains(target)
    }

    /// Why loads are stopped.
    enum CancelReason {
        /// The user pressed Esc: the loads are marked cancelled and the footer says so.
        case user
        /// A refresh replaces them at once: back to what was shown before, silently.
        case replaced
        /// The walk stopped (rejected credentials, no route to Atlas): marked cancelled;
        /// the caller says why.
        case walkStopped
    }

    /// Cancels `ids`: forgets them (so late results are ignored), records what they were
    /// loading as cancelled (keeping the rows, marked stale) or abandoned, and asks the
    /// runtime to stop them.
    mutating func cancel(_ ids: [RequestID], _ now: Date, because reason: CancelReason = .user) -> [Effect] {
        // A certificate being created is never cancelled: Atlas may already have issued
        // it, and its private key exists only in that response.
        let ids = ids.filter { if case .create? = pending[$0] { false } else { true } }
        guard !ids.isEmpty else { return [] }
        for id in ids {
            guard let job = pending.removeValue(forKey: id)?.job else { continue }
            switch reason {
            case .replaced: changeFleet(for: job) { $0.abandon(job) }
            case .user, .walkStopped: _ = changeFleet(for: job) { $0.apply(.cancelled(job), now) }
            }
        }
        if reason == .user {
            inform("Loading cancelled; press R to load again.", now)
            rebuildTables(now)
        }
        return ids.map(Effect.cancel)
    }
}

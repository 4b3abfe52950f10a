import AtlasAPI
import Foundation

/// Results of loads. Each is accepted only if its request is still pending for the
/// same job; anything else is a stale result (from before a refresh or a cancel) and is
/// dropped without a trace. What follows a result (which loads start, whether the walk
/// stops) is the fleet engine's rule (`FleetModel.apply`), not the browser's.
extension State {
    mutating func accept(_ id: RequestID, _ target: LoadTarget) -> Bool {
        guard pending[id] == target else { return false }
        pending[id] = nil
        return true
    }

    mutating func receive(_ id: RequestID, _ outcome: FleetOutcome, _ now: Date) -> [Effect] {
        guard accept(id, LoadTarget(outcome.job)) else { return [] }
        // A new project list changes every table; any other outcome, its job's rows.
        let step = if case .projects = outcome { fleet.apply(outcome, now) } else {
            changeFleet(for: outcome.job) { $0.apply(outcome, now) }
        }
        var effects: [Effect] = []
        switch step {
        case .run(let jobs):
            effects = jobs.map { load($0, now) }
            if case .failed(let job, let error) = outcome { warn(failureText(job, error), now) }
        case .abort(let error):
            // Every other load would meet the same failure: stop them all, and say so.
            effects = cancel(pending.keys.sorted(), now, because: .walkStopped)
            let stopped = effects.isEmpty ? "" : " Stopped \(effects.count) other loads; press R to try again."
            warn(failureText(outcome.job, error) + stopped, now)
        }
        rebuildTables(now)
        return effects
    }

    private func failureText(_ job: FleetJob, _ error: AtlasError) -> String {
        switch job {
        case .projects:
            return "Could not load projects: \(error.message)"
        case .users(let projectID):
            let name = project(projectID)?.name ?? projectID
            return "Could not load users of \(TerminalSafe.sanitize(name, maxCharacters: 40)): \(error.message)"
        case .certificates(let user):
            return "Could not load certificates of \(TerminalSafe.sanitize(user.username, maxCharacters: 40)): \(error.message)"
        }
    }
}

import AtlasAPI
import Foundation

/// What changed in the fleet's data since the tables were last brought up to date.
///
/// A scan delivers results in batches, one per frame, and the projects table and the
/// all-certificates view each show the whole fleet: rebuilt from every user after each
/// batch, they cost a key press tens of milliseconds at 100,000 certificates
/// (docs/benchmarks.md). Results name what they touch (one project's users, one user's
/// certificates), so the reducer notes that here and the rebuild redoes only those rows.
/// Any change to the model not described this way marks everything changed.
struct TableChanges: Sendable, Equatable {
    /// Projects whose rows (counts, soonest expiry, failure mark) may differ; nil when
    /// any may.
    private(set) var projects: Set<String>? = []
    /// Users whose certificates arrived for the first time, in arrival order: their rows
    /// are inserted into the all-certificates view.
    private(set) var newUsers: [UserKey] = []
    /// The all-certificates view's rows changed otherwise (a user's certificates
    /// reloaded, users gone, data restored): it is built again.
    private(set) var fleetNeedsRebuild = false

    /// Anything may have changed.
    mutating func markAll() {
        projects = nil
        newUsers = []
        fleetNeedsRebuild = true
    }

    /// The row of `projectID` may have changed.
    mutating func touch(_ projectID: String) {
        projects?.insert(projectID)
    }

    /// `user`'s certificates changed: new rows for the all-certificates view when the
    /// user had none before, a rebuild when rows it holds changed.
    mutating func certificatesChanged(_ user: UserKey, from old: [Certificate]?, to new: [Certificate]?) {
        touch(user.projectID)
        guard old != new else { return }
        if old == nil, new != nil, !fleetNeedsRebuild {
            newUsers.append(user)
        } else {
            fleetNeedsRebuild = true
            newUsers = []
        }
    }

    /// Users' certificates were dropped (a project's new listing no longer has them).
    mutating func certificatesDropped() {
        fleetNeedsRebuild = true
        newUsers = []
    }

    /// The all-certificates view was just built from all the data: nothing is owed to it.
    mutating func fleetTableBuilt() {
        newUsers = []
        fleetNeedsRebuild = false
    }
}

extension State {
    /// Changes the fleet model for one `job` (its load begun, dropped, failed, cancelled
    /// or answered) through `body`, noting in `changes` what that can change in the
    /// tables: the row of the job's project and, for a certificates job, that user's
    /// rows. A new project list changes everything and is not described here.
    mutating func changeFleet<T>(for job: FleetJob, _ body: (inout FleetModel) -> T) -> T {
        var user: UserKey?
        if case .certificates(let key) = job { user = key }
        let listedBefore = user.flatMap { fleet.certificatesByUser[$0] }
        let usersListedBefore = fleet.certificatesByUser.count
        isDescribingFleetChange = true
        let result = body(&fleet)
        isDescribingFleetChange = false
        switch job {
        case .projects:
            break
        case .users(let projectID):
            changes.touch(projectID)
            if fleet.certificatesByUser.count < usersListedBefore { changes.certificatesDropped() }
        case .certificates(let key):
            changes.certificatesChanged(key, from: listedBefore, to: fleet.certificatesByUser[key])
        }
        return result
    }
}

import AtlasAPI
import Foundation
import Synchronization

/// How far the scan behind the projects' counts and the all-certificates view has got,
/// derived from what has arrived: the same loads feed both, so there is one truth.
public struct FleetScanStatus: Sendable, Hashable {
    /// Nil until the project list has arrived.
    public var projectsTotal: Int?
    /// Projects whose users arrived or could not be loaded (a cancelled load is not done).
    public var projectsDone: Int
    /// Users with Atlas-managed certificates found so far.
    public var usersTotal: Int
    /// Of those, users whose certificates arrived or could not be loaded.
    public var usersDone: Int
    public var certificates: Int
    public var inFlight: Int
    /// What could not be read, one line each ("ledger: HTTP 403 …"); cancelled loads are
    /// counted in `cancelled` instead.
    public var failures: [String]
    public var cancelled: Int

    /// Work done, 0...1; every project listed and every managed user fetched is a unit.
    public var fraction: Double {
        guard let projectsTotal else { return 0 }
        let total = projectsTotal + usersTotal
        return total == 0 ? 1 : Double(projectsDone + usersDone) / Double(total)
    }
}

extension State {
    /// How far the scan has got. Worked out once per change of the data (`scanMemo`);
    /// only `inFlight` is read afresh.
    public var fleetScanStatus: FleetScanStatus {
        var status = scanMemo.status { computeFleetScanStatus() }
        status.inFlight = pending.count
        return status
    }

    private func computeFleetScanStatus() -> FleetScanStatus {
        let tally = fleet.tally
        return FleetScanStatus(projectsTotal: tally.projectsTotal, projectsDone: tally.projectsDone,
                               usersTotal: tally.usersTotal, usersDone: tally.usersDone,
                               certificates: tally.certificates, inFlight: pending.count,
                               failures: fleet.failures.map(\.summary), cancelled: fleet.cancelledJobs)
    }
}

/// The last `fleetScanStatus` worked out for one version of a `State`'s data. A new memo
/// replaces it whenever that data changes, so copies of a state never share a stale one.
final class FleetScanMemo: Sendable, Equatable {
    private let cached = Mutex<FleetScanStatus?>(nil)

    func status(_ compute: () -> FleetScanStatus) -> FleetScanStatus {
        if let status = cached.withLock({ $0 }) { return status }
        let status = compute()
        cached.withLock { $0 = status }
        return status
    }

    /// A cache never tells two states apart.
    static func == (lhs: FleetScanMemo, rhs: FleetScanMemo) -> Bool { true }
}

import AtlasAPI
import AtlasSimulator
import CertBrowser
import Foundation

/// Generated fleets of an exact number of unexpired certificates, and the TUI core
/// loaded with one through its reducer, as the runtime feeds it.
enum TUIData {
    /// A generated organization (atlas-sim's generator: realistic names, every username
    /// shape, expiries spread from days to months) cut to exactly `count` unexpired
    /// certificates. Users past the cut keep no certificates.
    static func fleet(_ count: Int, now: Date) -> SimulatorData {
        // Three quarters MANAGED, 9 certificates each, a fifth of them already expired.
        let usersPerProject = 200
        let perProject = Double(usersPerProject) * 0.75 * 9 * 0.8
        let projects = max(1, Int((Double(count) / perProject).rounded(.up)) + 1)
        var data = SimulatorData.generate(
            seed: 100, now: now, organizations: 1, projectsPerOrganization: projects, usersPerProject: usersPerProject,
            certificatesPerManagedUser: 9, managedFraction: 0.75)
        var remaining = count
        for index in data.certificates.indices {
            let live = data.certificates[index].certificates.filter { $0.notAfter > now }
            let kept = Array(live.prefix(remaining))
            remaining -= kept.count
            data.certificates[index].certificates = kept
        }
        precondition(remaining == 0, "the generated fleet is too small")
        return data
    }

    /// `count` unexpired certificates, for pages.
    static func certificates(_ count: Int, now: Date) -> [Certificate] {
        fleet(count, now: now).certificates.flatMap(\.certificates)
    }

    /// The all-certificates view's rows as the browser builds them (in its order), from
    /// a state loaded through the reducer.
    static func fleetRows(_ data: SimulatorData, now: Date) -> [FleetRow] {
        loadedState(data, viewport: Size(width: 200, height: 60), now: now).fleetTable?.rows ?? []
    }

    /// A `State` with every project, user and certificate of `data` loaded through
    /// `apply`, results applied in batches of `batch` (the runtime applies what arrived
    /// between two frames as one batch), then the all-certificates view opened with `a`.
    static func loadedState(_ data: SimulatorData, viewport: Size, now: Date, batch: Int = 1_000) -> State {
        let fleet = data.inMemoryFleet
        var state = State(viewport: viewport)
        _ = state.apply(.resize(viewport), now: now)
        var effects = state.apply(.start, now: now)
        while !effects.isEmpty {
            var actions: [Action] = []
            for effect in effects {
                if case .load(let id, let job) = effect { actions.append(.loaded(id, fleet.answer(job))) }
            }
            effects = []
            var start = 0
            while start < actions.count {
                let end = min(actions.count, start + batch)
                effects += state.apply(Array(actions[start..<end]), now: now)
                start = end
            }
        }
        _ = state.apply(.key(.character("a")), now: now)
        return state
    }
}

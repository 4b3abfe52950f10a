import AtlasAPI
import CertBrowser
import Foundation

/// Performs the reducer's `load` effects: each runs one fleet job through the engine's
/// `FleetJobRunner`, the same one the commands use.
///
/// Each load is a task whose outcome comes back through the inbox as `loaded` with the
/// load's `RequestID`; the reducer ignores results it no longer waits for. A cancelled
/// load posts nothing: the reducer already knows it cancelled it.
struct LoadRunner: Sendable {
    let runner: FleetJobRunner
    let inbox: ActionInbox
    /// The engine's one gate: loads in flight at once, adapting to 429s, retries and
    /// Atlas's `Ratelimit-Remaining` exactly as a command's scan does.
    let pacer = FleetPacer()

    init(client: AtlasClient, inbox: ActionInbox) {
        self.runner = FleetJobRunner(client: client)
        self.inbox = inbox
    }

    func start(_ effect: Effect) -> (RequestID, Task<Void, Never>)? {
        guard case .load(let id, let job) = effect else { return nil }
        return (id, Task.detached { await self.deliver(id, job) })
    }

    private func deliver(_ id: RequestID, _ job: FleetJob) async {
        let inbox = inbox
        // Atlas's 429 pauses every request; the browser says so while it waits.
        let pacer = pacer
        let observe: @Sendable (ClientEvent) -> Void = { event in
            pacer.record(event)
            if case .rateLimited(_, let wait) = event {
                inbox.post(.rateLimited(until: Date().addingTimeInterval(Double(wait.components.seconds))))
            }
        }
        let runner = runner
        let outcome: FleetOutcome
        do {
            outcome = try await AtlasClient.$taskObserver.withValue(ClientEventObserver(observe)) {
                try await pacer.run { await runner.run(job) }
            }
        } catch {
            return  // cancelled while waiting for a slot
        }
        if Task.isCancelled { return }
        if case .cancelled = outcome { return }
        inbox.post(.loaded(id, outcome))
    }
}

extension Action {
    /// The load this action answers, if it answers one.
    var answeredRequest: RequestID? {
        if case .loaded(let id, _) = self { return id }
        return nil
    }
}

import CertBrowser
import Synchronization

/// Where background work leaves its results for the input loop.
///
/// Network tasks run off the main actor and must never make the loop wait for them, so
/// they post actions here and the loop drains the inbox between key reads (at least
/// once per 100 ms tick).
final class ActionInbox: Sendable {
    private let actions = Mutex<[Action]>([])

    func post(_ action: Action) {
        actions.withLock { $0.append(action) }
    }

    /// Everything posted so far, in order; empties the inbox.
    func drain() -> [Action] {
        actions.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
    }
}

import Synchronization

/// The one gate every fleet request passes, for the commands' scans and the browser's
/// loads alike: at most `ConcurrencyWindow.allowed` jobs run at once, the others wait
/// their turn in order. A job cancelled while it waits leaves the queue at once.
///
/// Feed it the client's events (`record`) from the tasks it runs; the window widens and
/// narrows with them, and waiting jobs start as soon as it allows.
public final class FleetPacer: Sendable {
    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var window: ConcurrencyWindow
        var running = 0
        var waiting: [Waiter] = []
        var nextID: UInt64 = 0

        /// Takes the waiters that may start now (their slots already counted).
        mutating func admit() -> [Waiter] {
            var started: [Waiter] = []
            while running < window.allowed, !waiting.isEmpty {
                running += 1
                started.append(waiting.removeFirst())
            }
            return started
        }
    }

    private let state: Mutex<State>

    public init(maximum: Int = ConcurrencyWindow.defaultMaximum) {
        state = Mutex(State(window: ConcurrencyWindow(maximum: maximum)))
    }

    /// Requests allowed in flight now.
    public var allowed: Int { state.withLock { $0.window.allowed } }

    /// The window's ceiling.
    public var maximum: Int { state.withLock { $0.window.maximum } }

    /// Runs `body` when the window has room. Throws `CancellationError` if cancelled first.
    public func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await body()
    }

    /// Adjusts the window by what the client just reported.
    public func record(_ event: ClientEvent) {
        let signal: ConcurrencyWindow.Signal
        switch event {
        case .responseReceived(_, _, let status) where status < 400:
            signal = .success
        case .rateLimited, .retrying:
            signal = .trouble
        case .rateLimitRemaining(let remaining):
            signal = .remaining(remaining)
        default:
            return
        }
        let started = state.withLock { state in
            state.window.record(signal)
            return state.admit()
        }
        for waiter in started { waiter.continuation.resume() }
    }

    private func acquire() async throws {
        try Task.checkCancellation()
        let id: UInt64? = state.withLock { state in
            if state.waiting.isEmpty, state.running < state.window.allowed {
                state.running += 1
                return nil
            }
            state.nextID += 1
            return state.nextID
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let cancelled = state.withLock { state in
                    if Task.isCancelled { return true }
                    state.waiting.append(Waiter(id: id, continuation: continuation))
                    return false
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
                else { wakeAdmitted() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiting.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
        // Resumed by `admit`: the slot is already counted as ours.
    }

    private func release() {
        let started = state.withLock { state in
            state.running -= 1
            return state.admit()
        }
        for waiter in started { waiter.continuation.resume() }
    }

    /// Starts waiters the window has room for (a slot may have freed while one queued).
    private func wakeAdmitted() {
        let started = state.withLock { $0.admit() }
        for waiter in started { waiter.continuation.resume() }
    }
}

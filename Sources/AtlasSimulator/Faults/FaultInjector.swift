import Foundation

/// Decides, per authenticated API call, which configured fault (if any) it gets.
/// See `FaultConfiguration` for how calls are numbered and which fault wins.
final class FaultInjector: Sendable {
    enum Decision: Equatable {
        case none
        case drop
        /// `html` alternates so that both a JSON 500 and an HTML 503 page are seen.
        case fail(html: Bool)
        case rateLimited(retryAfter: Int)
    }

    struct Outcome {
        var decision: Decision
        var truncate: Bool
        /// The bucket's capacity and whole tokens left, when a rate limit is configured.
        var bucket: (limit: Int, remaining: Int)?
        /// Send half the body as a complete message (`cutBodyEvery`).
        var cut = false
    }

    private struct State {
        var calls = 0
        var failures = 0
        var tokens: Double
        var lastRefill: Date?
    }

    private let configuration: FaultConfiguration
    private let state: Locked<State>

    init(_ configuration: FaultConfiguration) {
        self.configuration = configuration
        self.state = Locked(State(tokens: Double(configuration.rateLimit?.capacity ?? 0)))
    }

    /// Numbers the next call and decides its fate at simulator time `now`.
    func nextCall(now: Date) -> Outcome {
        let configuration = configuration
        return state.withLock { state in
            state.calls += 1
            let call = state.calls
            let truncate = Self.hits(call, every: configuration.truncateEvery)
            let cut = !truncate && Self.hits(call, every: configuration.cutBodyEvery)
            if Self.hits(call, every: configuration.dropEvery) {
                return Outcome(decision: .drop, truncate: false, bucket: nil)
            }
            if Self.hits(call, every: configuration.failEvery) {
                state.failures += 1
                return Outcome(decision: .fail(html: state.failures % 2 == 0), truncate: truncate, bucket: nil)
            }
            guard let limit = configuration.rateLimit else { return Outcome(decision: .none, truncate: truncate, bucket: nil, cut: cut) }
            let rate = max(0, limit.refillPerSecond)
            if let last = state.lastRefill {
                state.tokens = min(Double(limit.capacity), state.tokens + max(0, now.timeIntervalSince(last)) * rate)
            }
            state.lastRefill = now
            guard state.tokens >= 1 else {
                let wait = rate > 0 ? Int(((1 - state.tokens) / rate).rounded(.up)) : 60
                return Outcome(
                    decision: .rateLimited(retryAfter: max(1, wait)), truncate: false,
                    bucket: (limit.capacity, Int(state.tokens)))
            }
            state.tokens -= 1
            return Outcome(decision: .none, truncate: truncate, bucket: (limit.capacity, Int(state.tokens)), cut: cut)
        }
    }

    /// Restarts call numbering and refills the bucket.
    func reset() {
        let capacity = Double(configuration.rateLimit?.capacity ?? 0)
        state.withLock { $0 = State(tokens: capacity) }
    }

    private static func hits(_ call: Int, every: Int?) -> Bool {
        guard let every, every > 0 else { return false }
        return call % every == 0
    }
}

/// Atlas's informational per-endpoint-set counters behind `Ratelimit-Limit` and
/// `Ratelimit-Remaining` (orgs 300, groups 1200, databaseUsers 10000, certs 1200), in
/// fixed one-minute windows of simulator time, one per endpoint set and scope (calls
/// about one project count against that project, as Atlas scopes its limits by
/// organization, project, user or IP). They only inform: nothing is refused unless a
/// `FaultConfiguration.rateLimit` bucket is set, whose headers then replace these.
final class EndpointSetCounters: Sendable {
    private struct Window {
        var start: Date
        var count: Int
    }

    private let windows = Locked([String: Window]())

    /// Counts one request to `set` and returns what remains in its window.
    func record(set: String, capacity: Int, now: Date) -> Int {
        windows.withLock { windows in
            var window = windows[set] ?? Window(start: now, count: 0)
            if now.timeIntervalSince(window.start) >= 60 || now < window.start { window = Window(start: now, count: 0) }
            window.count += 1
            windows[set] = window
            return max(0, capacity - window.count)
        }
    }

    func reset() {
        windows.withLock { $0 = [:] }
    }
}

/// How many requests the fleet engine may have in flight: a pure rule, fed the signals
/// the client reports, in the spirit of TCP's congestion window.
///
/// - Starts high (`maximum`, 64 by default): with 100 ms to Atlas a scan is bound by round
///   trips, so the more in flight the sooner it ends, and Atlas's buckets (1,200
///   certificate listings a minute) are far from empty at the start.
/// - Backs off as a whole: a 429 or a retried failure (5xx, reset, truncated body) halves
///   the window, once per episode (the many requests already in flight that meet the same
///   trouble do not halve it again until the window has been used once more).
/// - Comes back additively: after a back-off, every `limit / 4` successes (at least one)
///   widen it by one, up to `maximum`.
/// - Never more in flight than the bucket allows: while `Ratelimit-Remaining` is below
///   twice the window, at most half of what remains (at least one).
public struct ConcurrencyWindow: Sendable, Equatable {
    /// What the client reported about one request.
    public enum Signal: Sendable, Equatable {
        /// A response that needed no retry.
        case success
        /// A 429, or a failure the client retries (5xx, reset, timeout, truncated body).
        case trouble
        /// Atlas's `Ratelimit-Remaining` for the bucket the last response counted against.
        case remaining(Int)
    }

    /// The engine's default ceiling: 64 requests in flight.
    public static let defaultMaximum = 64

    public let maximum: Int
    /// The window before the bucket's cap.
    public private(set) var limit: Int
    /// The latest `Ratelimit-Remaining`, if Atlas sent one.
    public private(set) var remaining: Int?
    /// Successes since the window last changed, toward the next widening.
    private var successes = 0
    /// Successes still to see before trouble may halve the window again.
    private var quietUntilHalvedAgain = 0

    public init(maximum: Int = ConcurrencyWindow.defaultMaximum) {
        self.maximum = max(1, maximum)
        self.limit = self.maximum
    }

    /// Requests allowed in flight now.
    public var allowed: Int { Self.capped(limit, remaining: remaining) }

    public mutating func record(_ signal: Signal) {
        switch signal {
        case .success:
            if quietUntilHalvedAgain > 0 { quietUntilHalvedAgain -= 1 }
            guard limit < maximum else { return }
            successes += 1
            if successes >= max(1, limit / 4) {
                limit += 1
                successes = 0
            }
        case .trouble:
            guard quietUntilHalvedAgain == 0 else { return }
            limit = max(1, limit / 2)
            successes = 0
            quietUntilHalvedAgain = limit
        case .remaining(let value):
            remaining = max(0, value)
        }
    }

    /// `window` capped by what the bucket has left: the full window while at least twice
    /// that remain, then half of what remains, never less than one (a 429 then pauses the
    /// client as a whole).
    public static func capped(_ window: Int, remaining: Int?) -> Int {
        guard let remaining, remaining < window * 2 else { return window }
        return min(window, max(1, remaining / 2))
    }
}

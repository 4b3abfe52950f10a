/// When and how long to wait before trying a request again.
///
/// - 429: wait `Retry-After` (capped by `maxRateLimitWait`) or back off when it is absent;
///   GETs only, like everything else here: a POST is never sent twice by this client.
/// - 5xx, timeouts, connection resets and truncated bodies: capped exponential backoff
///   with full jitter, GETs only.
public struct RetryPolicy: Sendable {
    /// Total attempts for a GET that meets a 5xx or a transient network failure.
    public var maxAttempts: Int
    /// 429 answers tolerated for one GET before giving up.
    public var maxRateLimitRetries: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// The longest single wait for a `Retry-After`.
    public var maxRateLimitWait: Duration
    /// Waits; injected so tests can run retries without waiting.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A number in 0..<1 for jitter; injected for deterministic tests.
    public var random: @Sendable () -> Double

    public init(
        maxAttempts: Int = 4,
        maxRateLimitRetries: Int = 8,
        baseDelay: Duration = .milliseconds(400),
        maxDelay: Duration = .seconds(15),
        maxRateLimitWait: Duration = .seconds(120),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.maxRateLimitRetries = max(0, maxRateLimitRetries)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRateLimitWait = maxRateLimitWait
        self.sleep = sleep
        self.random = random
    }

    /// Backoff before retry number `retry` (1-based): full jitter over min(maxDelay, base·2^(retry-1)),
    /// never below a tenth of the base so that retries do not hammer a struggling server.
    public func backoff(retry: Int) -> Duration {
        let exponent = min(max(retry - 1, 0), 20)
        let ceiling = min(baseDelay * (1 << exponent), maxDelay)
        let jittered = ceiling * random()
        return max(jittered, baseDelay / 10)
    }

    /// The wait a 429 asks for: `Retry-After` seconds when present (capped), else backoff.
    public func rateLimitWait(retryAfter: String?, retry: Int) -> Duration {
        if let retryAfter, let seconds = Double(retryAfter.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
            // Capped before converting: `1e300`, `inf` or `99999999999999999` seconds do
            // not fit in an Int64 of milliseconds (a trap in an earlier round). NaN fails `>= 0`.
            let cap = Double(maxRateLimitWait.components.seconds) + Double(maxRateLimitWait.components.attoseconds) / 1e18
            guard seconds < cap else { return maxRateLimitWait }
            return .milliseconds(Int64((seconds * 1000).rounded(.up)))
        }
        return backoff(retry: retry)
    }
}

/// Slows a whole client down when Atlas says so, not only the one request that got a 429.
///
/// A 429 pauses every request of the client until `Retry-After` has passed, so a concurrent
/// scan backs off as a whole instead of firing more requests into the limit.
actor RateLimitGate {
    private var pausedUntil: ContinuousClock.Instant?
    private let clock = ContinuousClock()

    /// Extends the pause so that no request starts before `duration` from now.
    func pause(for duration: Duration) {
        let until = clock.now.advanced(by: duration)
        if let pausedUntil, pausedUntil >= until { return }
        pausedUntil = until
    }

    /// How long a request starting now must wait, or nil.
    func remainingPause() -> Duration? {
        guard let pausedUntil else { return nil }
        let left = pausedUntil - clock.now
        if left <= .zero {
            self.pausedUntil = nil
            return nil
        }
        return left
    }
}

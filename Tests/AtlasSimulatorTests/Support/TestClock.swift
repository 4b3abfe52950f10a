import Foundation

/// A clock the test moves by hand, so expiry, nonce lifetime and rate-limit refills are
/// exercised without waiting.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date) {
        current = start
    }

    var now: Date {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    func advance(by seconds: TimeInterval) {
        lock.lock()
        current += seconds
        lock.unlock()
    }

    /// The closure to hand to `SimulatorConfiguration(clock:)`.
    var function: @Sendable () -> Date { { [self] in now } }
}

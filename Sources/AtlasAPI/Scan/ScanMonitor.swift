import Foundation
import Synchronization

/// Counts what the client does on behalf of one scan, from `ClientEvent`s that child
/// tasks report concurrently, and passes each event to the scan's `FleetPacer`, which
/// decides how many requests may be in flight (the window's rules are
/// `ConcurrencyWindow`'s). A 429 itself pauses the whole client (`RateLimitGate`) for its
/// Retry-After.
final class ScanMonitor: Sendable {
    private struct Counters {
        var progress = ScanProgress()
        var waitUntil: ContinuousClock.Instant?
    }

    private let counters: Mutex<Counters>
    private let pacer: FleetPacer
    private let clock = ContinuousClock()

    init(pacer: FleetPacer) {
        self.pacer = pacer
        var initial = Counters()
        initial.progress.allowedConcurrency = pacer.allowed
        counters = Mutex(initial)
    }

    /// Records one event of a request made by the scan.
    func record(_ event: ClientEvent) {
        pacer.record(event)
        let now = clock.now
        counters.withLock { counters in
            switch event {
            case .requestSent:
                counters.progress.requestsSent += 1
                counters.progress.requestsInFlight += 1
            case .responseReceived, .requestFailed:
                counters.progress.requestsInFlight = max(0, counters.progress.requestsInFlight - 1)
            case .retrying:
                counters.progress.retries += 1
            case .rateLimited(_, let wait):
                counters.progress.rateLimitWaits += 1
                let until = now.advanced(by: wait)
                if counters.waitUntil.map({ $0 < until }) ?? true { counters.waitUntil = until }
            case .rateLimitRemaining:
                break
            case .duplicateCertificates(_, let count):
                counters.progress.duplicateCertificates += count
            }
        }
    }

    /// The counters now, with the scan's own counts filled in by `update`.
    func snapshot(_ update: (inout ScanProgress) -> Void = { _ in }) -> ScanProgress {
        let now = clock.now
        let allowed = pacer.allowed
        return counters.withLock { counters in
            update(&counters.progress)
            var progress = counters.progress
            progress.isWaitingForRateLimit = counters.waitUntil.map { $0 > now } ?? false
            progress.allowedConcurrency = allowed
            return progress
        }
    }
}

import Foundation
import Synchronization

/// Counts what the client does on behalf of one scan, from `ClientEvent`s that child
/// tasks report concurrently, and decides how many requests the scan may have in flight.
///
/// Pacing: Atlas sends `Ratelimit-Remaining` with its responses. When the bucket runs low
/// the scan lowers its concurrency to what is left (halved, at least 1), so it slows down
/// before it hits a 429 rather than after; as the bucket refills, concurrency comes back.
/// A 429 itself pauses the whole client (`RateLimitGate`) for its Retry-After.
final class ScanMonitor: Sendable {
    private struct Counters {
        var progress = ScanProgress()
        var waitUntil: ContinuousClock.Instant?
        var remaining: Int?
    }

    private let counters: Mutex<Counters>
    private let maxConcurrency: Int
    private let clock = ContinuousClock()

    init(maxConcurrency: Int) {
        self.maxConcurrency = max(1, maxConcurrency)
        var initial = Counters()
        initial.progress.allowedConcurrency = self.maxConcurrency
        counters = Mutex(initial)
    }

    /// Records one event of a request made by the scan.
    func record(_ event: ClientEvent) {
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
            case .rateLimitRemaining(let remaining):
                counters.remaining = remaining
            case .duplicateCertificates(_, let count):
                counters.progress.duplicateCertificates += count
            }
        }
    }

    /// Requests the scan may have in flight now.
    var allowedConcurrency: Int {
        counters.withLock { FleetScanner.pacedConcurrency(remaining: $0.remaining, maximum: maxConcurrency) }
    }

    /// The counters now, with the scan's own counts filled in by `update`.
    func snapshot(_ update: (inout ScanProgress) -> Void = { _ in }) -> ScanProgress {
        let now = clock.now
        return counters.withLock { counters in
            update(&counters.progress)
            var progress = counters.progress
            progress.isWaitingForRateLimit = counters.waitUntil.map { $0 > now } ?? false
            progress.allowedConcurrency = FleetScanner.pacedConcurrency(remaining: counters.remaining, maximum: maxConcurrency)
            return progress
        }
    }
}

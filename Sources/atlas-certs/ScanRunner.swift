import AtlasAPI
import Foundation
import Synchronization

/// Runs a fleet scan for a command line: progress on stderr (only when stderr is a
/// terminal, as one line redrawn in place at most ten times a second), each user's rows
/// handed to `onRows` as they arrive (for streaming output), and the result.
enum ScanRunner {
    static func run(_ scanner: FleetScanner, onRows: (@Sendable ([CertificateRow]) -> Void)? = nil) async throws -> FleetScanResult {
        let progress = Console.stderrIsTerminal ? ProgressLine() : nil
        defer { progress?.clear() }
        let result = try await scanner.run { event in
            switch event {
            case .certificatesListed(_, _, let rows):
                if let onRows, !rows.isEmpty {
                    progress?.clear()
                    onRows(rows)
                }
            case .progress(let state):
                progress?.show(state)
            default:
                break
            }
        }
        progress?.clear()
        let duplicates = result.progress.duplicateCertificates
        if duplicates > 0 {
            Console.err("atlas-certs: Atlas listed \(duplicates) certificate \(duplicates == 1 ? "ID" : "IDs") more than once; each is counted once, with the soonest expiry listed for it.")
        }
        return result
    }

    /// Remembers the scan's certificates in the profile's history (metadata only, 0600,
    /// bounded) and returns it: what tells a user that lost access (its certificates all
    /// expired, so Atlas lists none) from one never issued a certificate. A history that
    /// cannot be saved is said on stderr; the command goes on with what it read.
    static func remember(_ result: FleetScanResult, session: Session, now: Date) -> CertificateHistory {
        let file = CertificateHistoryFile(identity: session.cacheIdentity, environment: ProcessInfo.processInfo.environment)
        let history = file.load().recording(result.rows, now: now).pruned(now: now)
        do {
            try file.save(history)
        } catch {
            Console.err("atlas-certs: \(error.message)")
        }
        return history
    }

    /// What could not be read, on stderr, so a partial result never looks complete: one
    /// line per failure when there are few (or with `--verbose`), else one per cause, then
    /// a count of the projects and users that could not be read.
    static func reportFailures(_ result: FleetScanResult, verbose: Bool = false) {
        let summary = ScanFailureSummary(result.failures)
        guard !summary.isEmpty else { return }
        for line in summary.lines(everyFailure: verbose) {
            Console.err("atlas-certs: could not scan \(line)")
        }
        let headline = summary.headline(projectsScanned: result.projects.count, usersScanned: result.progress.usersTotal)
        var closing = "atlas-certs: the scan is incomplete: \(headline); the output above lacks their certificates."
        if !verbose && summary.lines().count < result.failures.count { closing += " --verbose lists every one." }
        Console.err(closing)
    }
}

/// "scanning: 12/20 projects, 900/3,000 users, 2,611 certificates, 8 in flight" on stderr.
private final class ProgressLine: Sendable {
    private let lastDrawn = Mutex<ContinuousClock.Instant?>(nil)
    private let visible = Mutex(false)

    func show(_ progress: ScanProgress) {
        let now = ContinuousClock.now
        let due = lastDrawn.withLock { last in
            if let last, now - last < .milliseconds(100), !progress.isWaitingForRateLimit { return false }
            last = now
            return true
        }
        guard due else { return }
        var text = "scanning: \(progress.projectsDone)/\(progress.projectsTotal.map(String.init) ?? "?") projects"
        text += ", \(progress.usersDone)/\(progress.usersTotal) users, \(progress.certificates) certificates"
        text += ", \(progress.requestsInFlight) in flight"
        if progress.retries > 0 { text += ", \(progress.retries) retried" }
        if progress.isWaitingForRateLimit { text += ", waiting for Atlas's rate limit" }
        visible.withLock { $0 = true }
        Console.errRaw("\r\u{1B}[K" + text)
    }

    func clear() {
        let wasVisible = visible.withLock { visible in
            defer { visible = false }
            return visible
        }
        if wasVisible { Console.errRaw("\r\u{1B}[K") }
    }
}

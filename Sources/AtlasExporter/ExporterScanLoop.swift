import AtlasAPI
import Foundation
import Logging
import NIOCore
import Synchronization

/// The exposition a scrape is answered with: rendered once per scan, read by every
/// scrape without touching Atlas or the scan loop (a lock around a reference-counted
/// buffer; a scrape of 100,000 certificates copies nothing).
public final class MetricsPublication: Sendable {
    private let state = Mutex<ByteBuffer>(ByteBuffer())

    public init() {}

    /// The exposition now (empty before the first publication).
    public var current: ByteBuffer { state.withLock { $0 } }

    public func publish(_ text: String) {
        let buffer = ByteBuffer(string: text)
        state.withLock { $0 = buffer }
    }
}

/// Where the scan loop keeps its certificate history between runs (a file per profile in
/// production, memory in tests). Errors are the store's to word: one line, no secret.
public protocol CertificateHistoryStoring: Sendable {
    func load() -> CertificateHistory
    func save(_ history: CertificateHistory) throws
}

/// Scans at start and every interval, one scan at a time, and publishes the snapshot.
///
/// A failed scan (thrown) or a partial one (some projects or users unreadable) keeps the
/// last complete scan's data and publishes `atlas_certs_scan_complete 0`; its errors are
/// counted by reason. Before any complete scan, a partial scan's data is shown (without
/// the users it could not read) rather than nothing.
public actor ExporterScanLoop {
    public typealias Scan = @Sendable () async throws -> FleetScanResult

    private let scan: Scan
    private let interval: Duration
    private let version: String
    private let now: @Sendable () -> Date
    private let historyStore: (any CertificateHistoryStoring)?
    private let logger: Logger
    public nonisolated let publication: MetricsPublication

    private var history: CertificateHistory
    private var data = FleetMetricsData.empty
    private var haveCompleteData = false
    private var lastSuccess: Date?
    private var lastDuration: Double = 0
    private var lastComplete = false
    private var errorsByReason: [String: Int] = [:]
    private var rateLimitWaits = 0
    private var scanning = false
    /// Scans finished (any outcome); for tests and the log.
    public private(set) var scansFinished = 0

    public init(scan: @escaping Scan, interval: Duration, version: String, historyStore: (any CertificateHistoryStoring)? = nil,
                logger: Logger = Logger(label: "atlas-certs.exporter"), publication: MetricsPublication = MetricsPublication(),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.scan = scan
        self.interval = interval
        self.version = version
        self.historyStore = historyStore
        self.logger = logger
        self.publication = publication
        self.now = now
        self.history = historyStore?.load() ?? CertificateHistory()
        publication.publish(MetricsRendering.render(Self.snapshot(
            data: .empty, lastSuccess: nil, lastDuration: 0, lastComplete: false, errors: [:], waits: 0, version: version)))
    }

    /// Scans now and then every `interval` until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            await scanOnce()
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
        }
    }

    /// One scan, published when it ends. Returns false without scanning when a scan is
    /// already running (never two at once).
    @discardableResult
    public func scanOnce() async -> Bool {
        guard !scanning else { return false }
        scanning = true
        defer { scanning = false }
        let started = ContinuousClock.now
        let outcome: Result<FleetScanResult, any Error>
        do {
            outcome = .success(try await scan())
        } catch {
            outcome = .failure(error)
        }
        let elapsed = ContinuousClock.now - started
        lastDuration = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let finishedAt = now()
        switch outcome {
        case .failure(let error):
            // A stop (SIGTERM) cancels the scan: not an Atlas error, nothing to publish.
            if Task.isCancelled { return true }
            let reason = ScanErrorReason.label(for: error)
            errorsByReason[reason, default: 0] += 1
            lastComplete = false
            let message = TerminalSafe.neutralize((error as? AtlasError)?.message ?? String(describing: error), maxCharacters: 300)
            logger.error("scan failed; serving the last complete scan", metadata: [
                "duration_s": "\(Self.seconds(lastDuration))", "reason": "\(reason)", "error": "\(message)",
            ])
        case .success(let result):
            rateLimitWaits += result.progress.rateLimitWaits
            history = history.recording(result.rows, now: finishedAt).pruned(now: finishedAt)
            var historyProblem: String?
            if let historyStore {
                do {
                    try historyStore.save(history)
                } catch {
                    historyProblem = TerminalSafe.sanitize(String(describing: error), maxCharacters: 300)
                }
            }
            let built = FleetMetricsData.build(from: result, history: history, now: finishedAt)
            var reasons: [String: Int] = [:]
            for failure in result.failures { reasons[ScanErrorReason.label(for: failure.error.kind), default: 0] += 1 }
            for (reason, count) in reasons { errorsByReason[reason, default: 0] += count }
            if result.isComplete {
                data = built
                haveCompleteData = true
                lastSuccess = finishedAt
                lastComplete = true
            } else {
                if !haveCompleteData { data = built }
                lastComplete = false
            }
            var metadata: Logger.Metadata = [
                "duration_s": "\(Self.seconds(lastDuration))", "projects": "\(result.projects.count)",
                "users": "\(built.managedUsers.count)", "certificates": "\(built.rows.count)",
                "lost_access": "\(built.lostAccess.count)", "requests": "\(result.progress.requestsSent)",
                "retries": "\(result.progress.retries)", "rate_limit_waits": "\(result.progress.rateLimitWaits)",
                "errors": "\(result.failures.count)",
            ]
            if !reasons.isEmpty {
                metadata["error_reasons"] = "\(reasons.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))"
            }
            if let historyProblem { metadata["history"] = "\(historyProblem)" }
            if result.isComplete {
                logger.info("scan complete", metadata: metadata)
            } else {
                logger.warning("scan partial; \(haveCompleteData ? "serving the last complete scan" : "serving what was read")", metadata: metadata)
            }
        }
        scansFinished += 1
        publication.publish(MetricsRendering.render(currentSnapshot))
        return true
    }

    /// What a scrape shows now.
    public var currentSnapshot: ExporterSnapshot {
        Self.snapshot(data: data, lastSuccess: lastSuccess, lastDuration: lastDuration, lastComplete: lastComplete,
                      errors: errorsByReason, waits: rateLimitWaits, version: version)
    }

    private static func snapshot(data: FleetMetricsData, lastSuccess: Date?, lastDuration: Double, lastComplete: Bool,
                                 errors: [String: Int], waits: Int, version: String) -> ExporterSnapshot {
        ExporterSnapshot(rows: data.rows, managedUsers: data.managedUsers, lastSuccess: lastSuccess, lastDuration: lastDuration,
                         lastComplete: lastComplete, errorsByReason: errors, rateLimitWaits: waits, version: version,
                         lostAccess: data.lostAccess)
    }

    private static func seconds(_ value: Double) -> String {
        String(format: "%.3f", value)
    }
}

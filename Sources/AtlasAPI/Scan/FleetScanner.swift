import Foundation
import Synchronization

/// Answers "which certificate expires next, anywhere?": walks the projects the
/// credentials can see, their database users, and the certificates of every user whose
/// `x509Type` is `MANAGED` (no other user is ever asked for certificates).
///
/// - Bounded and adaptive: every job passes one `FleetPacer`, whose window starts at
///   `concurrency` (64), halves on a 429 or a retried failure, widens again as responses
///   come back clean, and never exceeds what Atlas's `Ratelimit-Remaining` allows; a 429
///   also pauses the whole client for its Retry-After, not only the request that got it.
/// - Streaming: a user's certificates are asked for as soon as the users page that names
///   it arrives, not after a phase.
/// - Progressive: results and progress are reported as they arrive (`ScanEvent`).
/// - Tolerant: a project or user that cannot be read (403, 404, a 401 naming the project
///   as another organization's, a 5xx or timeout that outlasts the retries, a body that
///   does not decode) is recorded as a `ScanFailure` and the scan goes on. Failures that
///   would repeat for every call (rejected credentials, no route to Atlas, TLS) end the
///   scan at once with that error instead of trying every project.
/// - Cancellable: cancelling the task that runs it cancels every request in flight.
public struct FleetScanner: Sendable {
    /// The most requests in flight at once. With 100 ms to Atlas a scan is bound by round
    /// trips, so the window starts here and backs off on trouble (docs/benchmarks.md);
    /// Atlas's per-minute limits, through `Ratelimit-Remaining`, cap it further.
    public static let defaultConcurrency = ConcurrencyWindow.defaultMaximum

    public let client: AtlasClient
    public var scope: ScanScope
    public var concurrency: Int
    /// The gate the scan's jobs pass (its window starts at `concurrency`).
    private let pacer: FleetPacer

    public init(client: AtlasClient, scope: ScanScope = .everything, concurrency: Int = FleetScanner.defaultConcurrency,
                pacer: FleetPacer? = nil) {
        self.client = client
        self.scope = scope
        self.concurrency = max(1, concurrency)
        self.pacer = pacer ?? FleetPacer(maximum: max(1, concurrency))
    }

    /// Runs the scan; `onEvent` is called for each event, one call at a time (never
    /// concurrently), in order. Throws the `AtlasError` that stopped the scan, or
    /// `CancellationError`.
    public func run(onEvent: @escaping @Sendable (ScanEvent) -> Void = { _ in }) async throws -> FleetScanResult {
        let monitor = ScanMonitor(pacer: pacer)
        let sink = EventSink(onEvent)
        // An observer already set for this task (a test's, a caller's) still sees every event.
        let outer = AtlasClient.taskObserver
        let observer = ClientEventObserver { event in
            outer?.observe(event)
            monitor.record(event)
            // Say at once that the scan waits, even though no work finishes meanwhile.
            if case .rateLimited = event { sink.send(.progress(monitor.snapshot())) }
        }
        return try await AtlasClient.$taskObserver.withValue(observer) {
            try await scan(monitor, sink)
        }
    }

    /// The scan as a stream that ends with `.finished` or `.aborted`. Stopping the
    /// iteration (or cancelling the task that iterates) cancels the scan.
    public func events() -> AsyncStream<ScanEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: ScanEvent.self)
        let scanner = self
        let task = Task {
            do {
                let result = try await scanner.run { continuation.yield($0) }
                continuation.yield(.finished(result))
            } catch is CancellationError {
            } catch {
                continuation.yield(.aborted(Self.atlasError(error)))
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    // MARK: The walk

    /// Drives a `FleetModel`: every job it asks for becomes a task that waits for the
    /// pacer, and each outcome goes back to the model. Every rule of the walk is the model's.
    private func scan(_ monitor: ScanMonitor, _ sink: EventSink) async throws -> FleetScanResult {
        let runner = FleetJobRunner(client: client, scope: scope)
        let pacer = pacer
        var model = FleetModel()
        model.begin(.projects, Date())
        // Without its projects the walk cannot start: their failure ends it, whatever it is.
        let listed = await runner.run(.projects)
        try Task.checkCancellation()
        guard case .projects(let projects, let organizations) = listed else {
            if case .failed(_, let error) = listed { throw error }
            throw CancellationError()
        }
        var first: [FleetJob] = []
        if case .run(let jobs) = model.apply(listed, Date()) { first = jobs }
        sink.send(.projectsListed(projects, organizations: organizations))
        sink.send(.progress(progress(monitor, model)))

        try await withThrowingTaskGroup(of: FleetOutcome.self) { group in
            func start(_ jobs: [FleetJob]) {
                for job in jobs {
                    model.begin(job, Date())
                    group.addTask { try await pacer.run { await runner.run(job) } }
                }
            }
            start(first)
            while let outcome = try await group.next() {
                try Task.checkCancellation()
                let step = model.apply(outcome, Date())
                report(outcome, model, sink)
                switch step {
                case .abort(let error):
                    throw error
                case .run(let jobs):
                    start(jobs)
                }
                sink.send(.progress(progress(monitor, model)))
            }
        }
        return FleetScanResult(fleet: model, progress: progress(monitor, model))
    }

    /// The scan's events for one outcome, for front ends that show results as they come.
    private func report(_ outcome: FleetOutcome, _ model: FleetModel, _ sink: EventSink) {
        switch outcome {
        case .users(let projectID, let users):
            guard let project = model.project(projectID) else { return }
            sink.send(.usersListed(project: project, users: users))
        case .certificates(let key, let certificates):
            guard let project = model.project(key.projectID), let user = model.user(key) else { return }
            let rows = certificates.map {
                CertificateRow(certificate: $0, projectID: project.id, projectName: project.name,
                               username: user.username, databaseName: user.databaseName)
            }
            sink.send(.certificatesListed(project: project, user: user, rows: rows))
        case .failed(let job, let error):
            switch job {
            case .projects: break
            case .users(let projectID):
                let name = model.project(projectID)?.name ?? projectID
                sink.send(.failed(ScanFailure(projectID: projectID, projectName: name, error: error)))
            case .certificates(let key):
                let name = model.project(key.projectID)?.name ?? key.projectID
                sink.send(.failed(ScanFailure(projectID: key.projectID, projectName: name, username: key.username, error: error)))
            }
        case .projects, .cancelled:
            break
        }
    }

    private func progress(_ monitor: ScanMonitor, _ model: FleetModel) -> ScanProgress {
        monitor.snapshot {
            $0.projectsTotal = model.tally.projectsTotal
            $0.projectsDone = model.tally.projectsDone
            $0.usersTotal = model.tally.usersTotal
            $0.usersDone = model.tally.usersDone
            $0.certificates = model.tally.certificates
        }
    }

    static func atlasError(_ error: any Error) -> AtlasError { FleetJobRunner.atlasError(error) }
}

/// Calls the scan's observer one event at a time, whichever task reports.
private final class EventSink: Sendable {
    private let lock = Mutex(())
    private let body: @Sendable (ScanEvent) -> Void

    init(_ body: @escaping @Sendable (ScanEvent) -> Void) {
        self.body = body
    }

    func send(_ event: ScanEvent) {
        lock.withLock { _ in body(event) }
    }
}

import Foundation
import Synchronization

/// Answers "which certificate expires next, anywhere?": walks the projects the
/// credentials can see, their database users, and the certificates of every user whose
/// `x509Type` is `MANAGED` (no other user is ever asked for certificates).
///
/// - Bounded: at most `concurrency` requests' worth of work at once, fewer when Atlas
///   reports its rate-limit bucket running low (`ScanMonitor`); a 429 pauses the whole
///   client for its Retry-After, not only the request that got it.
/// - Progressive: results and progress are reported as they arrive (`ScanEvent`).
/// - Tolerant: a project or user that cannot be read (403, 404, a 401 naming the project
///   as another organization's, a 5xx or timeout that outlasts the retries, a body that
///   does not decode) is recorded as a `ScanFailure` and the scan goes on. Failures that
///   would repeat for every call (rejected credentials, no route to Atlas, TLS) end the
///   scan at once with that error instead of trying every project.
/// - Cancellable: cancelling the task that runs it cancels every request in flight.
public struct FleetScanner: Sendable {
    /// Requests in flight at once. 16 keeps a scan of a large organization near its
    /// latency-bound time (docs/benchmarks.md) while Atlas's per-minute limits, not this
    /// number, decide how hard Atlas is asked; a 429 pauses everything anyway.
    public static let defaultConcurrency = 16

    public let client: AtlasClient
    public var scope: ScanScope
    public var concurrency: Int

    public init(client: AtlasClient, scope: ScanScope = .everything, concurrency: Int = FleetScanner.defaultConcurrency) {
        self.client = client
        self.scope = scope
        self.concurrency = max(1, concurrency)
    }

    /// Runs the scan; `onEvent` is called for each event, one call at a time (never
    /// concurrently), in order. Throws the `AtlasError` that stopped the scan, or
    /// `CancellationError`.
    public func run(onEvent: @escaping @Sendable (ScanEvent) -> Void = { _ in }) async throws -> FleetScanResult {
        let monitor = ScanMonitor(maxConcurrency: concurrency)
        let sink = EventSink(onEvent)
        let observer = ClientEventObserver { event in
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

    /// Requests allowed at once when Atlas says `remaining` requests are left in its
    /// bucket: the full `maximum` while at least twice that remain, then half of what
    /// remains, never less than one (a 429 then pauses the client as a whole).
    public static func pacedConcurrency(remaining: Int?, maximum: Int) -> Int {
        guard let remaining, remaining < maximum * 2 else { return maximum }
        return min(maximum, max(1, remaining / 2))
    }

    // MARK: The walk

    private enum Job: Sendable {
        case users(Project)
        case certificates(Project, DatabaseUser)
    }

    private enum Outcome: Sendable {
        case users(Project, Result<[DatabaseUser], AtlasError>)
        case certificates(Project, DatabaseUser, Result<[Certificate], AtlasError>)
    }

    private func scan(_ monitor: ScanMonitor, _ sink: EventSink) async throws -> FleetScanResult {
        let projects = try await projectsInScope()
        // Organizations only name the projects' owners; a key scoped to projects may not
        // list them, which must not stop the scan.
        let organizations = (try? await client.organizations()) ?? []
        try Task.checkCancellation()
        sink.send(.projectsListed(projects, organizations: organizations))
        sink.send(.progress(monitor.snapshot { $0.projectsTotal = projects.count }))

        var rows: [CertificateRow] = []
        var failures: [ScanFailure] = []
        var usersByProject: [String: [DatabaseUser]] = [:]
        // Project listings first: they are few, and they tell how much work is left.
        var projectJobs = projects[...]
        var certificateJobs: [Job] = []
        var nextCertificateJob = 0
        var queued = Set<String>()

        try await withThrowingTaskGroup(of: Outcome.self) { group in
            var running = 0
            func startJobs() {
                while running < monitor.allowedConcurrency {
                    let job: Job
                    if let project = projectJobs.popFirst() {
                        job = .users(project)
                    } else if nextCertificateJob < certificateJobs.count {
                        job = certificateJobs[nextCertificateJob]
                        nextCertificateJob += 1
                    } else {
                        return
                    }
                    running += 1
                    group.addTask { await perform(job) }
                }
            }
            startJobs()
            while let outcome = try await group.next() {
                running -= 1
                try Task.checkCancellation()
                switch outcome {
                case .users(let project, .success(let users)):
                    var managed = 0
                    usersByProject[project.id] = users
                    for user in users where user.hasManagedCertificates {
                        // One request per user, even if a listing repeats a user.
                        guard queued.insert(project.id + "\u{0}" + user.username).inserted else { continue }
                        certificateJobs.append(.certificates(project, user))
                        managed += 1
                    }
                    sink.send(.usersListed(project: project, users: users))
                    sink.send(.progress(monitor.snapshot {
                        $0.projectsDone += 1
                        $0.usersTotal += managed
                    }))
                case .users(let project, .failure(let error)):
                    if Self.endsScan(error) { throw error }
                    let failure = ScanFailure(projectID: project.id, projectName: project.name, error: error)
                    failures.append(failure)
                    sink.send(.failed(failure))
                    sink.send(.progress(monitor.snapshot { $0.projectsDone += 1 }))
                case .certificates(let project, let user, .success(let certificates)):
                    let found = certificates.map {
                        CertificateRow(certificate: $0, projectID: project.id, projectName: project.name,
                                       username: user.username, databaseName: user.databaseName)
                    }
                    rows += found
                    sink.send(.certificatesListed(project: project, user: user, rows: found))
                    sink.send(.progress(monitor.snapshot {
                        $0.usersDone += 1
                        $0.certificates += found.count
                    }))
                case .certificates(let project, let user, .failure(let error)):
                    if Self.endsScan(error) { throw error }
                    let failure = ScanFailure(projectID: project.id, projectName: project.name, username: user.username, error: error)
                    failures.append(failure)
                    sink.send(.failed(failure))
                    sink.send(.progress(monitor.snapshot { $0.usersDone += 1 }))
                }
                startJobs()
            }
        }
        return FleetScanResult(rows: rows.sorted(by: CertificateRow.byExpiry), projects: projects,
                               organizations: organizations, usersByProject: usersByProject,
                               failures: failures, progress: monitor.snapshot())
    }

    private func perform(_ job: Job) async -> Outcome {
        switch job {
        case .users(let project):
            return .users(project, await Self.capture { try await client.databaseUsers(projectID: project.id) })
        case .certificates(let project, let user):
            return .certificates(project, user, await Self.capture {
                try await client.certificates(projectID: project.id, username: user.username)
            })
        }
    }

    private static func capture<T: Sendable>(_ body: () async throws -> T) async -> Result<T, AtlasError> {
        do {
            return .success(try await body())
        } catch {
            return .failure(atlasError(error))
        }
    }

    static func atlasError(_ error: any Error) -> AtlasError {
        if let atlas = error as? AtlasError { return atlas }
        if error is CancellationError { return AtlasError(kind: .cancelled, message: "The scan was cancelled.") }
        return AtlasError(kind: .httpStatus, message: "Unexpected failure: \(String(describing: error))")
    }

    /// Failures that every other call would meet too: going on would only repeat them.
    static func endsScan(_ error: AtlasError) -> Bool {
        switch error.kind {
        case .unauthorized, .credentials, .cancelled: true
        case .transport(let failure): !failure.isTransient
        default: false
        }
    }

    // MARK: Scope

    /// The projects the scope names, in the order Atlas lists them.
    func projectsInScope() async throws -> [Project] {
        let visible: [Project]
        if let organizationID = scope.organizationID {
            visible = try await client.projects(organizationID: organizationID)
        } else {
            visible = try await client.projects()
        }
        guard !scope.projects.isEmpty else { return visible }
        var chosen: [Project] = []
        for wanted in scope.projects {
            let project = try AtlasClient.project(wanted, in: visible)
            if !chosen.contains(where: { $0.id == project.id }) { chosen.append(project) }
        }
        return chosen
    }
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

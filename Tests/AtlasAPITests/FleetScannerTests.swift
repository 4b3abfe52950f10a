import AtlasAPI
import AtlasSimulator
import Foundation
import Synchronization
import Testing

/// The fleet scan against the simulator: a real HTTP server with real Digest, faults,
/// rate limits and per-project failures.
@Suite("Fleet scan")
struct FleetScannerTests {
    static let now = SimulatorIntegrationTests.now
    /// Enough attempts that a request is never faulted every time: with faults every
    /// 89th/97th call, the chance one request meets 6 in a row is far below 1e-9.
    static let patientRetry = RetryPolicy(maxAttempts: 6, baseDelay: .milliseconds(2), maxDelay: .milliseconds(20))

    static func managedUsers(_ data: SimulatorData, projectIDs: Set<String>? = nil) -> [DatabaseUser] {
        data.users.filter { $0.hasManagedCertificates && (projectIDs?.contains($0.groupId) ?? true) }
    }

    /// Every unexpired certificate of every MANAGED user: what a complete scan must find.
    static func expectedIDs(_ data: SimulatorData, projectIDs: Set<String>? = nil, now: Date = now) -> [UInt64] {
        // Indexed once: looking each of 3,000 users up in the list would be quadratic.
        let byUser = Dictionary(data.certificates.map { ($0.groupId + "\u{0}" + $0.username, $0.certificates) },
                                uniquingKeysWith: { first, _ in first })
        return managedUsers(data, projectIDs: projectIDs).flatMap { user in
            (byUser[user.groupId + "\u{0}" + user.username] ?? []).filter { $0.notAfter > now }.map(\.id.value)
        }.sorted()
    }

    /// The certificate requests that Atlas answered 200, as "project/user" strings.
    static func answeredCertificateRequests(_ simulator: AtlasSimulator) -> [String] {
        simulator.requestLog.filter { $0.route == .certsList && $0.status == 200 && $0.fault == nil }
            .map { $0.segments[4] + "/" + $0.segments[6] }
    }

    @Test("20 projects × 200 users with 5xx, truncated bodies and a rate limit: complete, exact, one request per managed user")
    func largeFleetWithFaults() async throws {
        let now = Date()
        let data = SimulatorData.generate(seed: 2026, now: now, organizations: 1, projectsPerOrganization: 20,
                                          usersPerProject: 200, certificatesPerManagedUser: 3, managedFraction: 0.75)
        let managed = Self.managedUsers(data)
        #expect(managed.count > 2_500 && managed.count < 3_500, "about three quarters of 4,000 users")
        let faults = FaultConfiguration(rateLimit: .init(capacity: 2_000, refillPerSecond: 5_000), failEvery: 97, truncateEvery: 89)
        try await SimulatorIntegrationTests.withSimulator(data: data, faults: faults, clock: { Date() }, retry: Self.patientRetry) { client, simulator in
            let result = try await FleetScanner(client: client).run()
            #expect(result.isComplete, "failures: \(result.failures.map(\.summary))")
            #expect(result.rows.map(\.certificate.id.value).sorted() == Self.expectedIDs(data, now: now))
            #expect(result.rows == result.rows.sorted(by: CertificateRow.byExpiry))
            #expect(result.projects.count == 20)

            // Exactly one answered certificate request per MANAGED user, none for others.
            let answered = Self.answeredCertificateRequests(simulator)
            #expect(answered.count == managed.count)
            #expect(Set(answered) == Set(managed.map { $0.groupId + "/" + $0.username }))
            let managedNames = Set(managed.map { $0.groupId + "/" + $0.username })
            let strays = simulator.requestLog.filter { $0.route == .certsList && !managedNames.contains($0.segments[4] + "/" + $0.segments[6]) }
            #expect(strays.isEmpty, "no certificate request for a user whose x509Type is not MANAGED")
            // One user listing per project, apart from the faulted attempts.
            #expect(simulator.requestLog.filter { $0.route == .users && $0.status == 200 && $0.fault == nil }.count == 20)
            // The faults really happened and were retried.
            let faulted = simulator.requestLog.filter { $0.fault != nil }.count
            #expect(faulted > 30)
            #expect(result.progress.retries >= faulted - result.progress.rateLimitWaits)
            #expect(result.progress.usersDone == managed.count && result.progress.usersTotal == managed.count)
            #expect(result.progress.projectsDone == 20 && result.progress.fractionDone == 1)
            #expect(result.progress.requestsInFlight == 0)
        }
    }

    @Test("A 401, 403 or persistent 500 on one project is reported for that project; the others are scanned")
    func partialFailure() async throws {
        let data = SimulatorData.generate(seed: 7, now: Self.now, organizations: 2, projectsPerOrganization: 3,
                                          usersPerProject: 8, managedFraction: 0.6)
        let broken = Array(data.projects.prefix(3))
        let faults = FaultConfiguration(projectFaults: [
            broken[0].id: .cannotAccess, broken[1].id: .forbidden, broken[2].id: .serverError,
        ])
        try await SimulatorIntegrationTests.withSimulator(data: data, faults: faults) { client, _ in
            let result = try await FleetScanner(client: client).run()
            #expect(!result.isComplete)
            #expect(Set(result.failures.map(\.projectID)) == Set(broken.map(\.id)))
            #expect(result.failures.allSatisfy { $0.username == nil }, "the users could not be listed")
            let kinds = Dictionary(uniqueKeysWithValues: result.failures.map { ($0.projectID, $0.error.kind) })
            #expect(kinds[broken[0].id] == .forbidden)
            #expect(kinds[broken[1].id] == .forbidden)
            #expect(kinds[broken[2].id] == .serverError)
            #expect(result.failures[0].summary.contains(broken.first { $0.id == result.failures[0].projectID }!.name))
            let healthy = Set(data.projects.dropFirst(3).map(\.id))
            #expect(result.rows.map(\.certificate.id.value).sorted() == Self.expectedIDs(data, projectIDs: healthy))
        }
    }

    @Test("A 429 pauses the whole scan for Retry-After and the scan still completes")
    func rateLimitPausesScan() async throws {
        let now = Date()
        let data = SimulatorData.generate(seed: 11, now: now, organizations: 1, projectsPerOrganization: 2,
                                          usersPerProject: 12, managedFraction: 0.7)
        // The bucket refills only when the test moves the simulator's clock, which it does
        // when the scan reports that it waits: the 429 is certain, whatever the machine's speed.
        let clock = Mutex(now)
        let faults = FaultConfiguration(rateLimit: .init(capacity: 8, refillPerSecond: 1))
        try await SimulatorIntegrationTests.withSimulator(data: data, faults: faults, clock: { clock.withLock { $0 } }) { client, simulator in
            let sawWaiting = Mutex(false)
            let result = try await FleetScanner(client: client, concurrency: 4).run { event in
                if case .progress(let progress) = event, progress.isWaitingForRateLimit {
                    sawWaiting.withLock { $0 = true }
                    clock.withLock { $0 = $0.addingTimeInterval(60) }
                }
            }
            #expect(result.isComplete)
            #expect(result.rows.map(\.certificate.id.value).sorted() == Self.expectedIDs(data, now: now))
            let limited = simulator.requestLog.filter { $0.fault == .rateLimited }.count
            #expect(limited >= 1)
            #expect(result.progress.rateLimitWaits == limited)
            #expect(sawWaiting.withLock { $0 }, "progress said the scan was waiting")
        }
    }

    @Test("At the default 64-wide window, a small token bucket: the scan completes, 429s stay rare, each Retry-After is waited out")
    func bucketAtDefaultWindow() async throws {
        let now = Date()
        let data = SimulatorData.generate(seed: 12, now: now, organizations: 1, projectsPerOrganization: 3,
                                          usersPerProject: 60, certificatesPerManagedUser: 1, managedFraction: 0.8)
        // 60 calls of burst and 60 a second after it: a scan that ignored the bucket's
        // headers would send its first 64 at once and meet a 429 on every few calls.
        let faults = FaultConfiguration(rateLimit: .init(capacity: 60, refillPerSecond: 60))
        // The bucket refills by the real clock here: the scan must pace itself to it.
        try await SimulatorIntegrationTests.withSimulator(data: data, faults: faults, clock: { Date() }) { client, simulator in
            let result = try await FleetScanner(client: client).run()
            #expect(result.isComplete)
            #expect(result.rows.map(\.certificate.id.value).sorted() == Self.expectedIDs(data, now: now))
            let log = simulator.requestLog
            let limited = log.filter { $0.fault == .rateLimited }
            let calls = log.count - limited.count
            #expect(limited.count * 20 <= calls, "\(limited.count) 429s in \(calls) calls: at most 5%")
            // Each 429 said Retry-After 1 s: that path was not asked again sooner.
            for refusal in limited {
                let retry = log.first { $0.path == refusal.path && $0.date > refusal.date }
                if let retry { #expect(retry.date.timeIntervalSince(refusal.date) >= 0.95, "\(refusal.path)") }
            }
        }
    }

    @Test("Pacing: concurrency follows Ratelimit-Remaining down to one request, and back")
    func pacingFromRemaining() {
        #expect(ConcurrencyWindow.capped(8, remaining: nil) == 8)
        #expect(ConcurrencyWindow.capped(8, remaining: 1_200) == 8)
        #expect(ConcurrencyWindow.capped(8, remaining: 16) == 8)
        #expect(ConcurrencyWindow.capped(8, remaining: 15) == 7)
        #expect(ConcurrencyWindow.capped(8, remaining: 6) == 3)
        #expect(ConcurrencyWindow.capped(8, remaining: 1) == 1)
        #expect(ConcurrencyWindow.capped(8, remaining: 0) == 1)
    }

    @Test("Cancelling stops the scan promptly: no new requests after the cancel beyond those in flight")
    func cancellation() async throws {
        let data = SimulatorData.generate(seed: 5, now: Self.now, organizations: 1, projectsPerOrganization: 5,
                                          usersPerProject: 40, managedFraction: 0.8)
        let faults = FaultConfiguration(latency: .milliseconds(20))
        try await SimulatorIntegrationTests.withSimulator(data: data, faults: faults, clock: { Date() }) { client, simulator in
            let (firstResult, signal) = AsyncStream.makeStream(of: Void.self)
            let scan = Task {
                try await FleetScanner(client: client, concurrency: 4).run { event in
                    if case .certificatesListed = event { signal.yield() }
                }
            }
            for await _ in firstResult { break }
            let countAtCancel = simulator.requestLog.count
            scan.cancel()
            let outcome = await scan.result
            let afterCancel = simulator.requestLog.count
            #expect(throws: CancellationError.self) { try outcome.get() }
            let needed = Self.managedUsers(data).count + 5
            #expect(afterCancel - countAtCancel <= 4, "only the requests already in flight: \(afterCancel - countAtCancel)")
            #expect(afterCancel < needed / 2, "the scan stopped early: \(afterCancel) of about \(needed) requests")
        }
    }

    @Test("Rejected credentials end the scan at once with one clear error")
    func wrongKey() async throws {
        let data = SimulatorData.generate(seed: 3, now: Self.now, organizations: 1, projectsPerOrganization: 4, usersPerProject: 4)
        try await SimulatorIntegrationTests.withSimulator(data: data, privateKey: "wrong-key") { client, simulator in
            let error = await #expect(throws: AtlasError.self) { try await FleetScanner(client: client).run() }
            #expect(error?.kind == .unauthorized)
            #expect(simulator.requestLog.count == 2, "one challenge, one rejected call; no project was tried")
        }
    }

    @Test("The stream ends with .aborted when Atlas cannot be reached, after the project list alone")
    func unreachable() async throws {
        let transport = ScriptedTransport { _, _ in throw TransportError(.connectionRefused(host: "cloud.example:443")) }
        let client = makeClient(transport)
        var last: ScanEvent?
        for await event in FleetScanner(client: client).events() { last = event }
        guard case .aborted(let error) = last else {
            Issue.record("expected .aborted, got \(String(describing: last))")
            return
        }
        #expect(error.message.contains("cloud.example:443"))
        #expect(await transport.count == 1, "a refused connection is not retried, and no project is tried")
    }

    @Test("Scope: one organization, projects by name or ID, an unknown name is an error")
    func scope() async throws {
        let data = SimulatorData.generate(seed: 9, now: Self.now, organizations: 2, projectsPerOrganization: 3, usersPerProject: 5)
        let organization = data.organizations[1]
        let inOrganization = data.projects.filter { $0.orgId == organization.id }
        try await SimulatorIntegrationTests.withSimulator(data: data) { client, simulator in
            let byOrganization = try await FleetScanner(client: client, scope: ScanScope(organizationID: organization.id)).run()
            #expect(byOrganization.projects.map(\.id) == inOrganization.map(\.id))
            #expect(byOrganization.rows.map(\.certificate.id.value).sorted() == Self.expectedIDs(data, projectIDs: Set(inOrganization.map(\.id))))

            let chosen = [data.projects[0].name.uppercased(), data.projects[4].id]
            let byProject = try await FleetScanner(client: client, scope: ScanScope(projects: chosen)).run()
            #expect(byProject.projects.map(\.id) == [data.projects[0].id, data.projects[4].id])

            simulator.resetRequestLog()
            let error = await #expect(throws: AtlasError.self) {
                try await FleetScanner(client: client, scope: ScanScope(projects: ["no-such-project"])).run()
            }
            #expect(error?.kind == .notFound)
            #expect(simulator.requestCount(.users) == 0)
        }
    }

    @Test("Events arrive in order: projects, then results and progress, then finished; progress only grows")
    func eventOrder() async throws {
        let data = SimulatorData.generate(seed: 4, now: Self.now, organizations: 1, projectsPerOrganization: 3, usersPerProject: 10)
        try await SimulatorIntegrationTests.withSimulator(data: data) { client, _ in
            var kinds: [String] = []
            var rows = 0
            var lastDone = -1
            var finished: FleetScanResult?
            for await event in FleetScanner(client: client, concurrency: 3).events() {
                switch event {
                case .projectsListed(let projects, _): kinds.append("projects:\(projects.count)")
                case .usersListed: kinds.append("users")
                case .certificatesListed(_, _, let found): rows += found.count
                case .progress(let progress):
                    #expect(progress.projectsDone + progress.usersDone >= lastDone)
                    lastDone = progress.projectsDone + progress.usersDone
                case .failed(let failure): Issue.record("unexpected failure \(failure.summary)")
                case .finished(let result): finished = result
                case .aborted(let error): Issue.record("aborted: \(error.message)")
                }
            }
            #expect(kinds.first == "projects:3")
            #expect(kinds.filter { $0 == "users" }.count == 3)
            let result = try #require(finished)
            #expect(result.rows.count == rows)
            #expect(result.rows.map(\.certificate.id.value).sorted() == Self.expectedIDs(data))
        }
    }
}

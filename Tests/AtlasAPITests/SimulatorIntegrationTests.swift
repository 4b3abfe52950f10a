import AtlasAPI
import AtlasSimulator
import Foundation
import Synchronization
import Testing

/// The API client against the simulator over 127.0.0.1: real HTTP, real Digest, real faults.
@Suite("Client against the simulator")
struct SimulatorIntegrationTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)  // fixed: 2026-11-18

    /// Starts a simulator, runs `body` with a client for it, shuts everything down.
    static func withSimulator<T>(
        data: SimulatorData, faults: FaultConfiguration = FaultConfiguration(), apiVersion: APIVersion = .v2,
        privateKey: String? = nil, clock: @escaping @Sendable () -> Date = { now }, retry: RetryPolicy = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(5), maxDelay: .milliseconds(50)),
        _ body: (AtlasClient, AtlasSimulator) async throws -> T
    ) async throws -> T {
        let simulator = try await AtlasSimulator.start(
            configuration: SimulatorConfiguration(clock: clock, faults: faults), data: data)
        let transport = try AsyncHTTPClientTransport(baseURL: simulator.baseURL, environment: [:])
        let credentials = simulator.configuration.credentials
        let client = AtlasClient(
            configuration: AtlasClientConfiguration(baseURL: simulator.baseURL, apiVersion: apiVersion, retry: retry),
            transport: transport,
            authorizer: DigestAuthorizer(publicKey: credentials.publicKey, privateKey: Secret(privateKey ?? credentials.privateKey)))
        do {
            let result = try await body(client, simulator)
            await transport.shutdown()
            try await simulator.shutdown()
            return result
        } catch {
            await transport.shutdown()
            try? await simulator.shutdown()
            throw error
        }
    }

    /// What the client should see: every unexpired certificate of every MANAGED user.
    /// A project's certificates through the fleet engine, as `list --project` reads them;
    /// the test fails if any user could not be read.
    static func projectRows(_ client: AtlasClient, _ project: Project, concurrency: Int = FleetScanner.defaultConcurrency) async throws -> [CertificateRow] {
        let result = try await FleetScanner(client: client, scope: ScanScope(projects: [project.id]), concurrency: concurrency).run()
        #expect(result.failures.isEmpty, "\(result.failures.map(\.error.message))")
        return result.rows
    }

    static func expectedIDs(_ data: SimulatorData, projectID: String, now: Date = now) -> [UInt64] {
        let managed = Set(data.users.filter { $0.groupId == projectID && $0.hasManagedCertificates }.map(\.username))
        return data.certificates.filter { $0.groupId == projectID && managed.contains($0.username) }
            .flatMap(\.certificates).filter { $0.notAfter > now }.map(\.id.value).sorted()
    }

    @Test("Digest reuses the nonce: 10 calls cost 11 requests, one challenge")
    func nonceReuse() async throws {
        let data = SimulatorData.generate(seed: 1, now: Self.now, organizations: 1, projectsPerOrganization: 2, usersPerProject: 3)
        try await Self.withSimulator(data: data) { client, simulator in
            for _ in 0..<10 { _ = try await client.organizations() }
            #expect(simulator.requestCount(.challenge) == 1)
            #expect(simulator.requestCount(.orgs) == 10)
            #expect(simulator.requestLog.count == 11)
        }
    }

    @Test("8 concurrent first calls share one challenge: 9 requests")
    func concurrentPriming() async throws {
        let data = SimulatorData.generate(seed: 2, now: Self.now, organizations: 1, projectsPerOrganization: 1, usersPerProject: 2)
        try await Self.withSimulator(data: data) { client, simulator in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 { group.addTask { try await client.projects().count } }
                for try await count in group { #expect(count == 1) }
            }
            #expect(simulator.requestCount(.challenge) == 1)
            #expect(simulator.requestLog.count == 9)
        }
    }

    @Test("a wrong private key fails after exactly two requests with a clear message")
    func wrongKey() async throws {
        let data = SimulatorData.generate(seed: 3, now: Self.now, organizations: 1, projectsPerOrganization: 1, usersPerProject: 1)
        try await Self.withSimulator(data: data, privateKey: "not-the-key") { client, simulator in
            let error = await #expect(throws: AtlasError.self) { _ = try await client.organizations() }
            #expect(error?.kind == .unauthorized)
            #expect(error?.message.contains("not-the-key") == false)
            #expect(simulator.requestLog.count == 2)
        }
    }

    @Test("every project's certificates are complete and exact; non-MANAGED users are never asked", arguments: [APIVersion.v2, .v1])
    func completeProjects(_ version: APIVersion) async throws {
        let data = SimulatorData.generate(seed: 42, now: Self.now, organizations: 2, projectsPerOrganization: 3, usersPerProject: 30,
                                          certificatesPerManagedUser: 3, managedFraction: 0.6)
        try await Self.withSimulator(data: data, apiVersion: version) { client, simulator in
            let projects = try await client.projects()
            #expect(projects.count == data.projects.count)
            var managedUsers = 0
            for project in projects {
                let rows = try await Self.projectRows(client, project)
                #expect(rows.map(\.certificate.id.value).sorted() == Self.expectedIDs(data, projectID: project.id))
                #expect(rows.allSatisfy { $0.certificate.id.value > 1 << 53 })
                managedUsers += data.users.filter { $0.groupId == project.id && $0.hasManagedCertificates }.count
            }
            #expect(simulator.requestCount(.certsList) == managedUsers)
            #expect(simulator.requestCount(.users) == projects.count)
            #expect(simulator.requestCount(.challenge) == 1)
        }
    }

    @Test("a user with 1,234 certificates: three pages of 500")
    func largeUser() async throws {
        var data = SimulatorData.generate(seed: 7, now: Self.now, organizations: 1, projectsPerOrganization: 1, usersPerProject: 1,
                                          certificatesPerManagedUser: 0, managedFraction: 1)
        let user = data.users[0]
        let certificates = (0..<1_234).map { index in
            Certificate(id: CertificateID((1 << 60) + UInt64(index) * 7_919), subject: "CN=\(user.username)",
                        createdAt: Self.now.addingTimeInterval(-86_400), notAfter: Self.now.addingTimeInterval(Double(index + 1) * 3_600),
                        groupId: user.groupId)
        }
        data.certificates = [SimulatorData.UserCertificates(groupId: user.groupId, username: user.username, certificates: certificates)]
        try await Self.withSimulator(data: data) { client, simulator in
            let listed = try await client.certificates(projectID: user.groupId, username: user.username)
            #expect(listed.count == 1_234)
            #expect(Set(listed.map(\.id)) == Set(certificates.map(\.id)))
            #expect(simulator.requestCount(.certsList) == 3)
            #expect(simulator.requestLog.filter { $0.route == .certsList }.allSatisfy { $0.query.contains("itemsPerPage=500") })
        }
    }

    @Test("with latency, 500/503s, truncated bodies and dropped connections the results stay complete")
    func faults() async throws {
        let data = SimulatorData.generate(seed: 9, now: Self.now, organizations: 1, projectsPerOrganization: 2, usersPerProject: 25,
                                          certificatesPerManagedUser: 2, managedFraction: 0.8)
        let faults = FaultConfiguration(latency: .milliseconds(2), failEvery: 7, truncateEvery: 11, dropEvery: 13)
        try await Self.withSimulator(data: data, faults: faults) { client, simulator in
            for project in try await client.projects() {
                // One request at a time, so a retry gets the next call number: among any four
                // consecutive calls at most three are faulted (one multiple each of 7, 11 and 13),
                // so four attempts always suffice and the test is deterministic.
                let rows = try await Self.projectRows(client, project, concurrency: 1)
                #expect(rows.map(\.certificate.id.value).sorted() == Self.expectedIDs(data, projectID: project.id))
            }
            let injected = simulator.requestLog.compactMap(\.fault)
            #expect(injected.contains(.serverError) && injected.contains(.serviceUnavailable))
            #expect(injected.contains(.truncated) && injected.contains(.dropped))
        }
    }

    /// A proxy that truncates sends valid HTTP with half the JSON: before, the listing
    /// failed with a decoding error (with every 13th body cut, `list --all` lost users).
    @Test("bodies cut short inside valid HTTP messages are fetched again and the results stay complete")
    func cutBodies() async throws {
        let data = SimulatorData.generate(seed: 10, now: Self.now, organizations: 1, projectsPerOrganization: 2, usersPerProject: 25,
                                          certificatesPerManagedUser: 2, managedFraction: 0.8)
        let faults = FaultConfiguration(cutBodyEvery: 3)
        try await Self.withSimulator(data: data, faults: faults) { client, simulator in
            for project in try await client.projects() {
                let rows = try await Self.projectRows(client, project, concurrency: 1)
                #expect(rows.map(\.certificate.id.value).sorted() == Self.expectedIDs(data, projectID: project.id))
            }
            let cut = simulator.requestLog.filter { $0.fault == .cut }.count
            #expect(cut >= 10)
        }
    }

    @Test("a rate limit is waited out and the results stay complete")
    func rateLimit() async throws {
        // The bucket refills by the simulator's clock, which stands still until the client
        // reports a 429; then it moves a minute on, so the bucket is full again when the
        // client retries after Retry-After. 5 requests of burst and about 14 needed: the
        // 429 is certain on any machine, however fast or slow.
        let start = Date()
        let data = SimulatorData.generate(seed: 11, now: start, organizations: 1, projectsPerOrganization: 1, usersPerProject: 12,
                                          certificatesPerManagedUser: 1, managedFraction: 1)
        let faults = FaultConfiguration(rateLimit: .init(capacity: 5, refillPerSecond: 1))
        let clock = Mutex(start)
        let observer = ClientEventObserver { event in
            if case .rateLimited = event { clock.withLock { $0 = $0.addingTimeInterval(60) } }
        }
        try await Self.withSimulator(data: data, faults: faults, clock: { clock.withLock { $0 } }) { client, simulator in
            try await AtlasClient.$taskObserver.withValue(observer) {
                let project = try #require(try await client.projects().first)
                let rows = try await Self.projectRows(client, project, concurrency: 8)
                #expect(rows.map(\.certificate.id.value).sorted() == Self.expectedIDs(data, projectID: project.id, now: start))
                #expect(simulator.requestLog.contains { $0.status == 429 })
            }
        }
    }

    @Test("create issues a certificate that is listed afterwards")
    func create() async throws {
        let data = SimulatorData.generate(seed: 5, now: Self.now, organizations: 1, projectsPerOrganization: 1, usersPerProject: 4, managedFraction: 1)
        try await Self.withSimulator(data: data) { client, simulator in
            let user = try #require(data.users.first { $0.hasManagedCertificates })
            let before = try await client.certificates(projectID: user.groupId, username: user.username)
            let issued = try await client.createCertificate(projectID: user.groupId, username: user.username, months: 2)
            #expect(issued.containsPrivateKey)
            let after = try await client.certificates(projectID: user.groupId, username: user.username)
            #expect(after.count == before.count + 1)
            #expect(simulator.requestCount(.certsCreate) == 1)
        }
    }

    @Test("creating for a user that is not MANAGED gives USER_NOT_MANAGED_X509")
    func createNotManaged() async throws {
        let data = SimulatorData.generate(seed: 6, now: Self.now, organizations: 1, projectsPerOrganization: 1, usersPerProject: 6, managedFraction: 0)
        try await Self.withSimulator(data: data) { client, _ in
            let user = try #require(data.users.first)
            let error = await #expect(throws: AtlasError.self) {
                _ = try await client.createCertificate(projectID: user.groupId, username: user.username, months: 3)
            }
            #expect(error?.errorCode == "USER_NOT_MANAGED_X509")
            #expect(error?.status == 400)
        }
    }

    @Test("an unknown project gives the GROUP_NOT_FOUND message")
    func unknownProject() async throws {
        let data = SimulatorData.generate(seed: 8, now: Self.now, organizations: 1, projectsPerOrganization: 1, usersPerProject: 1)
        try await Self.withSimulator(data: data) { client, _ in
            let error = await #expect(throws: AtlasError.self) {
                _ = try await client.databaseUsers(projectID: "111111111111111111111111")
            }
            #expect(error?.errorCode == "GROUP_NOT_FOUND")
            #expect(error?.message.contains("No project 111111111111111111111111 is visible") == true)
        }
    }
}

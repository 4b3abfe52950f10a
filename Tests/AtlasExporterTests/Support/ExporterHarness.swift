import AtlasAPI
import AtlasExporter
import AtlasSimulator
import Foundation
import Logging
import Synchronization

/// A simulator with a known fleet, a client for it, and an exporter (scan loop and HTTP
/// server on 127.0.0.1) in this process.
final class ExporterHarness: Sendable {
    /// Quotes, a backslash, a line feed, ESC and a bidi override: everything that could
    /// break the exposition or a terminal.
    static let hostile = "al\"ice\\x\ny\u{1B}[31m\u{202E}evil"
    /// Above 2^53: a float64 would round it.
    static let bigSerial: UInt64 = 18_446_744_073_709_551_557
    static let rotated = "rotated-user"
    static let lost = "lost-user"

    /// The scan loop's log, discarded (the end-to-end test reads the binary's).
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    let simulator: AtlasSimulator
    let transport: AsyncHTTPClientTransport
    let client: AtlasClient
    let loop: ExporterScanLoop
    let server: MetricsHTTPServer
    let data: SimulatorData
    let now: Date
    let history: InMemoryHistory

    /// Generated data plus, in the first project, a hostile user whose only certificate
    /// expires in 3 days (critical), a user who rotated (old certificate in 2 days, new
    /// one in 300), and a user who lost access (history knew a certificate, none listed).
    static func fleet(now: Date) -> SimulatorData {
        var data = SimulatorData.generate(seed: 77, now: now, organizations: 1, projectsPerOrganization: 2,
                                          usersPerProject: 6, certificatesPerManagedUser: 2, managedFraction: 0.5)
        let project = data.projects[0]
        func user(_ name: String) -> DatabaseUser {
            DatabaseUser(username: name, databaseName: "$external", groupId: project.id,
                         roles: [DatabaseUser.Role(roleName: "read", databaseName: "admin")],
                         x509Type: .managed, awsIAMType: "NONE", ldapAuthType: "NONE", oidcAuthType: "NONE")
        }
        func cert(_ serial: UInt64, _ name: String, days: Double) -> Certificate {
            Certificate(id: CertificateID(serial), subject: "CN=\(name)", createdAt: now.addingTimeInterval(-86_400),
                        notAfter: now.addingTimeInterval(days * 86_400), groupId: project.id)
        }
        data.users += [user(hostile), user(rotated), user(lost)]
        data.certificates += [
            SimulatorData.UserCertificates(groupId: project.id, username: hostile, certificates: [cert(bigSerial, hostile, days: 3)]),
            SimulatorData.UserCertificates(groupId: project.id, username: rotated,
                                           certificates: [cert(9_000_000_000_000_001, rotated, days: 2), cert(9_000_000_000_000_002, rotated, days: 300)]),
        ]
        return data
    }

    /// Every certificate the exporter should report: unexpired, of a MANAGED user.
    var expectedCertificates: [Certificate] {
        data.users.filter(\.hasManagedCertificates).flatMap {
            data.certificates(groupId: $0.groupId, username: $0.username).filter { $0.notAfter > now }
        }
    }

    init(faults: FaultConfiguration = FaultConfiguration()) async throws {
        let now = Date()
        self.now = now
        let data = Self.fleet(now: now)
        self.data = data
        simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(faults: faults), data: data)
        transport = try AsyncHTTPClientTransport(baseURL: simulator.baseURL, environment: [:])
        let credentials = simulator.configuration.credentials
        let client = AtlasClient(
            configuration: AtlasClientConfiguration(baseURL: simulator.baseURL, apiVersion: .v2, requestTimeout: .seconds(3),
                                                    retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(5), maxDelay: .milliseconds(20))),
            transport: transport,
            authorizer: DigestAuthorizer(publicKey: credentials.publicKey, privateKey: Secret(credentials.privateKey)))
        self.client = client
        let history = InMemoryHistory(CertificateHistory(entries: [
            .init(projectID: data.projects[0].id, projectName: data.projects[0].name, username: Self.lost,
                  certificateID: CertificateID(42), notAfter: now.addingTimeInterval(-86_400),
                  firstSeen: now.addingTimeInterval(-90 * 86_400), lastSeen: now.addingTimeInterval(-2 * 86_400)),
        ]))
        self.history = history
        loop = ExporterScanLoop(scan: { try await FleetScanner(client: client, scope: .everything, concurrency: 4).run() },
                                interval: .seconds(3_600), version: "test", historyStore: history, logger: Self.quiet)
        server = try await MetricsHTTPServer.start(host: "127.0.0.1", port: 0, publication: loop.publication)
    }

    func shutdown() async {
        await server.shutdown()
        await transport.shutdown()
        try? await simulator.shutdown()
    }

    /// GET (or another method) of a path on the exporter.
    func request(_ path: String, method: HTTPRequest.Method = .get) async throws -> HTTPResponse {
        try await transport.send(HTTPRequest(method: method, url: "http://127.0.0.1:\(server.port)\(path)", timeout: .seconds(10)))
    }

    func metrics() async throws -> (text: String, exposition: Exposition) {
        let response = try await request("/metrics")
        let text = String(decoding: response.body, as: UTF8.self)
        return (text, try Exposition(text))
    }
}

/// A history store in memory that counts saves.
final class InMemoryHistory: CertificateHistoryStoring {
    private let state: Mutex<(history: CertificateHistory, saves: Int)>

    init(_ history: CertificateHistory = CertificateHistory()) {
        state = Mutex((history, 0))
    }

    func load() -> CertificateHistory { state.withLock { $0.history } }
    func save(_ history: CertificateHistory) throws { state.withLock { $0 = (history, $0.saves + 1) } }
    var saves: Int { state.withLock { $0.saves } }
}

import ArgumentParser
import AtlasSimulator
import Foundation

/// `atlas-sim`: runs the Atlas simulator until interrupted, for the demo, manual testing
/// with the real `atlas` CLI or curl, and benchmarks.
@main
struct AtlasSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "atlas-sim",
        abstract: "A local MongoDB Atlas Administration API simulator on 127.0.0.1.",
        discussion: """
            Serves organizations, projects, database users and X.509 certificates under /api/atlas/v1.0 and /api/atlas/v2 with Atlas's digest authentication and OAuth service-account tokens. When ready it prints its URL and the demo credentials as shell lines to paste, then runs until SIGINT or SIGTERM.

            Fault flags count authenticated API calls 1, 2, 3, ... (digest challenges and the token endpoint are not counted); call k is faulted when k is a multiple of N. Precedence when several apply: drop, fail, rate limit; truncation applies to whatever response remains.
            """)

    @Option(help: "TCP port on 127.0.0.1; 0 picks a free one.")
    var port: Int = 0

    @Option(help: "Seed of the generated data; the same seed gives the same data.")
    var seed: UInt64 = 1

    @Option(help: "Generated organizations.")
    var organizations: Int = 2

    @Option(help: "Generated projects per organization.")
    var projects: Int = 3

    @Option(help: "Generated database users per project.")
    var users: Int = 10

    @Option(help: "Generated certificates per Atlas-managed X.509 user.")
    var certificates: Int = 3

    @Option(help: "Share of users that are Atlas-managed X.509 users (0...1).")
    var managedFraction: Double = 0.5

    @Option(help: "Serve this JSON fixture instead of generated data.")
    var fixture: String?

    @Flag(help: "Serve the demo fleet that `atlas-certs demo` shows.")
    var demo = false

    @Flag(help: "Add a project and a user whose names carry terminal escape sequences.")
    var hostile = false

    @Option(help: "Write the data as a JSON fixture to this path and exit.")
    var dumpFixture: String?

    @Option(help: "Latency added to every request, in milliseconds.")
    var latencyMs: Int = 0

    @Option(help: "Token-bucket rate limit as CAPACITY/PER_SECOND, e.g. 10/2.")
    var rateLimit: String?

    @Option(help: "Fail every Nth call: 500 JSON and 503 HTML maintenance page alternately.")
    var failEvery: Int?

    @Option(help: "Truncate the body of every Nth call (full Content-Length, half the bytes, close).")
    var truncateEvery: Int?

    @Option(help: "Cut the body of every Nth call in half and send it as a complete message (a truncating proxy).")
    var cutBodyEvery: Int?

    @Option(help: "Close the connection of every Nth call without responding.")
    var dropEvery: Int?

    @Option(help: "Digest nonce lifetime in seconds.")
    var nonceLifetime: Double = 300

    @Option(help: "Seconds a client may stop sending (a half-sent request, an idle keep-alive connection) before its connection is closed.")
    var readTimeout: Double = 30

    @Option(help: "Key type of issued certificates: p256 (fast) or rsa2048.")
    var keyType: String = IssuedKeyType.p256.rawValue

    func validate() throws {
        if rateLimit != nil, parsedRateLimit == nil {
            throw ValidationError("--rate-limit must look like CAPACITY/PER_SECOND, e.g. 10/2")
        }
        if IssuedKeyType(rawValue: keyType) == nil {
            throw ValidationError("--key-type must be one of: \(IssuedKeyType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if !(0...65_535).contains(port) { throw ValidationError("--port must be 0...65535") }
        if latencyMs < 0 { throw ValidationError("--latency-ms must not be negative") }
        if !(readTimeout > 0 && readTimeout <= 86_400) { throw ValidationError("--read-timeout must be above 0 and at most 86400") }
    }

    private var parsedRateLimit: FaultConfiguration.RateLimit? {
        guard let rateLimit else { return nil }
        let parts = rateLimit.split(separator: "/")
        guard parts.count == 2, let capacity = Int(parts[0]), capacity >= 0, let refill = Double(parts[1]), refill >= 0
        else { return nil }
        return .init(capacity: capacity, refillPerSecond: refill)
    }

    func run() async throws {
        let data = try loadData()
        if let dumpFixture {
            try data.write(to: URL(fileURLWithPath: dumpFixture))
            Output.line("wrote \(dumpFixture)")
            return
        }
        let configuration = SimulatorConfiguration(
            port: port, nonceLifetime: nonceLifetime,
            faults: FaultConfiguration(
                latency: .milliseconds(latencyMs), rateLimit: parsedRateLimit, failEvery: failEvery,
                truncateEvery: truncateEvery, dropEvery: dropEvery, cutBodyEvery: cutBodyEvery),
            keyType: IssuedKeyType(rawValue: keyType) ?? .p256,
            readTimeout: .milliseconds(Int64(readTimeout * 1_000)))
        let signals = SignalWaiter(signals: [SIGINT, SIGTERM])
        let simulator = try await AtlasSimulator.start(configuration: configuration, data: data)
        Output.line(Self.banner(for: simulator))
        let received = await signals.wait()
        Output.line("received signal \(received), shutting down")
        try await simulator.shutdown()
    }

    private func loadData() throws -> SimulatorData {
        if let fixture { return try SimulatorData.load(contentsOf: URL(fileURLWithPath: fixture)) }
        if demo { return .demo(now: Date()) }
        return .generate(
            seed: seed, now: Date(), organizations: organizations, projectsPerOrganization: projects,
            usersPerProject: users, certificatesPerManagedUser: certificates, managedFraction: managedFraction,
            includeHostileNames: hostile)
    }

    /// Shell lines a user can paste; service-account lines are comments because the
    /// Atlas CLI prefers a service account over API keys when both are set.
    static func banner(for simulator: AtlasSimulator) -> String {
        let credentials = simulator.configuration.credentials
        return """
            Atlas simulator listening on \(simulator.baseURL)
            export MONGODB_ATLAS_OPS_MANAGER_URL=\(simulator.baseURL)/
            export MONGODB_ATLAS_PUBLIC_API_KEY=\(credentials.publicKey)
            export MONGODB_ATLAS_PRIVATE_API_KEY=\(credentials.privateKey)
            # service account instead of API keys:
            # export MONGODB_ATLAS_CLIENT_ID=\(credentials.clientID)
            # export MONGODB_ATLAS_CLIENT_SECRET=\(credentials.clientSecret)
            """
    }
}

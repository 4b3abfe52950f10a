import AtlasAPI
import AtlasSimulator
import Foundation
import Testing

/// Carries bytes out of a Dispatch block; written once before `group.wait()` returns.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}

/// Runs the real `atlas-certs` binary against an in-process simulator.
@Suite("atlas-certs list, end to end")
struct ListCommandTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The directory with the built products: the test bundle sits beside the executables.
    static var binDirectory: URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent(".build/debug"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("atlas-certs").path) } ?? candidates[1]
    }

    static func atlasCerts(_ arguments: [String], environment: [String: String]) async throws -> Run {
        try await runProduct("atlas-certs", arguments, environment: environment)
    }

    /// Runs a built product (`atlas-certs`, `atlas-certs-bench`) with a clean environment
    /// plus `environment`, and returns its exit status and output. With `redirection`
    /// (`>/dev/full`, `>&-`) it runs through `/bin/sh` with stdout redirected so, and the
    /// returned stdout is empty.
    static func runProduct(_ name: String, _ arguments: [String], stdout redirection: String? = nil,
                           environment: [String: String]) async throws -> Run {
        try await ProductRunSlots.run { try await runProductNow(name, arguments, redirection: redirection, environment: environment) }
    }

    private static func runProductNow(_ name: String, _ arguments: [String], redirection: String?,
                                      environment: [String: String]) async throws -> Run {
        let binary = binDirectory.appendingPathComponent(name)
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "\(name) is not built at \(binary.path): run swift build first")
        let process = Process()
        if let redirection {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "exec \"$0\" \"$@\" \(redirection)", binary.path] + arguments
        } else {
            process.executableURL = binary
            process.arguments = arguments
        }
        // A clean environment: no credentials or config from the machine running the tests.
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("atlas-certs-home-\(UUID().uuidString)")
        process.environment = ["HOME": home.path, "XDG_CONFIG_HOME": home.appendingPathComponent("config").path, "PATH": "/usr/bin:/bin"]
            .merging(environment) { _, new in new }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Blocking reads and the wait run on Dispatch threads, never on the cooperative
        // pool (two threads on a 2-core machine), which blocking calls would starve.
        let (o, e): (Data, Data) = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let group = DispatchGroup()
                let stdoutData = DataBox()
                DispatchQueue.global().async(group: group) { stdoutData.data = out.fileHandleForReading.readDataToEndOfFile() }
                let stderrData = err.fileHandleForReading.readDataToEndOfFile()
                group.wait()
                process.waitUntilExit()
                continuation.resume(returning: (stdoutData.data, stderrData))
            }
        }
        return Run(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    static func environment(for simulator: AtlasSimulator, privateKey: String? = nil) -> [String: String] {
        [
            "MONGODB_ATLAS_OPS_MANAGER_URL": simulator.baseURL + "/",
            "MONGODB_ATLAS_PUBLIC_API_KEY": simulator.configuration.credentials.publicKey,
            "MONGODB_ATLAS_PRIVATE_API_KEY": privateKey ?? simulator.configuration.credentials.privateKey,
        ]
    }

    static func expectedIDs(_ data: SimulatorData, projectID: String, now: Date) -> Set<String> {
        let managed = Set(data.users.filter { $0.groupId == projectID && $0.hasManagedCertificates }.map(\.username))
        return Set(data.certificates.filter { $0.groupId == projectID && managed.contains($0.username) }
            .flatMap(\.certificates).filter { $0.notAfter > now }.map(\.id.decimal))
    }

    @Test("JSON for a whole project is complete and exact, with faults on",
          arguments: [FaultConfiguration(), FaultConfiguration(latency: .milliseconds(3), failEvery: 5, truncateEvery: 7, dropEvery: 11),
                      FaultConfiguration(rateLimit: .init(capacity: 4, refillPerSecond: 40))])
    func project(_ faults: FaultConfiguration) async throws {
        // With faults, one request at a time: a retry then gets the next call number, and of
        // any four consecutive calls at most three are faulted (one multiple each of 5, 7, 11),
        // so the default four attempts always suffice: deterministic, not lucky.
        let concurrency = faults.failEvery == nil ? "8" : "1"
        let now = Date()
        let data = SimulatorData.generate(seed: 21, now: now, organizations: 1, projectsPerOrganization: 2, usersPerProject: 15,
                                          certificatesPerManagedUser: 2, managedFraction: 0.7)
        let simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(faults: faults), data: data)
        defer { Task { try? await simulator.shutdown() } }
        let project = data.projects[1]
        let run = try await Self.atlasCerts(["list", "--project", project.name, "--output", "json", "--concurrency", concurrency], environment: Self.environment(for: simulator))
        #expect(run.status == 0, "\(run.stderr)")
        struct Row: Decodable { var id: CertificateID; var projectId: String }
        let rows = try JSONDecoder().decode([Row].self, from: Data(run.stdout.utf8))
        #expect(Set(rows.map(\.id.decimal)) == Self.expectedIDs(data, projectID: project.id, now: Date()))
        #expect(rows.count == Self.expectedIDs(data, projectID: project.id, now: Date()).count)
        #expect(rows.allSatisfy { $0.projectId == project.id })
    }

    @Test("one user, table output, by project ID")
    func oneUser() async throws {
        let now = Date()
        let data = SimulatorData.generate(seed: 22, now: now, organizations: 1, projectsPerOrganization: 1, usersPerProject: 6,
                                          certificatesPerManagedUser: 3, managedFraction: 1)
        let simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(), data: data)
        defer { Task { try? await simulator.shutdown() } }
        let user = try #require(data.users.first { $0.username.contains("/") || $0.username.contains(",") || $0.username.contains("@") } ?? data.users.first)
        let run = try await Self.atlasCerts(["list", "--project", user.groupId, "--user", user.username], environment: Self.environment(for: simulator))
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("ID") == true)
        let ids = Set(lines.dropFirst().map { String($0.prefix { $0 != " " }) })
        let expected = Set((data.certificates(groupId: user.groupId, username: user.username)).filter { $0.notAfter > Date() }.map(\.id.decimal))
        #expect(ids == expected)
    }

    @Test("a wrong key: exit 1, one line, no secret anywhere even with --verbose")
    func wrongKey() async throws {
        let data = SimulatorData.generate(seed: 23, now: Date(), organizations: 1, projectsPerOrganization: 1, usersPerProject: 2)
        let simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(), data: data)
        defer { Task { try? await simulator.shutdown() } }
        let secret = "wrong-private-key-8c1f2e"
        let run = try await Self.atlasCerts(["list", "--verbose", "--project", data.projects[0].id],
                                            environment: Self.environment(for: simulator, privateKey: secret))
        #expect(run.status == 1)
        #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret))
        let errorLines = run.stderr.split(separator: "\n").filter { !$0.hasPrefix("atlas-certs: →") && !$0.hasPrefix("atlas-certs: ←") && !$0.hasPrefix("atlas-certs: credentials:") && !$0.hasPrefix("atlas-certs: base URL") && !$0.hasPrefix("atlas-certs: retrying") }
        #expect(errorLines.count == 1, "\(run.stderr)")
        #expect(errorLines.first?.contains("HTTP 401") == true)
        #expect(run.stderr.contains("environment"), "--verbose names the source")
    }

    @Test("no network: a clear line and exit 1")
    func noServer() async throws {
        let run = try await Self.atlasCerts(["list", "--project", "5e2211c17a3e5a48f5497de3", "--timeout", "5"], environment: [
            "MONGODB_ATLAS_BASE_URL": "http://127.0.0.1:9", "MONGODB_ATLAS_PUBLIC_API_KEY": "k", "MONGODB_ATLAS_PRIVATE_API_KEY": "s",
        ])
        #expect(run.status == 1)
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(run.stderr.contains("Cannot connect to 127.0.0.1:9"), "\(run.stderr)")
    }

    @Test("no credentials: names the variables to set")
    func noCredentials() async throws {
        let run = try await Self.atlasCerts(["list", "--project", "x"], environment: [:])
        #expect(run.status == 1)
        #expect(run.stderr.contains("MONGODB_ATLAS_PUBLIC_API_KEY"), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1)
    }
}

import AtlasAPI
import AtlasSimulator
import Foundation
import Synchronization
import Testing

/// `atlas-certs exporter`, the real binary against an in-process simulator: it serves,
/// logs a line per scan, never shows a secret, and stops on SIGTERM with status 0.
@Suite("atlas-certs exporter, end to end")
struct ExporterCommandTests {
    /// Collects a pipe's bytes as they come (the exporter runs until signalled).
    final class Collected: Sendable {
        private let text = Mutex("")
        func append(_ data: Data) { text.withLock { $0 += String(decoding: data, as: UTF8.self) } }
        var value: String { text.withLock { $0 } }
    }

    static func waitFor<T>(_ what: String, seconds: Double, _ probe: () async -> T?) async throws -> T {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < deadline {
            if let value = await probe() { return value }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw AtlasError(kind: .invalidInput, message: "timed out waiting for \(what)")
    }

    @Test("serves /metrics after its first scan, one log line per scan, no secret anywhere, SIGTERM stops it with 0", arguments: [SIGTERM, SIGINT])
    func servesAndStops(_ signalNumber: Int32) async throws {
        // A long-running product counts against the slots like any other run.
        try await ProductRunSlots.run { try await Self.serveAndStop(signalNumber) }
    }

    static func serveAndStop(_ signalNumber: Int32) async throws {
        let data = SimulatorData.generate(seed: 51, now: Date(), organizations: 1, projectsPerOrganization: 2,
                                          usersPerProject: 8, certificatesPerManagedUser: 2, managedFraction: 0.5)
        let simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(), data: data)
        defer { Task { try? await simulator.shutdown() } }
        let transport = try AsyncHTTPClientTransport(baseURL: "http://127.0.0.1:1", environment: [:])
        defer { Task { await transport.shutdown() } }

        let home = FileManager.default.temporaryDirectory.appendingPathComponent("atlas-certs-exporter-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let process = Process()
        process.executableURL = ListCommandTests.binDirectory.appendingPathComponent("atlas-certs")
        process.arguments = ["exporter", "--listen", "127.0.0.1:0", "--interval", "1h"]
        process.environment = ["HOME": home.path, "XDG_CONFIG_HOME": home.appendingPathComponent("config").path,
                               "XDG_CACHE_HOME": home.appendingPathComponent("cache").path, "PATH": "/usr/bin:/bin"]
            .merging(ListCommandTests.environment(for: simulator)) { _, new in new }
        let out = Pipe(), err = Pipe()
        let stdout = Collected(), stderr = Collected()
        out.fileHandleForReading.readabilityHandler = { stdout.append($0.availableData) }
        err.fileHandleForReading.readabilityHandler = { stderr.append($0.availableData) }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        let port = try await Self.waitFor("the listening line", seconds: 30) { () -> Int? in
            guard let range = stderr.value.range(of: #"address=127\.0\.0\.1:[0-9]+"#, options: .regularExpression) else { return nil }
            return Int(stderr.value[range].split(separator: ":").last ?? "")
        }
        let metrics = try await Self.waitFor("a complete scan", seconds: 60) { () -> String? in
            guard let response = try? await transport.send(HTTPRequest(method: .get, url: "http://127.0.0.1:\(port)/metrics", timeout: .seconds(5))) else { return nil }
            let text = String(decoding: response.body, as: UTF8.self)
            return text.range(of: #"\natlas_certs_scan_complete 1(\.0)?\n"#, options: .regularExpression) != nil ? text : nil
        }
        let expected = FleetCommandTests.expected(data).count
        #expect(metrics.split(separator: "\n").filter { $0.hasPrefix("x509_cert_not_after{") }.count == expected)
        #expect(metrics.contains(#"atlas_certs_build_info{version="\#(AtlasCertsVersion.current)"} 1"#))
        let health = try await transport.send(HTTPRequest(method: .get, url: "http://127.0.0.1:\(port)/healthz"))
        #expect(health.status == 200)

        let started = ContinuousClock.now
        kill(process.processIdentifier, signalNumber)
        _ = try await Self.waitFor("the exporter to exit", seconds: 10) { process.isRunning ? nil : true }
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0, "\(stderr.value)")

        let log = stderr.value
        #expect(log.components(separatedBy: "scan complete").count - 1 == 1, "one line for the one scan: \(log)")
        #expect(log.contains("certificates=\(expected)"), "\(log)")
        let secret = simulator.configuration.credentials.privateKey
        #expect(!log.contains(secret) && !stdout.value.contains(secret) && !metrics.contains(secret))
        // The history file: under the cache directory, mode 0600.
        let cache = home.appendingPathComponent("cache/atlas-certs")
        let files = try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasPrefix("history-") }
        #expect(files.count == 1)
        if let file = files.first {
            let mode = try FileManager.default.attributesOfItem(atPath: cache.appendingPathComponent(file).path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let text = try String(contentsOf: cache.appendingPathComponent(file), encoding: .utf8)
            #expect(!text.contains(secret) && !text.contains("BEGIN"))
        }
    }

    @Test("bad --listen and --interval are refused with one line")
    func badOptions() async throws {
        let listen = try await ListCommandTests.atlasCerts(["exporter", "--listen", "nowhere"], environment: [:])
        #expect(listen.status != 0)
        #expect(listen.stderr.contains("--listen must be HOST:PORT"), "\(listen.stderr)")
        let interval = try await ListCommandTests.atlasCerts(["exporter", "--listen", "127.0.0.1:0", "--interval", "0s"], environment: [:])
        #expect(interval.status != 0)
        #expect(interval.stderr.contains("--interval must be"), "\(interval.stderr)")
    }
}

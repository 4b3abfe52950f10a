import AtlasAPI
import AtlasSimulator
import Foundation
import Testing

/// Lost output and option ranges of the real `atlas-certs` binary: stdout on /dev/full or
/// closed is an error, `--timeout` accepts what its message says, thresholds are bounded.
@Suite("atlas-certs output failures and option bounds, end to end")
struct OutputFailureTests {
    typealias Run = ListCommandTests.Run

    /// Runs `atlas-certs` with stdout redirected by `redirection` (`>/dev/full`, `>&-`,
    /// `>/dev/null`), in a clean environment plus `environment`.
    static func atlasCerts(_ arguments: [String], stdout redirection: String, environment: [String: String]) async throws -> Run {
        try await ListCommandTests.runProduct("atlas-certs", arguments, stdout: redirection, environment: environment)
    }

    static func withSimulator(_ body: (SimulatorData, [String: String], AtlasSimulator) async throws -> Void) async throws {
        let data = SimulatorData.generate(seed: 31, now: Date(), organizations: 1, projectsPerOrganization: 2, usersPerProject: 6,
                                          certificatesPerManagedUser: 2, managedFraction: 1)
        let simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(), data: data)
        do {
            try await body(data, ListCommandTests.environment(for: simulator), simulator)
        } catch {
            try? await simulator.shutdown()
            throw error
        }
        try await simulator.shutdown()
    }

    static let nowhere = ["MONGODB_ATLAS_BASE_URL": "http://127.0.0.1:9", "MONGODB_ATLAS_PUBLIC_API_KEY": "k", "MONGODB_ATLAS_PRIVATE_API_KEY": "s"]

    @Test("list to /dev/full: exit 1 and one line on stderr, for every output format and the fleet scan")
    func fullDisk() async throws {
        try await Self.withSimulator { data, environment, _ in
            let project = data.projects[0].id
            // The control: the same run to /dev/null succeeds silently.
            let fine = try await Self.atlasCerts(["list", "--project", project], stdout: ">/dev/null", environment: environment)
            #expect(fine.status == 0 && fine.stderr.isEmpty, "\(fine.stderr)")
            for arguments in [["list", "--project", project], ["list", "--project", project, "--output", "csv"],
                              ["list", "--all", "--output", "ndjson"], ["list", "--all", "--output", "json"]] {
                let run = try await Self.atlasCerts(arguments, stdout: ">/dev/full", environment: environment)
                #expect(run.status == 1, "\(arguments): \(run.stderr)")
                #expect(run.stderrLines.count == 1, "\(arguments): \(run.stderr)")
                #expect(run.stderr.contains("standard output") && run.stderr.contains("No space left on device"), "\(run.stderr)")
            }
        }
    }

    @Test("list with stdout closed: exit 1 and one line on stderr, before any request")
    func closedStdout() async throws {
        try await Self.withSimulator { data, environment, simulator in
            let run = try await Self.atlasCerts(["list", "--project", data.projects[0].id], stdout: ">&-", environment: environment)
            #expect(run.status == 1, "\(run.stderr)")
            #expect(run.stderrLines.count == 1, "\(run.stderr)")
            #expect(run.stderr.contains("standard output is closed"), "\(run.stderr)")
            let fleet = try await Self.atlasCerts(["list", "--all", "--output", "ndjson"], stdout: ">&-", environment: environment)
            #expect(fleet.status == 1 && fleet.stderr.contains("standard output is closed"), "\(fleet.stderr)")
            let check = try await Self.atlasCerts(["check"], stdout: ">&-", environment: environment)
            #expect(check.status == 3 && check.stderr.contains("standard output is closed"), "\(check.stderr)")
            #expect(simulator.requestLog.isEmpty, "no request is sent when nothing could be shown")
        }
    }

    @Test("check whose verdict cannot be written is UNKNOWN (3), said on stderr")
    func checkLostOutput() async throws {
        try await Self.withSimulator { _, environment, simulator in
            let full = try await Self.atlasCerts(["check"], stdout: ">/dev/full", environment: environment)
            #expect(full.status == 3, "\(full.stderr)")
            #expect(!simulator.requestLog.isEmpty, "the scan ran; only its verdict was lost")
            #expect(full.stderrLines.count == 1 && full.stderr.contains("No space left on device"), "\(full.stderr)")
            let closed = try await Self.atlasCerts(["check"], stdout: ">&-", environment: environment)
            #expect(closed.status == 3, "\(closed.stderr)")
            #expect(closed.stderrLines.count == 1 && closed.stderr.contains("standard output is closed"), "\(closed.stderr)")
        }
    }

    @Test("--timeout: what rounds to 0 ms is refused, and the message states the range accepted", arguments: ["0.0001", "0.0009", "0", "-1", "601", "nan", "inf"])
    func timeoutRefused(_ value: String) async throws {
        let run = try await Self.atlasCerts(["list", "--project", "5e2211c17a3e5a48f5497de3", "--timeout=\(value)"], stdout: ">/dev/null", environment: Self.nowhere)
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains("--timeout must be between 0.001 and 600 seconds."), "\(run.stderr)")
    }

    @Test("--timeout: the ends of the stated range are accepted", arguments: ["0.001", "600"])
    func timeoutAccepted(_ value: String) async throws {
        let run = try await Self.atlasCerts(["list", "--project", "5e2211c17a3e5a48f5497de3", "--timeout=\(value)"], stdout: ">/dev/null", environment: Self.nowhere)
        #expect(run.status == 1, "past validation, the request fails: \(run.stderr)")
        // Past validation: a refused connection, or (at 1 ms) a timeout that names --timeout.
        #expect(!run.stderr.contains("--timeout must be"), "\(run.stderr)")
    }

    @Test("check with a threshold over 100 years, from the flag or the settings file: one UNKNOWN line, no crash",
          arguments: ["1e300d", "1e308w", "36501d"])
    func hugeThreshold(_ value: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("atlas-certs-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out").path
        let config = directory.appendingPathComponent("config.toml")
        try Data("[thresholds]\nwarning = \"\(value)\"\n".utf8).write(to: config)
        try await Self.withSimulator { _, environment, _ in
            for (arguments, extra) in [(["check", "--output", "json", "--warning", value], [:]),
                                       (["check", "--output", "json"], ["ATLAS_CERTS_CONFIG": config.path]),
                                       (["check", "--warning", value], [:])] {
                let run = try await Self.atlasCerts(arguments, stdout: ">'\(output)'", environment: environment.merging(extra) { _, new in new })
                let text = try String(contentsOfFile: output, encoding: .utf8)
                #expect(run.status == 3, "\(arguments) \(extra): \(run.stderr)")
                #expect(run.stderr.isEmpty, "\(run.stderr)")
                #expect(text.contains("UNKNOWN") && text.contains("must be at most 36500d (100 years)"), "\(text)")
            }
        }
    }
}

extension ListCommandTests.Run {
    var stderrLines: [Substring] { stderr.split(separator: "\n") }
}

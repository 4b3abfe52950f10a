import AtlasAPI
import AtlasSimulator
import Foundation

/// Section 4b: bytes the real program writes to its terminal. Runs the built
/// `atlas-certs browse --all --no-cache` (once with each `--selection` style) on a 200×60 pseudo-terminal (TERM=xterm-256color,
/// LANG=C.UTF-8) against an in-process atlas-sim with a generated organization, waits
/// until the screen is drawn and quiet, then counts what one `j` and one PgDn make
/// ncurses write, until the screen is quiet again.
enum TerminalBench {
    static let moveGoalBytes = 200

    /// Silence that counts as "drawn": the clock in the footer ("updated 5s ago")
    /// repaints once a second, so this must be well under a second.
    static let settled = Duration.milliseconds(400)
    /// Silence that ends the answer to one key.
    static let answered = Duration.milliseconds(200)

    static func run(_ configuration: BenchConfiguration, binary: String?) async throws -> [Result] {
        let path = try binaryPath(binary)
        let data = SimulatorData.generate(
            seed: 7, now: Date(), organizations: 1, projectsPerOrganization: configuration.terminalProjects,
            usersPerProject: configuration.terminalUsersPerProject, certificatesPerManagedUser: 3, managedFraction: 0.75)
        let managed = Set(data.users.filter(\.hasManagedCertificates).map { $0.groupId + "\u{0}" + $0.username })
        let now = Date()
        let certificates = data.certificates.filter { managed.contains($0.groupId + "\u{0}" + $0.username) }
            .reduce(0) { $0 + $1.certificates.filter { $0.notAfter > now }.count }
        let simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(), data: data)
        let credentials = simulator.configuration.credentials
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("atlas-certs-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let environment = [
            "HOME": home.path, "XDG_CONFIG_HOME": home.appendingPathComponent("config").path, "PATH": "/usr/bin:/bin",
            "TERM": "xterm-256color", "LANG": "C.UTF-8",
            "MONGODB_ATLAS_OPS_MANAGER_URL": simulator.baseURL + "/",
            "MONGODB_ATLAS_PUBLIC_API_KEY": credentials.publicKey,
            "MONGODB_ATLAS_PRIVATE_API_KEY": credentials.privateKey,
        ]
        let size = configuration.terminalSize
        let trials = configuration.terminalTrials
        let idle = configuration.terminalIdle
        defer { try? FileManager.default.removeItem(at: home) }
        // Blocking pty reads on a Dispatch thread: the simulator needs the cooperative pool.
        // Twice: the default selection highlight (the mark and the ID), then the whole row.
        var runs: [Measured] = []
        for style in ["cell", "row"] {
            let scansBefore = simulator.requestCount(.certsList)
            let outcome: Swift.Result<Measured, any Error> = await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(returning: Swift.Result {
                        try measure(path, arguments: ["browse", "--all", "--no-cache", "--selection", style], environment: environment,
                                    columns: size.columns, rows: size.rows, trials: trials, idle: idle,
                                    scanned: { simulator.requestCount(.certsList) - scansBefore >= managed.count })
                    })
                }
            }
            switch outcome {
            case .success(let measured): runs.append(measured)
            case .failure(let error):
                try? await simulator.shutdown()
                throw error
            }
        }
        try? await simulator.shutdown()
        let measured = runs[0]
        let wholeRow = runs[1]

        let screen = "\(size.columns)×\(size.rows)"
        let down = median(measured.down.map(Double.init))
        return [
            Result(section: .terminal, measure: "atlas-certs browse --all on a \(screen) pty, \(grouped(certificates)) certificates: start, scan, first screen",
                   value: "\(grouped(measured.startup)) bytes"),
            Result(section: .terminal, measure: "idle: the footer clock (\"updated 5s ago\"), per second", value: "\(grouped(measured.idlePerSecond)) bytes"),
            Result(section: .terminal, measure: "selection moves one row (j), median of \(trials) (min \(measured.down.min() ?? 0), max \(measured.down.max() ?? 0))",
                   value: "\(grouped(Int(down))) bytes", goal: "< \(moveGoalBytes) bytes", met: Int(down) < moveGoalBytes),
            Result(section: .terminal, measure: "view scrolls one page (PgDn), median of \(trials) (min \(measured.pageDown.min() ?? 0), max \(measured.pageDown.max() ?? 0))",
                   value: "\(grouped(Int(median(measured.pageDown.map(Double.init))))) bytes"),
            Result(section: .terminal, measure: "with --selection row (whole-row highlight): selection moves one row (j), median of \(trials) (min \(wholeRow.down.min() ?? 0), max \(wholeRow.down.max() ?? 0))",
                   value: "\(grouped(Int(median(wholeRow.down.map(Double.init))))) bytes"),
            Result(section: .terminal, measure: "with --selection row: view scrolls one page (PgDn), median of \(trials)",
                   value: "\(grouped(Int(median(wholeRow.pageDown.map(Double.init))))) bytes"),
        ]
    }

    /// The atlas-certs binary to run: `binary`, or the one built beside the bench.
    static func binaryPath(_ binary: String?) throws -> String {
        let path = binary ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("atlas-certs").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw BenchError("atlas-certs is not built at \(path): run swift build -c release (or pass --atlas-certs PATH)")
        }
        return path
    }

    struct Measured: Sendable {
        var startup: Int
        var idlePerSecond: Int
        var down: [Int]
        var pageDown: [Int]
    }

    static func measure(_ path: String, arguments: [String], environment: [String: String], columns: Int, rows: Int, trials: Int,
                        idle watched: Duration, scanned: @Sendable () -> Bool) throws -> Measured {
        let terminal = try PseudoTerminal(executable: path, arguments: arguments, environment: environment,
                                          columns: columns, rows: rows)
        var succeeded = false
        defer {
            if !succeeded { kill(terminal.pid, SIGTERM) }
            _ = terminal.waitForExit(limit: .seconds(10))
        }
        // Drawn = every user's certificates were served, and the screen has gone quiet
        // after that (a rebuild of a large table can pause the output mid-scan).
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(300)
        while !scanned() && clock.now < deadline {
            _ = terminal.readUntilQuiet(.milliseconds(100), limit: .milliseconds(100))
        }
        guard scanned(), terminal.readUntilQuiet(settled, limit: .seconds(60)) != nil, terminal.total > 0 else {
            throw BenchError("atlas-certs did not finish its scan and draw a quiet screen within 300 s")
        }
        let startup = terminal.total
        let idleStart = terminal.total
        _ = terminal.readUntilQuiet(watched, limit: watched)
        let idle = Int(Double(terminal.total - idleStart) / watched.seconds)

        func trial(_ key: String) throws -> Int {
            _ = terminal.readUntilQuiet(settled, limit: .seconds(10))
            terminal.send(key)
            guard let answer = terminal.readUntilQuiet(answered, limit: .seconds(10)) else {
                throw BenchError("atlas-certs kept writing after a key for 10 s")
            }
            return answer.count
        }
        var down: [Int] = []
        var pageDown: [Int] = []
        for _ in 0..<trials { down.append(try trial("j")) }
        for _ in 0..<trials { pageDown.append(try trial("\u{1B}[6~")) }
        terminal.send("q")
        succeeded = true
        return Measured(startup: startup, idlePerSecond: idle, down: down, pageDown: pageDown)
    }

}

import AtlasAPI
import AtlasSimulator
import Foundation

/// Section "peer": side by side in one run, against atlas-sim with 100 ms added to every
/// request (a round trip to the Atlas cloud), an organization of 10 projects × 100 users
/// × 3 certificates:
///
/// - **peer-like**: how a good hand-written client walks the fleet (an 8-thread Python
///   `requests` script with Digest nonce reuse): projects, then organizations, then every
///   project's users with 8 in flight, then every MANAGED user's certificates with 8 in
///   flight, one phase after the other;
/// - **engine**: `FleetScanner` in-process, as every front end runs it;
/// - **`atlas-certs list --all`**: the real program, from exec to exit, output parsed;
/// - **browser**: the real program, `browse --all --no-cache` on a pseudo-terminal, from
///   exec to the moment every certificate listing has been answered and the screen has
///   drawn the result (the time of the last byte before it went quiet).
///
/// Every run gets a fresh simulator that sends Atlas's `Ratelimit-Remaining`; each must
/// find the same certificate IDs, exactly.
enum PeerBench {
    struct Run {
        var label: String
        var elapsed: Duration
        var requests: Int
        var challenges: Int
        var ids: Set<String>
    }

    static func run(_ configuration: BenchConfiguration, binary: String?) async throws -> [Result] {
        let data = SimulatorData.generate(
            seed: 11, now: Date(), organizations: 1, projectsPerOrganization: configuration.peerProjects,
            usersPerProject: configuration.peerUsersPerProject, certificatesPerManagedUser: 3, managedFraction: 0.6)
        let managed = data.users.filter(\.hasManagedCertificates).count
        let latency = configuration.peerLatency
        let path = try TerminalBench.binaryPath(binary)
        Progress.say("peer: \(data.projects.count) projects, \(data.users.count) users (\(managed) MANAGED), \(fixed(latency.milliseconds, 0)) ms latency")

        let peer = try await withSimulator(data, latency) { simulator, client in
            try await measuredRun("peer-like", simulator) { try await phasedWalk(client, concurrency: 8) }
        }
        Progress.say("peer-like: \(fixed(peer.elapsed.seconds, 2)) s, \(peer.requests) requests")
        let engine = try await withSimulator(data, latency) { simulator, client in
            try await measuredRun("engine", simulator) {
                let result = try await FleetScanner(client: client).run()
                guard result.failures.isEmpty else { throw BenchError("the engine's scan reported \(result.failures.count) failures") }
                return Set(result.rows.map(\.certificate.id.decimal))
            }
        }
        Progress.say("engine: \(fixed(engine.elapsed.seconds, 2)) s, \(engine.requests) requests")
        let list = try await withSimulator(data, latency) { simulator, _ in
            try await measuredRun("list --all", simulator) { try listAll(path, simulator) }
        }
        Progress.say("list --all: \(fixed(list.elapsed.seconds, 2)) s, \(list.requests) requests")
        let browser = try await withSimulator(data, latency) { simulator, _ in
            try await browserWalk(path, simulator, managed: managed, size: configuration.terminalSize)
        }
        Progress.say("browser: \(fixed(browser.elapsed.seconds, 2)) s, \(browser.requests) requests")

        for run in [engine, list] where run.ids != peer.ids {
            throw BenchError("\(run.label) found \(run.ids.count) certificate IDs, the peer \(peer.ids.count); they differ")
        }
        guard browser.requests > 0 else { throw BenchError("the browser sent no request") }
        // API calls: what the peer asked for, its Digest challenge legs aside.
        let apiCalls = peer.requests - peer.challenges
        var results = [
            Result(section: .peer, measure: "organization",
                   value: "\(data.projects.count) projects × \(configuration.peerUsersPerProject) users (\(managed) MANAGED) × 3 certs, \(fixed(latency.milliseconds, 0)) ms latency, \(grouped(apiCalls)) API calls, \(grouped(peer.ids.count)) certificates"),
        ]
        for run in [peer, engine, list, browser] {
            let speedUp = peer.elapsed.seconds / run.elapsed.seconds
            let perCall = Double(run.requests) / Double(apiCalls)
            let isFrontEnd = run.label != "peer-like" && run.label != "engine"
            results.append(Result(
                section: .peer, measure: "\(run.label): time to the complete table, HTTP requests per API call",
                value: "\(fixed(run.elapsed.seconds, 2)) s (\(fixed(speedUp, 1))× the peer), \(fixed(perCall, 3)) requests per call",
                goal: isFrontEnd ? "≥ 5×, ≤ 1.02" : "", met: isFrontEnd ? (speedUp >= 5 && perCall <= 1.02) : nil))
        }
        return results
    }

    // MARK: The peer

    /// The peer's walk: phase by phase, `concurrency` requests in flight within a phase.
    static func phasedWalk(_ client: AtlasClient, concurrency: Int) async throws -> Set<String> {
        let projects = try await client.projects()
        _ = try await client.organizations()
        let users = try await boundedMap(projects, concurrency) { try await client.databaseUsers(projectID: $0.id) }
            .flatMap { $0 }.filter(\.hasManagedCertificates)
        let certificates = try await boundedMap(users, concurrency) {
            try await client.certificates(projectID: $0.groupId, username: $0.username)
        }
        return Set(certificates.flatMap { $0 }.map(\.id.decimal))
    }

    /// `transform` over `items`, at most `width` at once, results in the items' order.
    static func boundedMap<T: Sendable, U: Sendable>(_ items: [T], _ width: Int,
                                                     _ transform: @escaping @Sendable (T) async throws -> U) async throws -> [U] {
        try await withThrowingTaskGroup(of: (Int, U).self) { group in
            var results = [U?](repeating: nil, count: items.count)
            var next = 0
            func startNext() {
                guard next < items.count else { return }
                let index = next
                next += 1
                group.addTask { (index, try await transform(items[index])) }
            }
            for _ in 0..<width { startNext() }
            while let (index, value) = try await group.next() {
                results[index] = value
                startNext()
            }
            return results.compactMap { $0 }
        }
    }

    // MARK: The program

    /// `atlas-certs list --all --output ndjson`, exec to exit; the IDs it printed.
    static func listAll(_ path: String, _ simulator: AtlasSimulator) throws -> Set<String> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["list", "--all", "--output", "ndjson"]
        process.environment = environment(simulator)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("list --all exited with \(process.terminationStatus)") }
        return ids(in: String(decoding: data, as: UTF8.self))
    }

    /// Certificate IDs in ndjson rows, read as text so that 64-bit serials stay exact.
    static func ids(in ndjson: String) -> Set<String> {
        var found = Set<String>()
        for line in ndjson.split(separator: "\n") {
            guard let range = line.range(of: #""id":\s*"?([0-9]+)"#, options: .regularExpression) else { continue }
            found.insert(String(line[range].filter(\.isNumber)))
        }
        return found
    }

    /// The browser's walk of the all-certificates view on a pseudo-terminal: exec until
    /// every MANAGED user's certificates were served and the screen has drawn them.
    static func browserWalk(_ path: String, _ simulator: AtlasSimulator, managed: Int, size: (columns: Int, rows: Int)) async throws -> Run {
        let environment = environment(simulator)
        let outcome: Swift.Result<Duration, any Error> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Swift.Result {
                    let clock = ContinuousClock()
                    let start = clock.now
                    let terminal = try PseudoTerminal(executable: path, arguments: ["browse", "--all", "--no-cache"], environment: environment,
                                                      columns: size.columns, rows: size.rows)
                    defer {
                        terminal.send("q")
                        if terminal.waitForExit(limit: .seconds(10)) == -1 { kill(terminal.pid, SIGTERM) }
                    }
                    let deadline = clock.now + .seconds(300)
                    while simulator.requestCount(.certsList) < managed && clock.now < deadline {
                        _ = terminal.readUntilQuiet(.milliseconds(5), limit: .milliseconds(5))
                    }
                    guard simulator.requestCount(.certsList) >= managed else { throw BenchError("the browser did not finish its walk in 300 s") }
                    // The frame that shows the last results: output until it goes quiet.
                    var lastByte = clock.now
                    while true {
                        let before = terminal.total
                        _ = terminal.readUntilQuiet(.milliseconds(50), limit: .milliseconds(50))
                        if terminal.total == before { break }
                        lastByte = clock.now
                    }
                    return lastByte - start
                })
            }
        }
        let elapsed = try outcome.get()
        return Run(label: "browser (all-certificates view)", elapsed: elapsed, requests: simulator.requestLog.count,
                   challenges: simulator.requestCount(.challenge), ids: [])
    }

    static func environment(_ simulator: AtlasSimulator) -> [String: String] {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("atlas-certs-bench-\(UUID().uuidString)").path
        let credentials = simulator.configuration.credentials
        return [
            "HOME": home, "XDG_CONFIG_HOME": home + "/config", "XDG_CACHE_HOME": home + "/cache", "PATH": "/usr/bin:/bin",
            "TERM": "xterm-256color", "LANG": "C.UTF-8",
            "MONGODB_ATLAS_OPS_MANAGER_URL": simulator.baseURL + "/",
            "MONGODB_ATLAS_PUBLIC_API_KEY": credentials.publicKey,
            "MONGODB_ATLAS_PRIVATE_API_KEY": credentials.privateKey,
        ]
    }

    // MARK: Plumbing

    static func measuredRun(_ label: String, _ simulator: AtlasSimulator, _ body: () async throws -> Set<String>) async throws -> Run {
        let (ids, elapsed) = try await measure { try await body() }
        return Run(label: label, elapsed: elapsed, requests: simulator.requestLog.count,
                   challenges: simulator.requestCount(.challenge), ids: ids)
    }

    /// A fresh simulator with `latency` on every request (Atlas's limit headers on), and
    /// a client with atlas-certs' defaults (Digest nonce reused).
    static func withSimulator<T>(_ data: SimulatorData, _ latency: Duration,
                                 _ body: (AtlasSimulator, AtlasClient) async throws -> T) async throws -> T {
        let simulator = try await AtlasSimulator.start(
            configuration: SimulatorConfiguration(faults: FaultConfiguration(latency: latency)), data: data)
        let transport = try AsyncHTTPClientTransport(baseURL: simulator.baseURL, environment: [:])
        let credentials = simulator.configuration.credentials
        let client = AtlasClient(
            configuration: AtlasClientConfiguration(baseURL: simulator.baseURL), transport: transport,
            authorizer: DigestAuthorizer(publicKey: credentials.publicKey, privateKey: Secret(credentials.privateKey)))
        do {
            let value = try await body(simulator, client)
            await transport.shutdown()
            try await simulator.shutdown()
            return value
        } catch {
            await transport.shutdown()
            try? await simulator.shutdown()
            throw error
        }
    }
}

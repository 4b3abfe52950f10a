import AtlasAPI
import AtlasSimulator
import Foundation

/// Section 1: the fleet scan against atlas-sim with latency on every request.
///
/// - default: `FleetScanner` as atlas-certs runs it (`FleetScanner.defaultConcurrency`,
///   pages of 500, the Digest nonce reused);
/// - naive: the same walk as a simple client does it: one request at a time
///   (`FleetScanner` with concurrency 1 and pages fetched one by one), a fresh Digest
///   challenge for every call (`DigestAuthorizer(reuseNonce: false)`), Atlas's default
///   page size of 100. Same calls, same order, same results: only those three differ;
/// - the lower bound: every HTTP request the default scan sent (its one challenge leg
///   included, since it pays the latency too) × latency ÷ concurrency.
///
/// atlas-sim sends Atlas's per-endpoint-set `Ratelimit-Remaining` (certificates: 1,200
/// calls a minute) and the scanner paces itself by it, so the default scan runs twice:
/// with those headers as Atlas sends them, and with them out of the way (a simulator
/// token bucket too large to run dry, whose headers replace them), which isolates the
/// engine from the pacing policy. The naive client ignores the headers either way.
enum ScanBench {
    struct Outcome {
        var elapsed: Duration
        var requests: Int
        var challenges: Int
        var certificates: Int
    }

    static func run(_ configuration: BenchConfiguration) async throws -> [Result] {
        let data = SimulatorData.generate(
            seed: 5, now: Date(), organizations: 1, projectsPerOrganization: configuration.scanProjects,
            usersPerProject: configuration.scanUsersPerProject, certificatesPerManagedUser: configuration.scanCertificatesPerUser,
            managedFraction: configuration.scanManagedFraction)
        let managed = data.users.filter(\.hasManagedCertificates).count
        let latency = configuration.latencyMilliseconds
        Progress.say("scan: \(data.projects.count) projects, \(data.users.count) users (\(managed) MANAGED), \(fixed(latency, 0)) ms latency")

        let concurrency = FleetScanner.defaultConcurrency
        let paced = try await scan(data, configuration, naive: false, concurrency: concurrency, limitHeaders: true)
        Progress.say("scan default, Atlas's limit headers: \(fixed(paced.elapsed.seconds, 2)) s, \(paced.requests) requests")
        let fast = try await scan(data, configuration, naive: false, concurrency: concurrency, limitHeaders: false)
        Progress.say("scan default, no limit in sight: \(fixed(fast.elapsed.seconds, 2)) s, \(fast.requests) requests")
        let naive = try await scan(data, configuration, naive: true, concurrency: 1, limitHeaders: true)
        Progress.say("scan naive: \(fixed(naive.elapsed.seconds, 2)) s, \(naive.requests) requests")
        guard naive.certificates == fast.certificates, paced.certificates == fast.certificates else {
            throw BenchError("the scans found \(naive.certificates), \(paced.certificates) and \(fast.certificates) certificates")
        }

        let bound = Double(fast.requests) * latency / 1_000 / Double(concurrency)
        let org = "\(data.projects.count) projects × \(configuration.scanUsersPerProject) users (\(managed) MANAGED) × \(configuration.scanCertificatesPerUser) certs, \(fixed(latency, 0)) ms latency"
        let defaults = "concurrency \(concurrency), 500/page, nonce reused"
        var results = [
            Result(section: .scan, measure: "organization", value: org),
            Result(section: .scan, measure: "naive scan (1 at a time, challenge per call, 100/page)",
                   value: "\(fixed(naive.elapsed.seconds, 2)) s, \(grouped(naive.requests)) requests (\(grouped(naive.challenges)) challenges)"),
            Result(section: .scan, measure: "lower bound: \(grouped(fast.requests)) requests × \(fixed(latency, 0)) ms ÷ \(concurrency)",
                   value: "\(fixed(bound, 2)) s"),
        ]
        for (outcome, label) in [(paced, "with Atlas's limit headers (certs 1,200/min), paced by them"),
                                 (fast, "limit headers out of the way")] {
            let speedUp = naive.elapsed.seconds / outcome.elapsed.seconds
            let distance = outcome.elapsed.seconds / bound
            results += [
                Result(section: .scan, measure: "default scan (\(defaults)), \(label)",
                       value: "\(fixed(outcome.elapsed.seconds, 2)) s, \(grouped(outcome.requests)) requests (\(outcome.challenges) challenge), \(grouped(outcome.certificates)) certificates"),
                Result(section: .scan, measure: "speed-up over naive, \(label)", value: "\(fixed(speedUp))×",
                       goal: "≥ 20×", met: speedUp >= 20),
                Result(section: .scan, measure: "default scan ÷ lower bound, \(label)", value: "\(fixed(distance, 2))×",
                       goal: "≤ 1.5×", met: distance <= 1.5),
            ]
        }
        results.append(Result(
            section: .scan, measure: "speed-up ceiling at concurrency \(concurrency): naive requests ÷ (default requests ÷ \(concurrency))",
            value: "\(fixed(Double(naive.requests) / (Double(fast.requests) / Double(concurrency))))×"))
        return results
    }

    /// One scan on a fresh simulator, so request counts and Digest state start from zero.
    static func scan(_ data: SimulatorData, _ configuration: BenchConfiguration, naive: Bool, concurrency: Int,
                     limitHeaders: Bool) async throws -> Outcome {
        // A bucket that never runs dry: its Ratelimit-Remaining replaces the endpoint sets' own.
        let bucket = limitHeaders ? nil : FaultConfiguration.RateLimit(capacity: 100_000_000, refillPerSecond: 100_000_000)
        let simulator = try await AtlasSimulator.start(
            configuration: SimulatorConfiguration(faults: FaultConfiguration(latency: configuration.scanLatency, rateLimit: bucket)), data: data)
        let transport = try AsyncHTTPClientTransport(baseURL: simulator.baseURL, environment: [:])
        let credentials = simulator.configuration.credentials
        let clientConfiguration = naive
            ? AtlasClientConfiguration(baseURL: simulator.baseURL, itemsPerPage: 100, pageConcurrency: 1)
            : AtlasClientConfiguration(baseURL: simulator.baseURL)
        let client = AtlasClient(
            configuration: clientConfiguration, transport: transport,
            authorizer: DigestAuthorizer(publicKey: credentials.publicKey, privateKey: Secret(credentials.privateKey), reuseNonce: !naive))
        do {
            let (result, elapsed) = try await measure {
                try await FleetScanner(client: client, concurrency: concurrency).run()
            }
            guard result.failures.isEmpty else {
                throw BenchError("the scan reported \(result.failures.count) failures, e.g. \(result.failures[0].error.message)")
            }
            let outcome = Outcome(elapsed: elapsed, requests: simulator.requestLog.count,
                                  challenges: simulator.requestCount(.challenge), certificates: result.rows.count)
            await transport.shutdown()
            try await simulator.shutdown()
            return outcome
        } catch {
            await transport.shutdown()
            try? await simulator.shutdown()
            throw error
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

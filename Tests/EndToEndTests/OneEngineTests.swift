import AtlasAPI
import AtlasSimulator
@testable import CertBrowser
import Foundation
import Synchronization
import Testing

/// Issue 10's acceptance: every front end walks the fleet through the one engine, so on
/// the same faulty simulator they find the same certificates and the same failures, and
/// none asks for a non-MANAGED user's certificates or for one user twice.
@Suite("One engine behind every front end", .serialized)
struct OneEngineTests {
    /// A project whose every call is 403, transient faults sparse enough that four
    /// attempts heal each of them (5xx, a cut JSON body, a truncated response, a dropped
    /// connection), and a token bucket small enough that the 64-wide start meets 429s.
    static let faults = FaultConfiguration(
        rateLimit: .init(capacity: 40, refillPerSecond: 40), failEvery: 59, truncateEvery: 71, dropEvery: 67, cutBodyEvery: 61)

    @Test("browser, list --all, list --project and check: same certificate IDs, same failures, one request per MANAGED user")
    func sameAnswerEverywhere() async throws {
        let now = Date()
        let data = SimulatorData.generate(seed: 61, now: now, organizations: 1, projectsPerOrganization: 4, usersPerProject: 30,
                                          certificatesPerManagedUser: 3, managedFraction: 0.6)
        let forbidden = data.projects[2]
        var faults = Self.faults
        faults.projectFaults = [forbidden.id: .forbidden]
        let simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(faults: faults), data: data)
        defer { Task { try? await simulator.shutdown() } }
        let readable = data.users.filter { $0.hasManagedCertificates && $0.groupId != forbidden.id }
        let expected = Set(readable.flatMap { user in
            data.certificates(groupId: user.groupId, username: user.username).filter { $0.notAfter > now }.map(\.id.decimal)
        })
        #expect(expected.count > 100)
        let environment = ListCommandTests.environment(for: simulator)

        /// Runs one front end and checks its certificate requests: only MANAGED users of
        /// the readable projects, each asked once (a retry repeats a request, so count
        /// distinct paths answered 200 and requests per path net of retried faults).
        func certificateRequests(since start: Int) -> [String: Int] {
            var byPath: [String: Int] = [:]
            for entry in simulator.requestLog.dropFirst(start) where entry.route == .certsList && entry.status == 200 && entry.fault == nil {
                byPath[entry.segments.joined(separator: "\u{0}"), default: 0] += 1
            }
            return byPath
        }
        let managedPaths = Set(readable.map { ["api", "atlas", "v2", "groups", $0.groupId, "databaseUsers", $0.username, "certs"].joined(separator: "\u{0}") })

        // The browser: its reducer, with the engine's runner and pacer, as the runtime drives it.
        var start = simulator.requestLog.count
        let browser = try await Self.browserWalk(simulator)
        #expect(Set(browser.rows.map(\.certificate.id.decimal)) == expected)
        #expect(Set(browser.failures.map(\.projectID)) == [forbidden.id])
        var requests = certificateRequests(since: start)
        #expect(Set(requests.keys) == managedPaths)
        #expect(requests.values.allSatisfy { $0 == 1 })

        // list --all.
        start = simulator.requestLog.count
        let all = try await ListCommandTests.atlasCerts(["list", "--all", "--output", "ndjson"], environment: environment)
        #expect(all.status == 1, "a project could not be read: exit 1")
        #expect(Self.ids(all.stdout) == expected)
        #expect(all.stderr.contains(forbidden.name) && all.stderr.contains("403"), "\(all.stderr)")
        requests = certificateRequests(since: start)
        #expect(Set(requests.keys) == managedPaths && requests.values.allSatisfy { $0 == 1 })

        // list --project, one project at a time.
        start = simulator.requestLog.count
        var perProject = Set<String>()
        for project in data.projects {
            let run = try await ListCommandTests.atlasCerts(["list", "--project", project.id, "--output", "ndjson"], environment: environment)
            #expect(run.status == (project.id == forbidden.id ? 1 : 0), "\(project.name): \(run.stderr)")
            perProject.formUnion(Self.ids(run.stdout))
        }
        #expect(perProject == expected)
        requests = certificateRequests(since: start)
        #expect(Set(requests.keys) == managedPaths && requests.values.allSatisfy { $0 == 1 })

        // check, with a warning threshold that puts every certificate in its details.
        start = simulator.requestLog.count
        let check = try await ListCommandTests.atlasCerts(
            ["check", "--every-certificate", "--warning", "3000d", "--critical", "1d", "--output", "json"], environment: environment)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any], "\(check.stdout)")
        let failures = try #require(document["failures"] as? [[String: Any]])
        #expect(failures.compactMap { $0["projectId"] as? String } == [forbidden.id])
        #expect(Self.ids(check.stdout) == expected)
        requests = certificateRequests(since: start)
        #expect(Set(requests.keys) == managedPaths && requests.values.allSatisfy { $0 == 1 })

        // The faults did happen, and were healed.
        let injected = Set(simulator.requestLog.compactMap(\.fault))
        #expect(injected.isSuperset(of: [.serverError, .cut, .dropped, .rateLimited]), "\(injected)")
    }

    /// Certificate IDs in any of the outputs: `"id": "…"` or `"id": …` (64-bit, exact).
    static func ids(_ text: String) -> Set<String> {
        let pattern = /"id"\s*:\s*"?([0-9]+)/
        return Set(text.matches(of: pattern).map { String($0.output.1) })
    }

    /// The browser's walk of the all-certificates view, without a terminal: the reducer's
    /// load effects run through the engine's `FleetJobRunner` and one `FleetPacer`, each
    /// outcome fed back, until no load is pending.
    static func browserWalk(_ simulator: AtlasSimulator) async throws -> FleetModel {
        let transport = try AsyncHTTPClientTransport(baseURL: simulator.baseURL, environment: [:])
        let credentials = simulator.configuration.credentials
        let client = AtlasClient(
            configuration: AtlasClientConfiguration(baseURL: simulator.baseURL), transport: transport,
            authorizer: DigestAuthorizer(publicKey: credentials.publicKey, privateKey: Secret(credentials.privateKey)))
        let runner = FleetJobRunner(client: client)
        let pacer = FleetPacer()
        var state = State(viewport: Size(width: 120, height: 40))
        var effects = state.apply(.start, now: Date()) + state.apply(.openAllCertificates, now: Date())
        await withTaskGroup(of: (RequestID, FleetOutcome).self) { group in
            var pending = 0
            while true {
                for effect in effects {
                    guard case .load(let id, let job) = effect else { continue }
                    pending += 1
                    group.addTask {
                        let outcome = await AtlasClient.$taskObserver.withValue(ClientEventObserver { pacer.record($0) }) {
                            (try? await pacer.run { await runner.run(job) }) ?? .cancelled(job)
                        }
                        return (id, outcome)
                    }
                }
                effects = []
                guard pending > 0, let (id, outcome) = await group.next() else { break }
                pending -= 1
                effects = state.apply(.loaded(id, outcome), now: Date())
            }
        }
        await transport.shutdown()
        return state.fleet
    }
}

import AtlasAPI
import AtlasSimulator
import Foundation
import Testing

/// `list --all` and `check`: the real binary against an in-process simulator.
@Suite("atlas-certs list --all and check, end to end")
struct FleetCommandTests {
    struct Row: Decodable {
        var id: CertificateID
        var projectId: String
        var notAfter: Date
    }

    static func decodeRows(_ text: String, ndjson: Bool = false) throws -> [Row] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        if ndjson {
            return try text.split(separator: "\n").map { try decoder.decode(Row.self, from: Data($0.utf8)) }
        }
        return try decoder.decode([Row].self, from: Data(text.utf8))
    }

    /// Every live certificate of every MANAGED user of `projects` (all when nil).
    static func expected(_ data: SimulatorData, projects: Set<String>? = nil, now: Date = Date()) -> [Certificate] {
        data.users.filter { $0.hasManagedCertificates && (projects?.contains($0.groupId) ?? true) }.flatMap {
            data.certificates(groupId: $0.groupId, username: $0.username).filter { $0.notAfter > now }
        }
    }

    static func withSimulator(seed: UInt64, faults: FaultConfiguration = FaultConfiguration(),
                              _ body: (SimulatorData, AtlasSimulator) async throws -> Void) async throws {
        let data = SimulatorData.generate(seed: seed, now: Date(), organizations: 2, projectsPerOrganization: 3,
                                          usersPerProject: 12, certificatesPerManagedUser: 2, managedFraction: 0.6)
        let simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(faults: faults), data: data)
        do {
            try await body(data, simulator)
        } catch {
            try? await simulator.shutdown()
            throw error
        }
        try await simulator.shutdown()
    }

    @Test("list --all: every certificate of the fleet, exact; --org narrows it; --expiring-within filters")
    func listAll() async throws {
        try await Self.withSimulator(seed: 31) { data, simulator in
            let environment = ListCommandTests.environment(for: simulator)
            let all = try await ListCommandTests.atlasCerts(["list", "--all", "--output", "json"], environment: environment)
            #expect(all.status == 0, "\(all.stderr)")
            let rows = try Self.decodeRows(all.stdout)
            #expect(Set(rows.map(\.id.decimal)) == Set(Self.expected(data).map(\.id.decimal)))
            #expect(rows.count == Self.expected(data).count)
            #expect(rows.map(\.notAfter) == rows.map(\.notAfter).sorted(), "soonest expiry first")
            #expect(all.stderr.isEmpty, "no progress on stderr when it is not a terminal: \(all.stderr)")

            let organization = data.organizations[1]
            let inOrganization = Set(data.projects.filter { $0.orgId == organization.id }.map(\.id))
            let narrowed = try await ListCommandTests.atlasCerts(["list", "--all", "--org", organization.id, "--output", "json"], environment: environment)
            #expect(narrowed.status == 0, "\(narrowed.stderr)")
            #expect(Set(try Self.decodeRows(narrowed.stdout).map(\.id.decimal)) == Set(Self.expected(data, projects: inOrganization).map(\.id.decimal)))

            let soon = try await ListCommandTests.atlasCerts(["list", "--all", "--expiring-within", "10d", "--output", "ndjson"], environment: environment)
            #expect(soon.status == 0, "\(soon.stderr)")
            let soonRows = try Self.decodeRows(soon.stdout, ndjson: true)
            let cutoff = Date().addingTimeInterval(10 * 86_400)
            #expect(!soonRows.isEmpty)
            #expect(soonRows.allSatisfy { $0.notAfter <= cutoff })
            #expect(Set(soonRows.map(\.id.decimal)) == Set(Self.expected(data).filter { $0.notAfter <= cutoff.addingTimeInterval(-60) }.map(\.id.decimal))
                    .union(soonRows.map(\.id.decimal)), "nothing due within 10 days is missing")
        }
    }

    @Test("list --all with one unreadable project: the rest is printed, the failure is named, exit 1")
    func listAllPartial() async throws {
        let seed: UInt64 = 32
        let probe = SimulatorData.generate(seed: seed, now: Date(), organizations: 2, projectsPerOrganization: 3,
                                           usersPerProject: 12, certificatesPerManagedUser: 2, managedFraction: 0.6)
        let broken = probe.projects[2]
        try await Self.withSimulator(seed: seed, faults: FaultConfiguration(projectFaults: [broken.id: .forbidden])) { data, simulator in
            let run = try await ListCommandTests.atlasCerts(["list", "--all", "--output", "ndjson"], environment: ListCommandTests.environment(for: simulator))
            #expect(run.status == 1)
            let healthy = Set(data.projects.map(\.id)).subtracting([broken.id])
            #expect(Set(try Self.decodeRows(run.stdout, ndjson: true).map(\.id.decimal)) == Set(Self.expected(data, projects: healthy).map(\.id.decimal)))
            #expect(run.stderr.contains("could not scan \(broken.name)"), "\(run.stderr)")
            #expect(run.stderr.contains("incomplete"))
        }
    }

    /// Seconds left on the soonest certificate of the fleet.
    static func soonestLeft(_ data: SimulatorData) throws -> Int {
        let soonest = try #require(expected(data).map(\.notAfter).min())
        return Int(soonest.timeIntervalSinceNow)
    }

    @Test("check --every-certificate: exit 0, 1 or 2 as the soonest certificate sits against the thresholds; one line with perfdata")
    func checkStates() async throws {
        try await Self.withSimulator(seed: 33) { data, simulator in
            let environment = ListCommandTests.environment(for: simulator)
            let left = try Self.soonestLeft(data)
            #expect(left > 7_200, "the generated soonest certificate has hours left")
            // A margin of an hour either side of the real time left: the run takes seconds.
            let ok = try await ListCommandTests.atlasCerts(["check", "--every-certificate", "--warning", "\(left - 3_600)s", "--critical", "60s"], environment: environment)
            #expect(ok.status == 0, "\(ok.stdout)")
            #expect(ok.stdout.hasPrefix("ATLAS-CERTS OK - 0 critical, 0 warning"), "\(ok.stdout)")

            let warning = try await ListCommandTests.atlasCerts(["check", "--every-certificate", "--warning", "\(left + 3_600)s", "--critical", "\(left - 3_600)s"], environment: environment)
            #expect(warning.status == 1, "\(warning.stdout)")
            #expect(warning.stdout.hasPrefix("ATLAS-CERTS WARNING - 0 critical, "))

            let critical = try await ListCommandTests.atlasCerts(["check", "--every-certificate", "--warning", "400d", "--critical", "\(left + 3_600)s"], environment: environment)
            #expect(critical.status == 2, "\(critical.stdout)")
            #expect(critical.stdout.hasPrefix("ATLAS-CERTS CRITICAL - "))
            let soonest = try #require(Self.expected(data).min { ($0.notAfter, $0.id.value) < ($1.notAfter, $1.id.value) })
            #expect(critical.stdout.contains("ID \(soonest.id.decimal)"), "names the soonest certificate")
            #expect(critical.stdout.split(separator: "\n").count == 1)
            #expect(critical.stdout.contains(" | critical="), "performance data after |")
            #expect(critical.stderr.isEmpty)

            let json = try await ListCommandTests.atlasCerts(["check", "--every-certificate", "--output", "json"], environment: environment)
            let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            #expect(document?["exitCode"] as? Int == Int(json.status))
            #expect((document?["soonest"] as? [String: Any])?["id"] as? NSNumber == NSNumber(value: soonest.id.value))
        }
    }

    @Test("check: UNKNOWN (3) when a project cannot be read, for wrong keys, and for a bad threshold")
    func checkUnknown() async throws {
        let seed: UInt64 = 34
        let probe = SimulatorData.generate(seed: seed, now: Date(), organizations: 2, projectsPerOrganization: 3,
                                           usersPerProject: 12, certificatesPerManagedUser: 2, managedFraction: 0.6)
        let broken = probe.projects[4]
        try await Self.withSimulator(seed: seed, faults: FaultConfiguration(projectFaults: [broken.id: .cannotAccess])) { _, simulator in
            let environment = ListCommandTests.environment(for: simulator)
            let partial = try await ListCommandTests.atlasCerts(["check"], environment: environment)
            #expect(partial.status == 3, "\(partial.stdout)")
            #expect(partial.stdout.hasPrefix("ATLAS-CERTS UNKNOWN - scan incomplete"), "\(partial.stdout)")
            #expect(partial.stdout.contains(broken.name))

            // Leaving the broken project out makes the scan complete again.
            let others = probe.projects.filter { $0.id != broken.id }.flatMap { ["--project", $0.id] }
            let scoped = try await ListCommandTests.atlasCerts(["check", "--warning", "1s", "--critical", "1s"] + others, environment: environment)
            #expect(scoped.status == 0, "\(scoped.stdout)")

            let secret = "not-the-key-77"
            let wrongKey = try await ListCommandTests.atlasCerts(["check"], environment: ListCommandTests.environment(for: simulator, privateKey: secret))
            #expect(wrongKey.status == 3)
            #expect(wrongKey.stdout.hasPrefix("ATLAS-CERTS UNKNOWN - HTTP 401"), "\(wrongKey.stdout)")
            #expect(!wrongKey.stdout.contains(secret) && !wrongKey.stderr.contains(secret))

            let badThreshold = try await ListCommandTests.atlasCerts(["check", "--warning", "soon"], environment: environment)
            #expect(badThreshold.status == 3)
            #expect(badThreshold.stdout.hasPrefix("ATLAS-CERTS UNKNOWN - --warning"), "\(badThreshold.stdout)")
        }
    }

    /// A slow Atlas: before `--deadline`, `check` needed 121 s to say UNKNOWN on a silent
    /// server with the default timeout, more than Nagios waits.
    @Test("check: UNKNOWN within --deadline when Atlas answers too slowly")
    func checkDeadline() async throws {
        try await Self.withSimulator(seed: 35, faults: FaultConfiguration(latency: .seconds(6))) { _, simulator in
            let started = ContinuousClock.now
            let slow = try await ListCommandTests.atlasCerts(["check", "--deadline", "2", "--timeout", "30"],
                                                            environment: ListCommandTests.environment(for: simulator))
            let waited = ContinuousClock.now - started
            #expect(slow.status == 3, "\(slow.stdout)")
            #expect(slow.stdout.hasPrefix("ATLAS-CERTS UNKNOWN - No verdict within 2 s (--deadline)"), "\(slow.stdout)")
            // The message proves the deadline ended the check; the bound is generous for a
            // loaded 2-core run, and still under Nagios' 60 s.
            #expect(waited < .seconds(60), "\(waited)")
            let bad = try await ListCommandTests.atlasCerts(["check", "--deadline", "0"], environment: ListCommandTests.environment(for: simulator))
            #expect(bad.status == 3)
            #expect(bad.stdout.contains("--deadline must be between 1 and 3600 seconds"), "\(bad.stdout)")
        }
    }
}

import AtlasAPI
import AtlasSimulator
import Foundation
import Synchronization
import Testing

/// `check` judges each MANAGED user by its coverage (issue 12): a rotated user raises
/// nothing, a user whose certificates are all gone is CRITICAL and named.
@Suite("check by coverage, end to end", .serialized)
struct CoverageCheckTests {
    static let day: TimeInterval = 86_400

    /// One project whose MANAGED users hold the given certificates (days left each).
    static func data(_ now: Date, _ certificates: [[Double]]) -> SimulatorData {
        var data = SimulatorData.generate(seed: 71, now: now, organizations: 1, projectsPerOrganization: 1,
                                          usersPerProject: certificates.count, certificatesPerManagedUser: 0, managedFraction: 1)
        data.certificates = zip(data.users, certificates).map { user, daysLeft in
            SimulatorData.UserCertificates(groupId: user.groupId, username: user.username, certificates: daysLeft.enumerated().map { index, days in
                Certificate(id: CertificateID((1 << 60) + UInt64(index) * 104_729 + UInt64(user.username.utf8.count) * 7),
                            subject: "CN=\(user.username)", createdAt: now.addingTimeInterval(-30 * day),
                            notAfter: now.addingTimeInterval(days * day), groupId: user.groupId)
            })
        }
        return data
    }

    @Test("a rotated user (old certificate 2 days left, new one 300) raises nothing by default, CRITICAL with --every-certificate")
    func rotatedUser() async throws {
        let now = Date()
        let data = Self.data(now, [[2, 300], [200]])
        let simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(), data: data)
        let environment = ListCommandTests.environment(for: simulator)
        let byCoverage = try await ListCommandTests.atlasCerts(["check"], environment: environment)
        let every = try await ListCommandTests.atlasCerts(["check", "--every-certificate"], environment: environment)
        let json = try await ListCommandTests.atlasCerts(["check", "--output", "json"], environment: environment)
        try await simulator.shutdown()
        #expect(byCoverage.status == 0, "\(byCoverage.stdout)")
        #expect(byCoverage.stdout.hasPrefix("ATLAS-CERTS OK - 0 of 2 users critical, 0 warning, 2 ok"), "\(byCoverage.stdout)")
        #expect(byCoverage.stdout.contains("users_critical=0"))
        #expect(every.status == 2, "\(every.stdout)")
        #expect(every.stdout.hasPrefix("ATLAS-CERTS CRITICAL - 1 critical, 0 warning, 2 ok"), "\(every.stdout)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(document["mode"] as? String == "coverage")
        #expect((document["users"] as? [String: Any])?["total"] as? Int == 2)
        #expect((document["attention"] as? [Any])?.isEmpty == true)
    }

    @Test("a user whose last certificate is gone by the second run is CRITICAL, named, 'no valid certificate'; never issued is counted")
    func lostBetweenRuns() async throws {
        let now = Date()
        // User 0 holds one certificate with 40 days left; user 1 never had one.
        let data = Self.data(now, [[40], []])
        let lost = data.users[0]
        // The simulator's clock decides what Atlas lists: 21 days on, the certificate has
        // expired for Atlas and is no longer listed.
        let clock = Mutex(now)
        let simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(clock: { clock.withLock { $0 } }), data: data)
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("atlas-certs-coverage-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        var environment = ListCommandTests.environment(for: simulator)
        environment["HOME"] = home.path
        let first = try await ListCommandTests.atlasCerts(["check"], environment: environment)
        clock.withLock { $0 = now.addingTimeInterval(41 * Self.day) }
        let second = try await ListCommandTests.atlasCerts(["check"], environment: environment)
        let required = try await ListCommandTests.atlasCerts(["check", "--require-certificate", "--output", "json"], environment: environment)
        try await simulator.shutdown()

        #expect(first.status == 0, "\(first.stdout)")
        #expect(first.stdout.contains("1 never issued"), "\(first.stdout)")
        #expect(second.status == 2, "\(second.stdout)")
        #expect(second.stdout.hasPrefix("ATLAS-CERTS CRITICAL - 1 of 2 users critical (1 with no valid certificate)"), "\(second.stdout)")
        #expect(second.stdout.contains("user \(lost.username)") && second.stdout.contains("no valid certificate"), "\(second.stdout)")
        #expect(second.stdout.contains("users_no_valid_certificate=1 users_never_issued=1"))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(required.stdout.utf8)) as? [String: Any], "\(required.stdout)")
        #expect(document["state"] as? String == "CRITICAL")
        let standings = (document["attention"] as? [[String: Any]] ?? []).compactMap { $0["standing"] as? String }
        #expect(Set(standings) == ["no_valid_certificate", "never_issued"])
        // The history file: metadata only, 0600.
        let files = try FileManager.default.subpathsOfDirectory(atPath: home.path).filter { $0.contains("history-") }
        let file = try #require(files.first)
        let attributes = try FileManager.default.attributesOfItem(atPath: home.appendingPathComponent(file).path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let text = try String(contentsOf: home.appendingPathComponent(file), encoding: .utf8)
        #expect(!text.contains("BEGIN") && !text.contains(simulator.configuration.credentials.privateKey))
    }
}

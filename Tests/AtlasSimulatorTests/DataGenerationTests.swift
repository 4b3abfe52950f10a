import AtlasAPI
import AtlasSimulator
import Foundation
import Testing

@Suite("Deterministic data generation")
struct DataGenerationTests {
    static let now = Date(timeIntervalSince1970: 1_786_000_000)

    static func fleet(seed: UInt64, hostile: Bool = false) -> SimulatorData {
        .generate(
            seed: seed, now: now, organizations: 2, projectsPerOrganization: 3, usersPerProject: 12,
            certificatesPerManagedUser: 3, managedFraction: 0.5, includeHostileNames: hostile)
    }

    @Test("the same seed gives byte-identical fixtures; another seed does not")
    func deterministic() throws {
        let first = try Self.fleet(seed: 42).jsonData()
        #expect(try Self.fleet(seed: 42).jsonData() == first)
        #expect(try Self.fleet(seed: 43).jsonData() != first)
    }

    @Test("a fixture round-trips exactly, 64-bit IDs included")
    func roundTrip() throws {
        let data = Self.fleet(seed: 7, hostile: true)
        let encoded = try data.jsonData()
        #expect(try SimulatorData.decode(from: encoded) == data)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("atlas-sim-fixture-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try data.write(to: file)
        #expect(try SimulatorData.load(contentsOf: file) == data)
        // The IDs are written as bare integers, exactly.
        let firstID = try #require(data.certificates.first?.certificates.first?.id.value)
        #expect(String(decoding: encoded, as: UTF8.self).contains("\"_id\" : \(firstID)"))
    }

    @Test("every x509Type, both auth databases and every username shape appear")
    func coverage() {
        let users = Self.fleet(seed: 9).users
        #expect(Set(users.map(\.x509Type)) == [.none, .customer, .managed])
        #expect(Set(users.map(\.databaseName)) == ["admin", "$external"])
        let names = users.map(\.username)
        #expect(names.contains { $0.hasPrefix("svc-") })
        #expect(names.contains { $0.contains(".") && !$0.contains("@") && !$0.hasPrefix("CN=") })
        #expect(names.contains { $0.contains("@") && $0.contains("+") })
        #expect(names.contains { $0.hasPrefix("CN=") && $0.contains(",OU=") && $0.contains(" ") })
        #expect(names.contains { $0.wholeMatch(of: #/[0-9a-f]{24}/[a-z]+-admins/#) != nil })
        #expect(names.contains { $0.unicodeScalars.contains { !$0.isASCII } })
        #expect(users.contains { $0.oidcAuthType == "IDP_GROUP" })
        // Unique per (project, auth database).
        let keys = users.map { "\($0.groupId)|\($0.databaseName)|\($0.username)" }
        #expect(Set(keys).count == keys.count)
    }

    @Test("certificates: serials above 2^60 and unique, spread over every expiry bucket, Atlas-shaped dates")
    func certificates() {
        let data = Self.fleet(seed: 11)
        let managed = Set(data.users.filter { $0.x509Type == .managed }.map { "\($0.groupId)|\($0.username)" })
        let certificates = data.certificates.flatMap(\.certificates)
        #expect(Set(data.certificates.map { "\($0.groupId)|\($0.username)" }) == managed)
        #expect(certificates.allSatisfy { $0.id.value > 1 << 60 })
        #expect(Set(certificates.map(\.id)).count == certificates.count)
        let days = certificates.map { $0.notAfter.timeIntervalSince(Self.now) / 86_400 }
        #expect(days.contains { $0 < 0 })
        #expect(days.contains { $0 > 0 && $0 < 7 })
        #expect(days.contains { $0 >= 7 && $0 < 30 })
        #expect(days.contains { $0 >= 30 && $0 < 90 })
        #expect(days.contains { $0 >= 90 })
        #expect(certificates.allSatisfy { ($0.createdAt ?? .distantFuture) < Self.now })
        #expect(certificates.allSatisfy { $0.createdAt.map { $0.timeIntervalSince1970.rounded() == $0.timeIntervalSince1970 } ?? false })
        let dnEntry = data.certificates.first { $0.username.hasPrefix("CN=") }
        #expect(dnEntry.map { entry in entry.certificates.allSatisfy { $0.subject == entry.username } } == true)
        let plainEntry = data.certificates.first { $0.username.hasPrefix("svc-") }
        #expect(plainEntry.map { entry in entry.certificates.allSatisfy { $0.subject == "CN=" + entry.username } } == true)
    }

    @Test("hostile names carry ESC[, OSC 52, BEL, CR and U+202E in a project and a MANAGED user")
    func hostileNames() {
        let data = Self.fleet(seed: 5, hostile: true)
        let escapes = ["\u{1B}[31m", "\u{07}", "\r", "\u{202E}"]
        let project = data.projects.first { name in escapes.allSatisfy { name.name.contains($0) } }
        #expect(project != nil)
        let user = data.users.first { $0.username.contains("\u{1B}]52;") }
        #expect(user?.x509Type == .managed)
        #expect(user?.groupId == project?.id)
        #expect(user.map { data.certificates(groupId: $0.groupId, username: $0.username).isEmpty } == false)
        #expect(Self.fleet(seed: 5).projects.count == data.projects.count - 1)
    }

    @Test("the demo preset: 2 organizations, 6 named projects of 10 users, every status")
    func demo() throws {
        let data = SimulatorData.demo(now: Self.now)
        #expect(data.organizations.count == 2)
        #expect(data.projects.map(\.name) == ["payments-prod", "payments-staging", "analytics", "ml-platform", "edge-iot", "internal-tools"])
        #expect(data.users.count == 60)
        let days = data.certificates.flatMap(\.certificates).map { $0.notAfter.timeIntervalSince(Self.now) / 86_400 }
        #expect(days.contains { $0 < 0 } && days.contains { $0 > 0 && $0 < 7 } && days.contains { $0 > 90 })
        #expect(try SimulatorData.demo(now: Self.now).jsonData() == data.jsonData())
    }
}

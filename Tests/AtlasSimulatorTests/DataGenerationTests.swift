import AtlasAPI
import Foundation
import Testing

@testable import AtlasSimulator

@Suite("Deterministic data generation")
struct DataGenerationTests {
    static let now = Date(timeIntervalSince1970: 1_786_000_000)

    static func fleet(seed: UInt64, hostile: Bool = false) -> SimulatorData {
        .generate(
            seed: seed, now: now, organizations: 2, projectsPerOrganization: 3, usersPerProject: 12,
            certificatesPerManagedUser: 3, managedFraction: 0.5, includeHostileNames: hostile)
    }

    @Test func sameSeedGivesByteIdenticalFixtures() throws {
        let first = try Self.fleet(seed: 42).jsonData()
        let second = try Self.fleet(seed: 42).jsonData()
        #expect(first == second)
        #expect(try Self.fleet(seed: 43).jsonData() != first)
    }

    @Test func fixtureRoundTripsExactly() throws {
        let data = Self.fleet(seed: 7, hostile: true)
        let decoded = try SimulatorData.decode(from: data.jsonData())
        #expect(decoded == data)
    }
}

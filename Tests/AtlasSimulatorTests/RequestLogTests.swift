import AtlasSimulator
import Foundation
import Testing

@Suite("Request log and counters")
struct RequestLogTests {
    @Test("counts by route kind, with challenges apart, and reset clears them")
    func counts() async throws {
        try await Harness.with { harness in
            let project = Fixtures.project
            _ = try await harness.digest("GET", "/api/atlas/v2/orgs")
            _ = try await harness.digest("GET", "/api/atlas/v2/groups")
            _ = try await harness.digest("GET", "/api/atlas/v1.0/orgs/\(Fixtures.orgA)/groups")
            _ = try await harness.digest("GET", "/api/atlas/v2/groups/\(project)/databaseUsers")
            _ = try await harness.digest("GET", "/api/atlas/v2/groups/\(project)/databaseUsers/admin/app-reader")
            _ = try await harness.digest("GET", "/api/atlas/v2/groups/\(project)/databaseUsers/user389/certs")
            _ = try await harness.digest("POST", "/api/atlas/v2/groups/\(project)/databaseUsers/user389/certs", body: Harness.monthsBody(1))
            _ = try await DigestAuthTests.tokenResponse(harness)
            let simulator = harness.simulator
            #expect(simulator.requestCounts == [
                .challenge: 7, .orgs: 1, .groups: 1, .orgGroups: 1, .users: 1, .user: 1, .certsList: 1, .certsCreate: 1, .token: 1,
            ])
            let create = try #require(simulator.requestLog.first { $0.route == .certsCreate })
            #expect(create.method == "POST")
            #expect(create.status == 201)
            #expect(create.authenticated)
            #expect(create.authorizationScheme == "Digest")
            #expect(create.path == "/api/atlas/v2/groups/\(project)/databaseUsers/user389/certs")
            #expect(create.date == Fixtures.now)
            let challenge = try #require(simulator.requestLog.first)
            #expect(challenge.route == .challenge)
            #expect(challenge.status == 401)
            #expect(!challenge.authenticated)
            #expect(challenge.authorizationScheme == nil)
            simulator.resetRequestLog()
            #expect(simulator.requestLog.isEmpty)
            #expect(simulator.requestCount(.orgs) == 0)
        }
    }

    @Test("the query is logged as sent")
    func query() async throws {
        try await Harness.with { harness in
            _ = try await harness.digest("GET", "/api/atlas/v2/orgs?pageNum=2&itemsPerPage=5")
            #expect(harness.simulator.requestLog.last?.query == "pageNum=2&itemsPerPage=5")
        }
    }
}

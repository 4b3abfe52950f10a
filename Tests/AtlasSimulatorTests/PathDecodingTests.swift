import AtlasSimulator
import Foundation
import Testing

@Suite("Usernames in paths")
struct PathDecodingTests {
    /// Each username as a client percent-encodes it per segment (Go's url.PathEscape).
    static let cases: [(username: String, database: String, segment: String)] = [
        (Fixtures.oidcUser, "admin", "d0123456789abcdef012345d%2Fuser-332"),
        (Fixtures.dnUser, "$external", "CN=Ana%20Lima%2COU=Payments%2CO=Acme"),
        (Fixtures.plusUser, "$external", "ci+deploy@acme.io"),
        (Fixtures.accentUser, "$external", "jos%C3%A9"),
        (Fixtures.spacedUser, "$external", "%E7%94%A8%E6%88%B7%20one"),
        (Fixtures.dottedUser, "$external", "ana.lima"),
    ]

    @Test("get-user decodes each segment and links back with Atlas's encoding")
    func getUser() async throws {
        try await Harness.with { harness in
            for (username, database, segment) in Self.cases {
                let target = "/api/atlas/v2/groups/\(Fixtures.project)/databaseUsers/\(database)/\(segment)"
                let response = try await harness.digest("GET", target)
                #expect(response.status == 200, "\(username)")
                let body = try response.json()
                #expect(body["username"]?.string == username)
                #expect(body["databaseName"]?.string == database)
                #expect(body["links"]?[0]?["href"]?.string == harness.simulator.baseURL + target, "\(username)")
                let logged = try #require(harness.simulator.requestLog.last)
                #expect(logged.segments.last == username)
                #expect(logged.rawPath == target)
            }
        }
    }

    @Test("the certs path has no database segment and decodes the same way")
    func certs() async throws {
        try await Harness.with { harness in
            let response = try await harness.digest("GET", "/api/atlas/v2/groups/\(Fixtures.project)/databaseUsers/%E7%94%A8%E6%88%B7%20one/certs")
            #expect(response.status == 200)
            #expect(try response.json()["results"]?.array?.count == 1)
            let dotted = try await harness.digest("GET", "/api/atlas/v2/groups/\(Fixtures.project)/databaseUsers/ana.lima/certs")
            #expect(dotted.status == 200)
            #expect(try dotted.json()["results"]?.array?.isEmpty == true)
        }
    }

    @Test("a malformed escape is not a user")
    func malformedEscape() async throws {
        try await Harness.with { harness in
            let response = try await harness.digest("GET", "/api/atlas/v2/groups/\(Fixtures.project)/databaseUsers/admin/bad%zz")
            #expect(response.status == 404)
        }
    }
}

@Suite("Hostile names on the wire")
struct HostileNameTests {
    @Test("control characters travel JSON-escaped, never raw, and the hostile user's certs are reachable")
    func escaped() async throws {
        let data = SimulatorData.generate(seed: 3, now: Fixtures.now, organizations: 1, projectsPerOrganization: 1, usersPerProject: 2, includeHostileNames: true)
        let user = try #require(data.users.first { $0.username.contains("\u{1B}") })
        try await Harness.with(data: data) { harness in
            let list = try await harness.digest("GET", "/api/atlas/v2/groups/\(user.groupId)/databaseUsers")
            #expect(list.status == 200)
            #expect(!list.body.contains(0x1B) && !list.body.contains(0x07) && !list.body.contains(0x0D))
            #expect(list.text.contains("\\u001b"))
            let names = try list.json()["results"]?.array?.compactMap { $0["username"]?.string }
            #expect(names == [user.username])
            let href = try #require(try list.json()["results"]?[0]?["links"]?[0]?["href"]?.string)
            #expect(href.allSatisfy { $0.isASCII && !$0.isWhitespace && $0 != "\u{1B}" })
            let encoded = String(href.split(separator: "/").last ?? "")
            let certs = try await harness.digest("GET", "/api/atlas/v2/groups/\(user.groupId)/databaseUsers/\(encoded)/certs")
            #expect(certs.status == 200)
            #expect((try certs.json()["results"]?.array?.count ?? 0) > 0)
        }
    }

    @Test("pretty=true pretty-prints the same content")
    func pretty() async throws {
        try await Harness.with { harness in
            let compact = try await harness.digest("GET", "/api/atlas/v2/orgs")
            let pretty = try await harness.digest("GET", "/api/atlas/v2/orgs?pretty=true")
            #expect(pretty.text.contains("\n  "))
            #expect(try pretty.json()["results"] == compact.json()["results"])
        }
    }
}

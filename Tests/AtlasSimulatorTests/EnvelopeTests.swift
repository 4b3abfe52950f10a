import AtlasSimulator
import Foundation
import Testing

/// `envelope=true` as MongoDB's IPA-115 and the spec's `envelope` parameter describe it:
/// HTTP 200 always, the real status in the body; single resources and errors under
/// `content`, lists with a `status` member added.
@Suite("Envelope")
struct EnvelopeTests {
    static let users = "/api/atlas/v2/groups/\(Fixtures.project)/databaseUsers"

    @Test("a list keeps its shape and gains status")
    func list() async throws {
        try await Harness.with { harness in
            let response = try await harness.digest("GET", "/api/atlas/v2/orgs?envelope=true")
            #expect(response.status == 200)
            let body = try response.json()
            #expect(body["status"]?.int == 200)
            #expect(body["totalCount"]?.int == 2)
            #expect(body["results"]?.array?.count == 2)
            #expect(body["content"] == nil)
            #expect(body["links"]?.array?.isEmpty == false)
        }
    }

    @Test("a single resource moves under content, on v1.0 and v2")
    func entity() async throws {
        try await Harness.with { harness in
            for version in ["v2", "v1.0"] {
                let target = "/api/atlas/\(version)/groups/\(Fixtures.project)/databaseUsers/%24external/\(Fixtures.managed)?envelope=true"
                let response = try await harness.digest("GET", target)
                #expect(response.status == 200)
                let body = try response.json()
                #expect(body.keys.sorted() == ["content", "status"])
                #expect(body["status"]?.int == 200)
                #expect(body["content"]?["username"]?.string == Fixtures.managed)
                #expect(body["content"]?["databaseName"]?.string == "$external")
            }
        }
    }

    @Test("an error is sent as 200 with its status and ApiError under content; X-Error-Code stays")
    func error() async throws {
        try await Harness.with { harness in
            let response = try await harness.digest("GET", "/api/atlas/v2/groups/\(Fixtures.missing)/databaseUsers?envelope=true")
            #expect(response.status == 200)
            #expect(response.header("X-Error-Code") == "GROUP_NOT_FOUND")
            let body = try response.json()
            #expect(body["status"]?.int == 404)
            #expect(body["content"]?["error"]?.int == 404)
            #expect(body["content"]?["errorCode"]?.string == "GROUP_NOT_FOUND")
            #expect(harness.simulator.requestLog.last?.status == 200)
        }
    }

    @Test("a 405 keeps its Allow header inside the envelope")
    func methodNotAllowed() async throws {
        try await Harness.with { harness in
            let response = try await harness.digest("DELETE", "/api/atlas/v2/orgs?envelope=true")
            #expect(response.status == 200)
            #expect(response.header("Allow") == "GET")
            #expect(try response.json()["status"]?.int == 405)
            #expect(try response.json()["content"]?["errorCode"]?.string == "METHOD_NOT_ALLOWED")
        }
    }

    @Test("the created certificate's PEM becomes a JSON string under content, status 201")
    func created() async throws {
        try await Harness.with { harness in
            let response = try await harness.digest(
                "POST", "\(Self.users)/\(Fixtures.managed)/certs?envelope=true", body: Harness.monthsBody(2))
            #expect(response.status == 200)
            let body = try response.json()
            #expect(body["status"]?.int == 201)
            let pem = try #require(body["content"]?.string)
            #expect(pem.hasPrefix("-----BEGIN CERTIFICATE-----\n"))
            #expect(pem.contains("-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\n"))
        }
    }

    @Test("any case of true turns it on; false and absence leave responses alone")
    func parameterValues() async throws {
        try await Harness.with { harness in
            let on = try await harness.digest("GET", "/api/atlas/v2/groups/\(Fixtures.missing)/databaseUsers?envelope=TRUE")
            #expect(on.status == 200)
            for query in ["?envelope=false", "?envelope=False", ""] {
                let off = try await harness.digest("GET", "/api/atlas/v2/groups/\(Fixtures.missing)/databaseUsers\(query)")
                #expect(off.status == 404, "\(query)")
                #expect(try off.json()["errorCode"]?.string == "GROUP_NOT_FOUND", "\(query)")
            }
        }
    }

    /// Regression (schemathesis, ST201): `pretty=null` was answered 200 although the spec
    /// types `pretty` and `envelope` as booleans; `includeCount` was already refused so.
    @Test("envelope or pretty that is not a boolean is 400 INVALID_QUERY_PARAMETER, before any 404, unwrapped")
    func notABoolean() async throws {
        try await Harness.with { harness in
            for (name, value) in [("envelope", "yes"), ("envelope", ""), ("pretty", "null"), ("pretty", "1")] {
                let target = "/api/atlas/v2/groups/\(Fixtures.missing)/databaseUsers?\(name)=\(value)"
                let response = try await harness.digest("GET", target)
                #expect(response.status == 400, "\(name)=\(value)")
                let body = try response.json()
                #expect(body["errorCode"]?.string == "INVALID_QUERY_PARAMETER", "\(name)=\(value)")
                #expect(body["parameters"]?[0]?.string == name)
            }
            let valid = try await harness.digest("GET", "/api/atlas/v2/orgs?pretty=TRUE&envelope=false")
            #expect(valid.status == 200)
            #expect(valid.text.contains("\n"))
        }
    }

    @Test("digest challenges and the token endpoint are never wrapped")
    func authenticationUnwrapped() async throws {
        try await Harness.with { harness in
            let challenge = try await harness.raw("GET", "/api/atlas/v2/orgs?envelope=true")
            #expect(challenge.status == 401)
            #expect(challenge.header("Www-Authenticate")?.hasPrefix("Digest ") == true)
            let token = try await harness.raw(
                "POST", "/api/oauth/token?envelope=true",
                headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array("grant_type=client_credentials".utf8))
            #expect(token.status == 401)
            #expect(try token.json()["status"] == nil)
        }
    }
}

import AtlasSimulator
import Foundation
import Testing

@Suite("Atlas error responses")
struct ErrorResponseTests {
    /// Checks the transport facts every Atlas error shares and returns the body.
    static func expectError(_ response: RawHTTPResponse, status: Int, code: String) throws -> JSON {
        #expect(response.status == status)
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.header("X-Error-Code") == code)
        let body = try response.json()
        #expect(body["error"]?.int == status)
        #expect(body["errorCode"]?.string == code)
        #expect(body["reason"]?.string != nil)
        return body
    }

    @Test("GROUP_NOT_FOUND is byte-for-byte Atlas's body")
    func groupNotFound() async throws {
        try await Harness.with { harness in
            let response = try await harness.digest("GET", "/api/atlas/v2/groups/\(Fixtures.missing)/databaseUsers")
            _ = try Self.expectError(response, status: 404, code: "GROUP_NOT_FOUND")
            #expect(response.text == #"{"detail":"No group with ID 111111111111111111111111 exists.","error":404,"errorCode":"GROUP_NOT_FOUND","parameters":["111111111111111111111111"],"reason":"Not Found"}"#)
        }
    }

    @Test("ORG_NOT_FOUND and USERNAME_NOT_FOUND on each lookup path")
    func notFound() async throws {
        try await Harness.with { harness in
            let org = try Self.expectError(
                try await harness.digest("GET", "/api/atlas/v2/orgs/\(Fixtures.missing)/groups"), status: 404, code: "ORG_NOT_FOUND")
            #expect(org["parameters"] == .array([.string(Fixtures.missing)]))
            let user = try Self.expectError(
                try await harness.digest("GET", "/api/atlas/v2/groups/\(Fixtures.project)/databaseUsers/admin/nobody"),
                status: 404, code: "USERNAME_NOT_FOUND")
            #expect(user["detail"]?.string == "No user with username nobody exists.")
            // Right name, wrong authentication database: still not found.
            _ = try Self.expectError(
                try await harness.digest("GET", "/api/atlas/v2/groups/\(Fixtures.project)/databaseUsers/admin/user389"),
                status: 404, code: "USERNAME_NOT_FOUND")
            _ = try Self.expectError(
                try await harness.digest("GET", "/api/atlas/v2/groups/\(Fixtures.project)/databaseUsers/nobody/certs"),
                status: 404, code: "USERNAME_NOT_FOUND")
            _ = try Self.expectError(
                try await harness.digest("POST", "/api/atlas/v2/groups/\(Fixtures.missing)/databaseUsers/user389/certs", body: Harness.monthsBody(3)),
                status: 404, code: "GROUP_NOT_FOUND")
        }
    }

    @Test("create: USER_NOT_MANAGED_X509, CERT_EXPIRY_CANNOT_EXCEED_TWO_YEARS, VALIDATION_ERROR, MALFORMED_JSON")
    func createErrors() async throws {
        try await Harness.with { harness in
            let certs = "/api/atlas/v2/groups/\(Fixtures.project)/databaseUsers"
            let notManaged = try Self.expectError(
                try await harness.digest("POST", "\(certs)/app-reader/certs", body: Harness.monthsBody(3)), status: 400,
                code: "USER_NOT_MANAGED_X509")
            #expect(notManaged["detail"]?.string == "The user does not have managed mode X509 enabled.")
            let customer = "/api/atlas/v2/groups/\(Fixtures.project)/databaseUsers/CN=Bruno%20Costa%2COU=Platform%2CO=Globex/certs"
            _ = try Self.expectError(
                try await harness.digest("POST", customer, body: Harness.monthsBody(3)), status: 400, code: "USER_NOT_MANAGED_X509")
            let tooLong = try Self.expectError(
                try await harness.digest("POST", "\(certs)/user389/certs", body: Harness.monthsBody(25)), status: 400,
                code: "CERT_EXPIRY_CANNOT_EXCEED_TWO_YEARS")
            #expect(tooLong["detail"]?.string == "Atlas-generated X.509 certificates have a maximum expiration of 24 months.")
            let zero = try Self.expectError(
                try await harness.digest("POST", "\(certs)/user389/certs", body: Harness.monthsBody(0)), status: 400,
                code: "VALIDATION_ERROR")
            #expect(zero["badRequestDetail"]?["fields"]?[0]?["field"]?.string == "monthsUntilExpiration")
            _ = try Self.expectError(
                try await harness.digest("POST", "\(certs)/user389/certs", body: Array("{not json".utf8)), status: 400,
                code: "MALFORMED_JSON")
            // None of these created anything.
            #expect(harness.simulator.data.certificates(groupId: Fixtures.project, username: "user389").count == 3)
        }
    }

    @Test("rate-limit headers follow Atlas's endpoint sets and count down")
    func rateLimitHeaders() async throws {
        try await Harness.with { harness in
            let cases = [
                ("/api/atlas/v2/orgs", "300"), ("/api/atlas/v2/groups", "1200"),
                ("/api/atlas/v2/orgs/\(Fixtures.orgA)/groups", "1200"),
                ("/api/atlas/v2/groups/\(Fixtures.project)/databaseUsers", "10000"),
                ("/api/atlas/v2/groups/\(Fixtures.project)/databaseUsers/admin/app-reader", "10000"),
                ("/api/atlas/v2/groups/\(Fixtures.project)/databaseUsers/user389/certs", "1200"),
                ("/api/atlas/v2/groups/\(Fixtures.missing)/databaseUsers", "10000"),
            ]
            for (path, limit) in cases {
                let response = try await harness.digest("GET", path)
                #expect(response.header("Ratelimit-Limit") == limit, "\(path)")
                #expect(response.header("Ratelimit-Remaining").flatMap(Int.init) != nil, "\(path)")
            }
            let again = try await harness.digest("GET", "/api/atlas/v2/groups")
            #expect(again.header("Ratelimit-Remaining") == "1197")
        }
    }

    @Test("unknown paths are 404 RESOURCE_NOT_FOUND after authentication; wrong methods 405 with an Allow header")
    func unknownPaths() async throws {
        try await Harness.with { harness in
            #expect(try await harness.raw("GET", "/api/atlas/v2/clusters").status == 401)
            _ = try Self.expectError(try await harness.digest("GET", "/api/atlas/v2/clusters"), status: 404, code: "RESOURCE_NOT_FOUND")
            let wrong = try await harness.digest("DELETE", "/api/atlas/v2/orgs")
            _ = try Self.expectError(wrong, status: 405, code: "METHOD_NOT_ALLOWED")
            #expect(wrong.header("Allow") == "GET")
            let certs = try await harness.digest("PUT", "/api/atlas/v2/groups/g/databaseUsers/u/certs")
            #expect(certs.status == 405)
            #expect(certs.header("Allow") == "GET, POST")
        }
    }
}

@Suite("Version negotiation")
struct VersionNegotiationTests {
    @Test("v2 answers 2023-01-01 for a missing, generic or exact Accept", arguments: [
        nil, "*/*", "application/json", "application/vnd.atlas.2023-01-01+json",
        "application/vnd.atlas.2023-01-01+json;charset=utf-8",
    ])
    func accepted(_ accept: String?) async throws {
        try await Harness.with { harness in
            let response = try await harness.digest("GET", "/api/atlas/v2/orgs", accept: accept)
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/vnd.atlas.2023-01-01+json;charset=utf-8")
        }
    }

    @Test("v2 refuses other or malformed version dates with 406 INVALID_VERSION_DATE", arguments: [
        "application/vnd.atlas.2024-08-05+json", "application/vnd.atlas.2099-01-01+json", "application/vnd.atlas.latest+json",
        "application/vnd.atlas.2023-01-01",
    ])
    func refused(_ accept: String) async throws {
        try await Harness.with { harness in
            let response = try await harness.digest("GET", "/api/atlas/v2/groups", accept: accept)
            let body = try ErrorResponseTests.expectError(response, status: 406, code: "INVALID_VERSION_DATE")
            #expect(body["detail"]?.string == "Invalid accept header or version date.")
            #expect(body["reason"]?.string == "Not Acceptable")
        }
    }

    @Test("v1.0 ignores Atlas version media types and answers application/json")
    func version1() async throws {
        try await Harness.with { harness in
            let response = try await harness.digest("GET", "/api/atlas/v1.0/orgs", accept: "application/vnd.atlas.2099-01-01+json")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json")
        }
    }
}

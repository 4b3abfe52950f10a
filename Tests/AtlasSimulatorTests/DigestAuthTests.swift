import AtlasSimulator
import Foundation
import Testing

@Suite("Digest and OAuth authentication")
struct DigestAuthTests {
    @Test("the test's own MD5 matches RFC 1321's vectors")
    func md5Vectors() {
        #expect(MD5.hex("") == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(MD5.hex("abc") == "900150983cd24fb0d6963f7d28e17f72")
        #expect(MD5.hex("message digest") == "f96b697d7cb7938d525a2f31aaf161d0")
        #expect(
            MD5.hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890")
                == "57edf4a22be3c955ac49da2e2107b67a")
    }

    @Test("an unauthenticated request gets Atlas's exact challenge and body, and no rate-limit headers")
    func challengeShape() async throws {
        try await Harness.with { harness in
            let response = try await harness.raw("GET", "/api/atlas/v2/groups")
            #expect(response.status == 401)
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.text == "{\n  \"error\" : 401,\n  \"reason\" : \"Unauthorized\",\n  \"detail\" : \"You are not authorized for this resource.\",\n  \"errorCode\" : \"UNEXPECTED_ERROR\"\n}")
            let header = try #require(response.header("Www-Authenticate"))
            let pattern = #/^Digest realm="MMS Public API", domain="", nonce="[A-Za-z0-9+/]{32}", algorithm=MD5, qop="auth", stale=false$/#
            #expect(header.wholeMatch(of: pattern) != nil, "\(header)")
            #expect(response.header("Ratelimit-Limit") == nil)
            #expect(harness.simulator.requestCount(.challenge) == 1)
        }
    }

    @Test("one nonce serves many requests with nc values in any order; a repeated nc is refused")
    func nonceReuse() async throws {
        try await Harness.with { harness in
            let nonce = try await harness.challenge().nonce
            for nc in [1, 3, 2, 7] {
                let response = try await harness.signed("GET", "/api/atlas/v2/orgs", nonce: nonce, nc: nc)
                #expect(response.status == 200, "nc \(nc)")
            }
            let replay = try await harness.signed("GET", "/api/atlas/v2/orgs", nonce: nonce, nc: 3)
            #expect(replay.status == 401)
            #expect(DigestChallenge.parse(replay.header("Www-Authenticate"))?.stale == false)
            #expect(harness.simulator.requestCount(.challenge) == 1)
            #expect(harness.simulator.requestCount(.orgs) == 5)
        }
    }

    @Test("an expired nonce gets stale=true and a new nonce that works")
    func staleNonce() async throws {
        try await Harness.with(configure: { $0.nonceLifetime = 60 }) { harness in
            let nonce = try await harness.challenge().nonce
            #expect(try await harness.signed("GET", "/api/atlas/v2/orgs", nonce: nonce, nc: 1).status == 200)
            harness.clock.advance(by: 61)
            let stale = try await harness.signed("GET", "/api/atlas/v2/orgs", nonce: nonce, nc: 2)
            #expect(stale.status == 401)
            let challenge = try #require(DigestChallenge.parse(stale.header("Www-Authenticate")))
            #expect(challenge.stale)
            #expect(challenge.nonce != nonce)
            #expect(try await harness.signed("GET", "/api/atlas/v2/orgs", nonce: challenge.nonce, nc: 1).status == 200)
        }
    }

    @Test("a wrong private key gets 401 stale=false with a fresh nonce")
    func wrongKey() async throws {
        try await Harness.with { harness in
            let nonce = try await harness.challenge().nonce
            let response = try await harness.signed("GET", "/api/atlas/v2/orgs", nonce: nonce, nc: 1, password: "wrong")
            #expect(response.status == 401)
            let challenge = try #require(DigestChallenge.parse(response.header("Www-Authenticate")))
            #expect(!challenge.stale)
            #expect(challenge.nonce != nonce)
            #expect(harness.simulator.requestLog.last?.authenticated == false)
            #expect(harness.simulator.requestLog.last?.route == .orgs)
        }
    }

    @Test("the signed uri must be the request's path and query")
    func uriMustMatch() async throws {
        try await Harness.with { harness in
            let nonce = try await harness.challenge().nonce
            let authorization = DigestSigner.authorization(
                method: "GET", uri: "/api/atlas/v2/orgs", nonce: nonce, nc: 1, username: harness.credentials.publicKey,
                password: harness.credentials.privateKey)
            let response = try await harness.raw("GET", "/api/atlas/v2/orgs?pageNum=1", headers: [("Authorization", authorization)])
            #expect(response.status == 401)
            let good = try await harness.signed("GET", "/api/atlas/v2/orgs?pageNum=1", nonce: nonce, nc: 2)
            #expect(good.status == 200)
        }
    }

    @Test("service account: a token from /api/oauth/token authorizes API calls")
    func bearerToken() async throws {
        try await Harness.with { harness in
            let token = try await Self.token(harness)
            let response = try await harness.raw("GET", "/api/atlas/v2/orgs", headers: [("Authorization", "Bearer \(token)")])
            #expect(response.status == 200)
            #expect(harness.simulator.requestLog.last?.authorizationScheme == "Bearer")
            #expect(harness.simulator.requestCount(.token) == 1)
            let unknown = try await harness.raw("GET", "/api/atlas/v2/orgs", headers: [("Authorization", "Bearer nope")])
            #expect(unknown.status == 401)
            harness.clock.advance(by: 3_601)
            let expired = try await harness.raw("GET", "/api/atlas/v2/orgs", headers: [("Authorization", "Bearer \(token)")])
            #expect(expired.status == 401)
        }
    }

    @Test("token endpoint: wrong secret is 401; the 11th request in a minute is 429 RATE_LIMITED")
    func tokenRateLimit() async throws {
        try await Harness.with { harness in
            let wrong = try await Self.tokenResponse(harness, secret: "wrong")
            #expect(wrong.status == 401)
            #expect(try wrong.json()["error"]?.string == "invalid_client")
            for _ in 0..<10 { #expect(try await Self.tokenResponse(harness).status == 200) }
            let limited = try await Self.tokenResponse(harness)
            #expect(limited.status == 429)
            let body = try limited.json()
            #expect(body["errorCode"]?.string == "RATE_LIMITED")
            #expect(body["detail"]?.string == "Resource /api/oauth/token is limited to 10 requests every 1 minutes.")
            #expect(body["parameters"] == .array([.string("/api/oauth/token"), .number("10"), .number("1")]))
            harness.clock.advance(by: 61)
            #expect(try await Self.tokenResponse(harness).status == 200)
        }
    }

    static func tokenResponse(_ harness: Harness, secret: String? = nil) async throws -> RawHTTPResponse {
        let credentials = harness.credentials
        let basic = Data("\(credentials.clientID):\(secret ?? credentials.clientSecret)".utf8).base64EncodedString()
        return try await harness.raw(
            "POST", "/api/oauth/token",
            headers: [("Authorization", "Basic \(basic)"), ("Content-Type", "application/x-www-form-urlencoded")],
            body: Array("grant_type=client_credentials".utf8))
    }

    static func token(_ harness: Harness) async throws -> String {
        let response = try await tokenResponse(harness)
        #expect(response.status == 200)
        let body = try response.json()
        #expect(body["token_type"]?.string == "Bearer")
        #expect(body["expires_in"]?.int == 3_600)
        return try #require(body["access_token"]?.string)
    }
}

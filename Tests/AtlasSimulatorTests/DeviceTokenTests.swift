import AtlasSimulator
import Foundation
import Testing

/// The browser-login token endpoint: refresh with rotation, and Bearer access tokens on the API.
@Suite("Simulator: browser-login refresh (device/token) and Bearer access tokens")
struct DeviceTokenTests {
    static let path = "/api/private/unauth/account/device/token"

    static func refresh(_ harness: Harness, _ refreshToken: String, clientID: String = "0oabtxactgS3gHIR0297",
                        grantType: String = "refresh_token") async throws -> RawHTTPResponse {
        let form = "client_id=\(clientID)&grant_type=\(grantType)&refresh_token=\(refreshToken)&scope=openid+profile+offline_access"
        return try await harness.raw(
            "POST", path, headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: Array(form.utf8))
    }

    /// The `exp` claim of a JWT the simulator issued.
    static func exp(_ jwt: String) throws -> Int {
        let parts = jwt.split(separator: ".")
        try #require(parts.count == 3)
        var base64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        let payload = try #require(Data(base64Encoded: base64))
        return try #require(try JSON.parse(Array(payload))["exp"]?.int)
    }

    @Test("a refresh rotates both tokens: the new access token is a JWT with exp, the old refresh token stops working")
    func rotation() async throws {
        try await Harness.with { harness in
            let login = harness.simulator.signInUser(accessTokenExpiresAt: Fixtures.now.addingTimeInterval(-5))
            #expect(try Self.exp(login.accessToken) == Int(Fixtures.now.timeIntervalSince1970) - 5)

            let response = try await Self.refresh(harness, login.refreshToken)
            #expect(response.status == 200)
            let body = try response.json()
            let access = try #require(body["access_token"]?.string)
            let refresh = try #require(body["refresh_token"]?.string)
            #expect(body["token_type"]?.string == "Bearer")
            #expect(body["expires_in"]?.int == 3_600)
            #expect(body["scope"]?.string == "openid profile offline_access")
            #expect(access != login.accessToken && refresh != login.refreshToken)
            #expect(try Self.exp(access) == Int(Fixtures.now.timeIntervalSince1970) + 3_600)
            #expect(!harness.simulator.acceptsRefreshToken(login.refreshToken))
            #expect(harness.simulator.acceptsRefreshToken(refresh))

            let again = try await Self.refresh(harness, login.refreshToken)
            #expect(again.status == 400)
            #expect(try again.json()["errorCode"]?.string == "INVALID_REFRESH_TOKEN")
            #expect(harness.simulator.requestCount(.deviceToken) == 2)
            // The rotated one still works once.
            #expect(try await Self.refresh(harness, refresh).status == 200)
        }
    }

    @Test("API calls accept Bearer <current access token> until its exp; expired or unknown ones get 401")
    func bearer() async throws {
        try await Harness.with { harness in
            let login = harness.simulator.signInUser(accessTokenExpiresAt: Fixtures.now.addingTimeInterval(120))
            let ok = try await harness.raw("GET", "/api/atlas/v2/orgs", headers: [("Authorization", "Bearer \(login.accessToken)")])
            #expect(ok.status == 200)
            #expect(harness.simulator.requestLog.last?.authenticated == true)
            let unknown = try await harness.raw("GET", "/api/atlas/v2/orgs", headers: [("Authorization", "Bearer \(login.accessToken)x")])
            #expect(unknown.status == 401)
            harness.clock.advance(by: 121)
            let expired = try await harness.raw("GET", "/api/atlas/v2/orgs", headers: [("Authorization", "Bearer \(login.accessToken)")])
            #expect(expired.status == 401)
            // A refresh gives a token that works again.
            let fresh = try #require(try await Self.refresh(harness, login.refreshToken).json()["access_token"]?.string)
            let after = try await harness.raw("GET", "/api/atlas/v2/orgs", headers: [("Authorization", "Bearer \(fresh)")])
            #expect(after.status == 200)
        }
    }

    @Test("wrong client ID, grant type, a missing refresh token or GET are refused, and nothing rotates")
    func refusals() async throws {
        try await Harness.with { harness in
            let login = harness.simulator.signInUser(accessTokenExpiresAt: Fixtures.now)
            let wrongClient = try await Self.refresh(harness, login.refreshToken, clientID: "someone-else")
            #expect(wrongClient.status == 400)
            #expect(try wrongClient.json()["errorCode"]?.string == "INVALID_CLIENT_ID")
            let wrongGrant = try await Self.refresh(harness, login.refreshToken, grantType: "client_credentials")
            #expect(wrongGrant.status == 400)
            let missing = try await Self.refresh(harness, "")
            #expect(try missing.json()["errorCode"]?.string == "INVALID_REFRESH_TOKEN")
            // Like every path, a wrong method without credentials is challenged first.
            let get = try await harness.raw("GET", Self.path)
            #expect(get.status == 401)
            #expect(harness.simulator.requestLog.last?.route == .challenge)
            #expect(harness.simulator.acceptsRefreshToken(login.refreshToken))
        }
    }
}

import Foundation

/// The browser-login side of Atlas auth, as the Atlas CLI uses it after `atlas auth login`:
/// `POST /api/private/unauth/account/device/token` with `grant_type=refresh_token` rotates
/// the pair (a new access token, a JWT with `exp`, and a new refresh token; the old refresh
/// token stops working), and API calls accept `Bearer <access token>` until its `exp`.
///
/// The device-code half of the login (a browser, a user code) is not simulated: tests and
/// the demo start from `issue(accessTokenExpiresAt:)`, the state `atlas auth login` leaves.
final class UserTokenIssuer: Sendable {
    /// The Atlas CLI's public client ID (atlas-cli-core `transport/oauth.go`); others are refused.
    static let clientIDs: Set<String> = ["0oabtxactgS3gHIR0297", "0oabtyfelbTBdoucy297"]

    private struct State {
        /// Access token → its `exp`.
        var accessTokens: [String: Date] = [:]
        /// Refresh tokens that still work; each refresh removes the one it used.
        var refreshTokens: Set<String> = []
        var issued = 0
    }

    private let lifetime: TimeInterval
    private let state = Locked(State())

    init(lifetime: TimeInterval) {
        self.lifetime = lifetime
    }

    /// A new pair, as a completed `atlas auth login` would hold; `exp` is `accessTokenExpiresAt`.
    func issue(accessTokenExpiresAt expiry: Date) -> (accessToken: String, refreshToken: String) {
        state.withLock { state in
            state.issued += 1
            let access = Self.makeJWT(expiry: expiry, serial: state.issued)
            let refresh = Self.makeRefreshToken()
            state.accessTokens[access] = expiry
            state.refreshTokens.insert(refresh)
            return (access, refresh)
        }
    }

    /// True when `token` was issued here and its `exp` is after `now`.
    func isValid(_ token: Substring, now: Date) -> Bool {
        state.withLock { $0.accessTokens[String(token)].map { now < $0 } ?? false }
    }

    /// Whether `token` would still be accepted by a refresh.
    func isCurrentRefreshToken(_ token: String) -> Bool {
        state.withLock { $0.refreshTokens.contains(token) }
    }

    /// Answers a device-token request. Only the refresh grant is served.
    func respond(to request: SimulatorRequest, now: Date) -> SimulatorResponse {
        let form = SimulatorRequest.queryItems(String(decoding: request.body, as: UTF8.self))
        guard let clientID = form["client_id"], Self.clientIDs.contains(clientID) else {
            return AtlasErrorResponse.make(status: 400, code: "INVALID_CLIENT_ID", detail: "Invalid client ID.")
        }
        guard form["grant_type"] == "refresh_token" else {
            return AtlasErrorResponse.make(
                status: 400, code: "UNSUPPORTED_GRANT_TYPE", detail: "Only grant_type=refresh_token is supported by the simulator.")
        }
        guard let old = form["refresh_token"], !old.isEmpty else {
            return AtlasErrorResponse.make(status: 400, code: "INVALID_REFRESH_TOKEN", detail: "The refresh token is missing.")
        }
        let lifetime = lifetime
        let pair: (String, String)? = state.withLock { state in
            guard state.refreshTokens.remove(old) != nil else { return nil }
            state.accessTokens = state.accessTokens.filter { now < $0.value }
            state.issued += 1
            let expiry = now.addingTimeInterval(lifetime)
            let access = Self.makeJWT(expiry: expiry, serial: state.issued)
            let refresh = Self.makeRefreshToken()
            state.accessTokens[access] = expiry
            state.refreshTokens.insert(refresh)
            return (access, refresh)
        }
        // Atlas's answer to a used or revoked refresh token (mongodb-atlas-cli `commonerrors`).
        guard let (access, refresh) = pair else {
            return AtlasErrorResponse.make(status: 400, code: "INVALID_REFRESH_TOKEN", detail: "The refresh token is invalid or expired.")
        }
        let scope = form["scope"] ?? "openid profile offline_access"
        let body = "{\"access_token\":\"\(access)\",\"refresh_token\":\"\(refresh)\",\"scope\":\"\(Self.jsonSafe(scope))\",\"expires_in\":\(Int(lifetime)),\"token_type\":\"Bearer\"}"
        var response = SimulatorResponse(status: 200, contentType: "application/json", text: body)
        response.setHeader("Cache-Control", "no-store")
        return response
    }

    /// A JWT shaped like Atlas's (header, claims with `exp`, signature); the signature is
    /// random bytes, since clients read `exp` without verifying it and the simulator
    /// recognises its tokens by value.
    static func makeJWT(expiry: Date, serial: Int) -> String {
        let header = #"{"alg":"RS256","typ":"JWT"}"#
        let claims = "{\"sub\":\"sim-user@example.com\",\"iss\":\"atlas-sim\",\"jti\":\"\(serial)\",\"exp\":\(Int(expiry.timeIntervalSince1970.rounded(.down)))}"
        return [base64URL(Data(header.utf8)), base64URL(Data(claims.utf8)), base64URL(randomBytes(32))].joined(separator: ".")
    }

    private static func makeRefreshToken() -> String {
        "atlas-sim-refresh." + base64URL(randomBytes(32))
    }

    private static func randomBytes(_ count: Int) -> Data {
        var rng = SystemRandomNumberGenerator()
        return Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    private static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The scope echoed back, with only characters that need no JSON escaping.
    private static func jsonSafe(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F && $0 != "\"" && $0 != "\\" }.prefix(200).map(Character.init))
    }
}

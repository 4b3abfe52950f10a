import Foundation

/// The service-account side of Atlas auth: `POST /api/oauth/token` (client credentials)
/// and validation of the bearer tokens it hands out.
///
/// Atlas allows 10 token requests per minute per client; clients must cache tokens for
/// their hour of validity, and the simulator's limit is what catches one that does not.
final class TokenIssuer: Sendable {
    private struct State {
        var tokens: [String: Date] = [:]
        var requestTimes: [String: [Date]] = [:]
    }

    private let clientID: String
    private let clientSecret: String
    private let lifetime: TimeInterval
    private let requestsPerMinute: Int
    private let state = Locked(State())

    init(clientID: String, clientSecret: String, lifetime: TimeInterval, requestsPerMinute: Int) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.lifetime = lifetime
        self.requestsPerMinute = requestsPerMinute
    }

    /// True when `token` was issued here and has not expired at `now`.
    func isValid(_ token: Substring, now: Date) -> Bool {
        state.withLock { $0.tokens[String(token)].map { now < $0 } ?? false }
    }

    /// Answers a token request.
    func respond(to request: SimulatorRequest, now: Date) -> SimulatorResponse {
        guard let (id, secret) = Self.basicCredentials(request.header("Authorization")), id == clientID,
              secret == clientSecret
        else {
            return Self.oauthError(401, "invalid_client", "Invalid client credentials.")
        }
        let form = SimulatorRequest(method: "", target: "?" + String(decoding: request.body, as: UTF8.self), headers: [], body: [])
        guard form.queryItems["grant_type"] == "client_credentials" else {
            return Self.oauthError(400, "unsupported_grant_type", "Only grant_type=client_credentials is supported.")
        }
        let limit = requestsPerMinute
        let token: String? = state.withLock { state in
            let recent = state.requestTimes[id, default: []].filter { now.timeIntervalSince($0) < 60 }
            guard recent.count < limit else {
                state.requestTimes[id] = recent
                return nil
            }
            state.requestTimes[id] = recent + [now]
            state.tokens = state.tokens.filter { now < $0.value }
            let token = Self.makeToken()
            state.tokens[token] = now.addingTimeInterval(lifetime)
            return token
        }
        guard let token else {
            return AtlasErrorResponse.make(
                status: 429, code: "RATE_LIMITED",
                detail: "Resource /api/oauth/token is limited to \(limit) requests every 1 minutes.",
                parameters: [.string("/api/oauth/token"), .int(Int64(limit)), .int(1)])
        }
        let body = "{\"access_token\":\"\(token)\",\"expires_in\":\(Int(lifetime)),\"token_type\":\"Bearer\"}"
        var response = SimulatorResponse(status: 200, contentType: "application/json", text: body)
        response.setHeader("Cache-Control", "no-store")
        return response
    }

    private static func makeToken() -> String {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        return "atlas-sim." + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func basicCredentials(_ header: String?) -> (String, String)? {
        guard let header, header.lowercased().hasPrefix("basic "),
              let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
              let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    /// OAuth 2.0 (RFC 6749 §5.2) error bodies, which OAuth client libraries parse.
    private static func oauthError(_ status: Int, _ error: String, _ description: String) -> SimulatorResponse {
        SimulatorResponse(
            status: status, contentType: "application/json",
            text: "{\"error\":\"\(error)\",\"error_description\":\"\(description)\"}")
    }
}

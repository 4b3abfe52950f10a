import Foundation

/// The Atlas CLI's browser-login refresh (go-client-mongodb-atlas `auth/device_flow.go`
/// `RefreshToken`): `POST <base URL>/api/private/unauth/account/device/token` with the
/// form `client_id`, `grant_type=refresh_token`, `refresh_token`, `scope`. Building the
/// request, reading the answer, and turning every failure into one `AtlasError` line that
/// ends by saying what to do. No message built here contains a token: they are made from
/// status codes, error codes and the host, and server text is scrubbed of both tokens.
struct UserAccountTokenEndpoint: TokenEndpoint {
    /// The refreshed pair as Atlas issued it.
    struct Tokens: Sendable {
        var accessToken: Secret
        var refreshToken: Secret
    }

    /// The path under the base URL (`deviceBasePath + "/token"`).
    static let path = "/api/private/unauth/account/device/token"
    /// atlas-cli-core `FlowWithConfig` asks for these scopes.
    static let scope = "openid profile offline_access"
    /// What every failure line ends with.
    static let advice = "run `atlas auth login` to sign in again."

    let clientID: String
    let url: String
    let timeout: Duration


    /// The form in Go's `url.Values.Encode` order (keys sorted).
    func request(refreshToken: Secret) -> HTTPRequest {
        let body = refreshToken.withValue { token in
            [("client_id", clientID), ("grant_type", "refresh_token"), ("refresh_token", token), ("scope", Self.scope)]
                .map { "\($0.0)=\(PathSegment.encodeQueryValue($0.1))" }.joined(separator: "&")
        }
        return HTTPRequest(
            method: .post, url: url,
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: Array(body.utf8), timeout: timeout)
    }

    /// Sends the refresh once. Throws `AtlasError` for every failure except cancellation.
    func refresh(_ refreshToken: Secret, with transport: any HTTPTransport) async throws -> Tokens {
        // The refresh token over plain HTTP would hand the login to anyone on the path.
        if var refusal = AtlasClientConfiguration.plainHTTPRefusal(for: url) {
            refusal.message = "Could not refresh the browser login: " + refusal.message
            refusal.endpoint = endpointName
            throw refusal
        }
        let response: HTTPResponse
        do {
            response = try await transport.send(request(refreshToken: refreshToken))
        } catch let error as TransportError {
            var mapped = ErrorMapping.error(for: error.failure, endpoint: endpointName, host: host, timeout: timeout, attempts: 1)
            mapped.message = "Could not refresh the browser login: " + mapped.message
            throw mapped
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw AtlasError(kind: .transport(.other(String(describing: type(of: error)))),
                             message: "Could not refresh the browser login at \(host): unexpected \(type(of: error)).",
                             endpoint: endpointName)
        }
        return try tokens(from: response, previous: refreshToken)
    }

    /// Reads a refresh answer, or throws the `AtlasError` for its status.
    func tokens(from response: HTTPResponse, previous: Secret) throws -> Tokens {
        guard (200..<300).contains(response.status) else { throw error(for: response, previous: previous) }
        struct Body: Decodable {
            var accessToken: String?
            var refreshToken: String?
            var tokenType: String?
            enum CodingKeys: String, CodingKey {
                case accessToken = "access_token", refreshToken = "refresh_token", tokenType = "token_type"
            }
        }
        func malformed(_ what: String) -> AtlasError {
            AtlasError(kind: .decoding,
                       message: "Could not refresh the browser login: the Atlas token endpoint (\(host)) answered HTTP \(response.status) \(what); \(Self.advice)",
                       status: response.status, endpoint: endpointName)
        }
        guard let body = try? JSONDecoder().decode(Body.self, from: Data(response.body)),
              let access = body.accessToken, !access.isEmpty else {
            throw malformed("without an access_token")
        }
        if let type = body.tokenType, type.caseInsensitiveCompare("bearer") != .orderedSame {
            throw malformed("with a token that is not of type Bearer")
        }
        // Both become a header value or a config.toml string: visible ASCII only (RFC 6750).
        let refresh = body.refreshToken.flatMap { $0.isEmpty ? nil : $0 }
        for token in [access, refresh].compactMap({ $0 }) where !token.utf8.allSatisfy({ (0x21...0x7E).contains($0) && $0 != 0x22 && $0 != 0x5C }) {
            throw malformed("with a token holding characters no header or config file can carry; it was not used")
        }
        // Without rotation (no new refresh token) the old one stays good.
        return Tokens(accessToken: Secret(access), refreshToken: refresh.map(Secret.init) ?? previous)
    }

    /// One line per failure class, each ending with what to do.
    func error(for response: HTTPResponse, previous: Secret) -> AtlasError {
        /// An Atlas `ApiError` (`errorCode`, `detail`) or an RFC 6749 §5.2 error.
        struct ErrorBody: Decodable {
            var error: String?
            var errorDescription: String?
            var errorCode: String?
            var detail: String?
            enum CodingKeys: String, CodingKey { case error, errorDescription = "error_description", errorCode, detail }
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                func text(_ key: CodingKeys) -> String? { try? container.decodeIfPresent(String.self, forKey: key) }
                error = text(.error)
                errorDescription = text(.errorDescription)
                errorCode = text(.errorCode)
                detail = text(.detail)
            }
        }
        let body = try? JSONDecoder().decode(ErrorBody.self, from: Data(response.body))
        let code = (body?.errorCode ?? body?.error).map { scrub($0, previous) }
        let detail = (body?.detail ?? body?.errorDescription).map { scrub($0, previous) }
        let status = response.status
        let said = "HTTP \(status)" + (code.map { " \(TerminalSafe.sanitize($0, maxCharacters: 80))" } ?? "")
        let kind: AtlasError.Kind
        let message: String
        switch status {
        case 400, 401, 403:
            kind = .unauthorized
            message = "Atlas no longer accepts this login's refresh token (\(said)): the session expired or was signed out; \(Self.advice)"
        case 429:
            kind = .rateLimited
            message = "the Atlas token endpoint (\(host)) is rate-limiting (\(said)); wait a minute and run again."
        case 500...599:
            kind = .serverError
            message = "the Atlas token endpoint (\(host)) had a server error (\(said)); try again later (status: https://status.mongodb.com)."
        default:
            kind = .httpStatus
            message = "unexpected answer from the Atlas token endpoint (\(host)): \(said); check the base URL."
        }
        return AtlasError(kind: kind, message: "Could not refresh the browser login: " + message,
                          status: status, errorCode: code, detail: detail, endpoint: endpointName)
    }

    /// Removes the refresh token from server text, should an error page echo the request.
    private func scrub(_ text: String, _ token: Secret) -> String {
        token.withValue { value in value.isEmpty ? text : text.replacingOccurrences(of: value, with: "<redacted>") }
    }
}

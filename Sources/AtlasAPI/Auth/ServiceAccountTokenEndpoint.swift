import Foundation

/// The OAuth 2.0 client-credentials exchange with Atlas's token endpoint
/// (`POST /api/oauth/token`): building the request, reading the answer, and turning every
/// failure into one `AtlasError` line. Pure apart from `fetch`, which sends one request.
///
/// No message built here contains the client secret or a token: messages are made from
/// status codes, OAuth error codes and the host, and server text is scrubbed of the
/// secret in case a proxy echoes the request.
struct ServiceAccountTokenEndpoint: TokenEndpoint {
    /// A token as Atlas issued it.
    struct Token: Sendable {
        var value: Secret
        /// Seconds of validity the server granted.
        var lifetime: TimeInterval
    }

    /// Atlas tokens last an hour; assumed when a server omits `expires_in`, which RFC 6749
    /// only recommends.
    static let defaultLifetime: TimeInterval = 3600

    /// The lifetimes a token is kept for: a server's `expires_in: 1e-9` would otherwise
    /// make every call fetch a token (Atlas allows 10 a minute), and a token Atlas stops
    /// accepting sooner earns one renewal on its first 401 anyway.
    static let lifetimeBounds: ClosedRange<TimeInterval> = 60...86_400

    let clientID: String
    let clientSecret: Secret
    let url: String
    let timeout: Duration


    /// `Authorization: Basic base64(id:secret)`, the form Atlas documents (RFC 6749 §2.3.1).
    var request: HTTPRequest {
        let basic = clientSecret.withValue { Data("\(clientID):\($0)".utf8).base64EncodedString() }
        return HTTPRequest(
            method: .post,
            url: url,
            headers: [
                ("Authorization", "Basic \(basic)"),
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Accept", "application/json"),
            ],
            body: Array("grant_type=client_credentials".utf8),
            timeout: timeout
        )
    }

    /// Sends the token request once. Throws `AtlasError` for every failure except
    /// cancellation, which stays a `CancellationError`.
    func fetch(with transport: any HTTPTransport) async throws -> Token {
        // Basic credentials over plain HTTP would hand the secret to anyone on the path.
        if var refusal = AtlasClientConfiguration.plainHTTPRefusal(for: url) {
            refusal.message = "Could not get a service-account token: " + refusal.message
            refusal.endpoint = endpointName
            throw refusal
        }
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch let error as TransportError {
            var mapped = ErrorMapping.error(for: error.failure, endpoint: endpointName, host: host, timeout: timeout, attempts: 1)
            mapped.message = "Could not get a service-account token: " + mapped.message
            throw mapped
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw AtlasError(kind: .transport(.other(String(describing: type(of: error)))),
                             message: "Could not get a service-account token from \(host): unexpected \(type(of: error)).",
                             endpoint: endpointName)
        }
        return try token(from: response)
    }

    /// Reads a token response, or throws the `AtlasError` for its status.
    func token(from response: HTTPResponse) throws -> Token {
        guard (200..<300).contains(response.status) else { throw error(for: response) }
        struct Body: Decodable {
            var accessToken: String?
            var tokenType: String?
            var expiresIn: Double?
            enum CodingKeys: String, CodingKey {
                case accessToken = "access_token", tokenType = "token_type", expiresIn = "expires_in"
            }
        }
        guard let body = try? JSONDecoder().decode(Body.self, from: Data(response.body)),
              let accessToken = body.accessToken, !accessToken.isEmpty else {
            throw AtlasError(kind: .decoding,
                             message: "Could not get a service-account token: the Atlas token endpoint (\(host)) answered HTTP \(response.status) without an access_token; check --base-url.",
                             status: response.status, endpoint: endpointName)
        }
        if let type = body.tokenType, type.caseInsensitiveCompare("bearer") != .orderedSame {
            throw AtlasError(kind: .decoding,
                             message: "Could not get a service-account token: the Atlas token endpoint (\(host)) issued a token of type \(scrub(type)), not Bearer.",
                             status: response.status, endpoint: endpointName)
        }
        // The token becomes a header value: a CR or LF would split the request (and reach
        // error messages); RFC 6750 tokens are visible ASCII. The token is never shown.
        guard accessToken.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw AtlasError(kind: .decoding,
                             message: "Could not get a service-account token: the Atlas token endpoint (\(host)) issued an access_token with control, space or non-ASCII characters, which cannot go in an HTTP header; it was not used.",
                             status: response.status, endpoint: endpointName)
        }
        let granted = body.expiresIn.flatMap { $0 > 0 && $0.isFinite ? $0 : nil } ?? Self.defaultLifetime
        let lifetime = min(max(granted, Self.lifetimeBounds.lowerBound), Self.lifetimeBounds.upperBound)
        return Token(value: Secret(accessToken), lifetime: lifetime)
    }

    /// One line per failure class, saying what to do.
    func error(for response: HTTPResponse) -> AtlasError {
        /// RFC 6749 §5.2 fields, or the Atlas `ApiError` ones a 429 carries (where `error`
        /// is the status number); each read on its own so one odd field spoils nothing.
        struct ErrorBody: Decodable {
            var error: String?
            var errorDescription: String?
            var errorCode: String?
            var detail: String?
            enum CodingKeys: String, CodingKey {
                case error, errorDescription = "error_description", errorCode, detail
            }
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
        let code = (body?.errorCode ?? body?.error).map(scrub)
        let detail = (body?.errorDescription ?? body?.detail).map(scrub)
        let status = response.status
        let said = "HTTP \(status)" + (code.map { " \($0)" } ?? "")
        let kind: AtlasError.Kind
        let advice: String
        switch status {
        case 400, 401:
            kind = .unauthorized
            advice = "the service account client ID or secret was rejected (\(said)): check that they are current and belong to the same service account, and that the account was not deleted."
        case 403:
            kind = .forbidden
            advice = "Atlas refused to issue a service-account token (\(said)): a service account may hold at most 100 active tokens; revoke unused ones or wait for them to expire."
        case 429:
            kind = .rateLimited
            let wait = response.header("Retry-After").map { " (Retry-After: \(scrub($0)) s)" } ?? ""
            advice = "Atlas allows 10 token requests a minute per service account and IP address, and this was one too many\(wait); wait a minute and run again."
        case 500...599:
            kind = .serverError
            advice = "the Atlas token endpoint (\(host)) had a server error (\(said)); try again later (status: https://status.mongodb.com)."
        default:
            kind = .httpStatus
            advice = "unexpected answer from the Atlas token endpoint (\(host)): \(said); check --base-url."
        }
        return AtlasError(kind: kind, message: "Could not get a service-account token: " + advice,
                          status: status, errorCode: code, detail: detail, endpoint: endpointName)
    }

    /// Removes the secret from server text, should an error page echo the request.
    private func scrub(_ text: String) -> String {
        clientSecret.withValue { secret in
            secret.isEmpty ? text : text.replacingOccurrences(of: secret, with: "<redacted>")
        }
    }
}

import Foundation

/// Signs requests with a service account's OAuth 2.0 access token (client credentials).
///
/// Atlas allows only 10 token requests a minute per service account and IP address, and
/// 100 live tokens per account, so the token is cached and renewed shortly before it
/// expires, and concurrent callers share a single in-flight token request. The secret
/// and the token are kept as `Secret` and never appear in `description` or errors.
public actor ServiceAccountAuthorizer: RequestAuthorizer, CustomStringConvertible {
    /// Renew this long before expiry, so a token does not expire between signing and arrival.
    static let renewalMargin: TimeInterval = 60

    private struct CachedToken: Sendable {
        var value: Secret
        var renewAt: Date
        /// Tells a 401 on this token from one on a token fetched since.
        var serial: Int
        var context: String { "service-account-token-\(serial)" }
    }

    /// What the single flight does, for tests that await it instead of sleeping.
    enum Event: Sendable, Equatable {
        /// A caller waits for the shared token request; `started` when it sent it.
        case awaitingToken(started: Bool)
    }

    private let endpoint: ServiceAccountTokenEndpoint
    private let transport: any HTTPTransport
    private let now: @Sendable () -> Date
    private let observer: (@Sendable (Event) -> Void)?
    private var cached: CachedToken?
    private var inFlight: Task<CachedToken, any Error>?
    private var tokensFetched = 0

    /// - Parameters:
    ///   - tokenURL: normally `https://cloud.mongodb.com/api/oauth/token` (the base URL + `/api/oauth/token`).
    ///   - transport: sends the token request; the same transport as the API calls.
    ///   - now: the clock that judges expiry; injected so tests can move time.
    public init(clientID: String, clientSecret: Secret, tokenURL: String, transport: any HTTPTransport,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(clientID: clientID, clientSecret: clientSecret, tokenURL: tokenURL, transport: transport, now: now, observer: nil)
    }

    init(clientID: String, clientSecret: Secret, tokenURL: String, transport: any HTTPTransport,
         now: @escaping @Sendable () -> Date, observer: (@Sendable (Event) -> Void)?) {
        self.endpoint = ServiceAccountTokenEndpoint(clientID: clientID, clientSecret: clientSecret, url: tokenURL, timeout: .seconds(30))
        self.transport = transport
        self.now = now
        self.observer = observer
    }

    public nonisolated var isServiceAccount: Bool { true }

    public nonisolated var description: String {
        "ServiceAccountAuthorizer(client ID \(endpoint.clientID), secret hidden)"
    }

    // MARK: RequestAuthorizer

    /// `Bearer <token>`; `reusedState` is true when the token came from the cache, so a
    /// 401 on it earns one retry with a new token.
    public func authorize(method: String, requestURI: String) async throws -> AuthorizationAttempt {
        if let cached, now() < cached.renewAt {
            return Self.attempt(cached, reused: true)
        }
        let fresh = try await sharedTokenRequest().value
        // The token request is shared and so outlives a cancelled caller; the caller stops here.
        try Task.checkCancellation()
        return Self.attempt(fresh, reused: false)
    }

    /// A 401 on a cached token means Atlas no longer accepts it (revoked, or the clock
    /// was off): drop it and try once more with a new one. A 401 on a new token means the
    /// service account lacks access, and another token would not change that.
    public func shouldRetry(after response: HTTPResponse, attempt: AuthorizationAttempt) async throws -> Bool {
        guard attempt.reusedState else { return false }
        if let cached, cached.context == attempt.context {
            self.cached = nil
        }
        return true
    }

    // MARK: Token

    private static func attempt(_ token: CachedToken, reused: Bool) -> AuthorizationAttempt {
        AuthorizationAttempt(header: token.value.withValue { "Bearer \($0)" }, reusedState: reused, context: token.context)
    }

    /// The token request in flight, starting one if there is none (single flight).
    private func sharedTokenRequest() -> Task<CachedToken, any Error> {
        if let inFlight {
            observer?(.awaitingToken(started: false))
            return inFlight
        }
        let task = Task { try await self.requestToken() }
        inFlight = task
        observer?(.awaitingToken(started: true))
        return task
    }

    private func requestToken() async throws -> CachedToken {
        defer { inFlight = nil }
        // Expiry counts from when the request left, not when the answer came back.
        let requestedAt = now()
        let token = try await endpoint.fetch(with: transport)
        tokensFetched += 1
        // A token shorter-lived than two margins is renewed at half its life instead.
        let margin = min(Self.renewalMargin, token.lifetime / 2)
        let fresh = CachedToken(value: token.value, renewAt: requestedAt.addingTimeInterval(token.lifetime - margin), serial: tokensFetched)
        cached = fresh
        return fresh
    }
}

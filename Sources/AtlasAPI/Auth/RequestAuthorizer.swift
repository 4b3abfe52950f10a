/// What an authorizer put on one attempt of a request, so that it can judge a 401.
public struct AuthorizationAttempt: Sendable {
    /// Value for the `Authorization` header, or nil to send the request without one
    /// (the first Digest request, which exists only to receive a challenge).
    public var header: String?
    /// True when the attempt reused state the server may have dropped meanwhile: a cached
    /// Digest nonce with nc > 1, or a cached OAuth token. A 401 on such an attempt earns
    /// one fresh try; a 401 on a fresh one means the credentials are wrong.
    public var reusedState: Bool
    /// Opaque token for the authorizer (e.g. the nonce used).
    public var context: String?

    public init(header: String?, reusedState: Bool, context: String? = nil) {
        self.header = header
        self.reusedState = reusedState
        self.context = context
    }
}

/// Adds credentials to requests and decides what a 401 means.
///
/// Implementations: `DigestAuthorizer` (programmatic API keys, RFC 7616) and
/// `ServiceAccountAuthorizer` (OAuth 2.0 client credentials).
public protocol RequestAuthorizer: Sendable {
    /// The authorization for one attempt of `method` on `requestURI` (path and query).
    func authorize(method: String, requestURI: String) async throws -> AuthorizationAttempt

    /// Called with a 401 response to `attempt`. Returns true when the request should be
    /// sent again (a Digest challenge was answered, a stale nonce or expired token was
    /// dropped); false when the 401 is a real authentication failure.
    func shouldRetry(after response: HTTPResponse, attempt: AuthorizationAttempt) async throws -> Bool

    /// Called when `attempt` ended without a 401: another status, or no response at all
    /// (`status` nil: a network error or cancellation). Lets the Digest authorizer release
    /// requests that wait for a challenge which will not come.
    func attemptEnded(_ attempt: AuthorizationAttempt, status: Int?) async

    /// True for service-account (OAuth) credentials; used to word error messages.
    var isServiceAccount: Bool { get }
}

extension RequestAuthorizer {
    public func attemptEnded(_ attempt: AuthorizationAttempt, status: Int?) async {}
}

/// Signs requests with a programmatic API key using HTTP Digest (RFC 7616).
///
/// The Go clients answer a fresh challenge on every call, so each call costs two HTTP
/// requests. This authorizer keeps the server's nonce and answers later requests with
/// it and an increasing `nc`, so a scan of thousands of calls costs one extra request,
/// not thousands. It re-challenges only when the server says so with a 401.
///
/// While no nonce is known, one request goes out without credentials to fetch the
/// challenge and every other concurrent request waits for it, so N parallel first calls
/// cost N + 1 requests instead of 2N.
///
/// With `reuseNonce: false` every challenge answers one call only, so each call costs a
/// fresh challenge (two requests), as the Go clients do; only the benchmark's naive mode
/// (docs/benchmarks.md) uses it.
///
/// The private key is only read inside `DigestChallenge.authorization`; it never appears
/// in `description`, errors or logs.
public actor DigestAuthorizer: RequestAuthorizer, CustomStringConvertible {
    public typealias CnonceGenerator = @Sendable () -> String

    /// What the priming gate does, for tests that await it instead of sleeping.
    enum Event: Sendable, Equatable {
        case primingStarted
        case waiting(count: Int)
        case waitersReleased(count: Int, withChallenge: Bool)
        case waiterCancelled
    }

    private enum WaitOutcome: Sendable {
        case challengeReady
        /// The priming request brought no challenge: go without credentials rather than hang.
        case proceedUnauthenticated
    }

    private let username: String
    private let password: Secret
    private let makeCnonce: CnonceGenerator
    private let observer: (@Sendable (Event) -> Void)?
    /// False: forget each challenge once it has signed one request (a fresh challenge per call).
    private let reuseNonce: Bool

    private var challenge: DigestChallenge?
    /// The `nc` of the last request signed with `challenge.nonce`.
    private var nonceCount: UInt32 = 0
    /// The `context` of the unauthenticated request in flight to fetch a challenge; it
    /// ends with its 401 (`shouldRetry`) or any other outcome (`attemptEnded`).
    private var priming: String?
    private var primingRounds = 0
    private var waiters: [Int: CheckedContinuation<WaitOutcome, any Error>] = [:]
    private var waiterSerial = 0

    /// - Parameters:
    ///   - publicKey: the API key's public key, the Digest username.
    ///   - privateKey: the API key's private key, the Digest password.
    ///   - cnonce: the client-nonce source; injected so tests get fixed headers.
    ///   - reuseNonce: keep answering with the server's nonce (the default); false fetches
    ///     a fresh challenge for every call (the benchmark's naive client).
    public init(publicKey: String, privateKey: Secret, cnonce: @escaping CnonceGenerator = DigestAuthorizer.randomCnonce,
                reuseNonce: Bool = true) {
        self.init(username: publicKey, password: privateKey, cnonce: cnonce, observer: nil, reuseNonce: reuseNonce)
    }

    /// The same with RFC 7616's names: username is the public key, password the private key.
    public init(username: String, password: Secret, cnonce: @escaping CnonceGenerator = DigestAuthorizer.randomCnonce,
                reuseNonce: Bool = true) {
        self.init(username: username, password: password, cnonce: cnonce, observer: nil, reuseNonce: reuseNonce)
    }

    init(username: String, password: Secret, cnonce: @escaping CnonceGenerator, observer: (@Sendable (Event) -> Void)?,
         reuseNonce: Bool = true) {
        self.username = username
        self.password = password
        self.makeCnonce = cnonce
        self.observer = observer
        self.reuseNonce = reuseNonce
    }

    public nonisolated var isServiceAccount: Bool { false }

    public nonisolated var description: String { "DigestAuthorizer(API key \(username), private key hidden)" }

    /// 16 random bytes as 32 hex digits: unpredictable, so a captured response cannot be replayed.
    public static func randomCnonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return DigestHex.encode((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    // MARK: RequestAuthorizer

    public func authorize(method: String, requestURI: String) async throws -> AuthorizationAttempt {
        while true {
            if let challenge {
                guard nonceCount < UInt32.max else {
                    // `nc` would wrap around: the nonce is used up, fetch another.
                    self.challenge = nil
                    continue
                }
                nonceCount += 1
                let answer = challenge.authorization(username: username, password: password, method: method,
                                                     uri: requestURI, nonceCount: nonceCount, cnonce: makeCnonce())
                if !reuseNonce { self.challenge = nil }
                return AuthorizationAttempt(header: answer.headerValue, reusedState: nonceCount > 1, context: challenge.nonce)
            }
            if priming != nil {
                switch try await waitForPriming() {
                case .challengeReady: continue
                case .proceedUnauthenticated: return AuthorizationAttempt(header: nil, reusedState: false)
                }
            }
            // No challenge and nobody fetching one: this request fetches it.
            primingRounds += 1
            let context = "digest-priming-\(primingRounds)"
            priming = context
            observer?(.primingStarted)
            return AuthorizationAttempt(header: nil, reusedState: false, context: context)
        }
    }

    /// Re-challenges only when it can help: the request carried no credentials (the
    /// challenge-seeking first leg), the server called the nonce stale, or a cached nonce
    /// was used and the server may have dropped it. A 401 on a fresh nonce (nc=1) means
    /// the key pair is wrong, and retrying would only repeat it.
    ///
    /// A 401 to a request without credentials that offers no challenge this client can
    /// answer (none, Basic only, an unknown algorithm) throws: the key was never sent, so
    /// it must not be called wrong.
    public func shouldRetry(after response: HTTPResponse, attempt: AuthorizationAttempt) async throws -> Bool {
        let offered = DigestChallenge.parse(response)
        if attempt.header == nil {
            let wasPriming = endPriming(attempt)
            guard let offered else {
                if wasPriming { releaseWaiters(.proceedUnauthenticated) }
                throw Self.unanswerable(response)
            }
            adopt(offered)
            return true
        }
        guard let offered else { return false }
        adopt(offered)
        return offered.stale || attempt.reusedState
    }

    /// Only matters for the challenge-seeking request: when it ends without a 401 (a 5xx,
    /// a 2xx from a server that wants no credentials, a network error, cancellation), the
    /// requests waiting for its challenge go out without credentials instead of waiting
    /// forever; each then meets its own 401 and challenge.
    public func attemptEnded(_ attempt: AuthorizationAttempt, status: Int?) async {
        guard status != 401, endPriming(attempt) else { return }
        releaseWaiters(.proceedUnauthenticated)
    }

    /// The error for a challenge this client cannot answer; says that no key was sent.
    static func unanswerable(_ response: HTTPResponse) -> AtlasError {
        AtlasError(kind: .unauthorized,
                   message: "Atlas answered with an authentication challenge atlas-certs cannot answer: \(DigestChallenge.unanswerableReason(response)). The API key was not sent; check --base-url (a proxy or gateway in front of Atlas may be answering).",
                   status: response.status)
    }

    // MARK: State

    /// Takes a challenge; the count restarts only when the nonce is new, so concurrent
    /// 401s that carry the same nonce do not make two requests share an `nc`.
    private func adopt(_ offered: DigestChallenge) {
        if offered.nonce != challenge?.nonce {
            nonceCount = 0
        }
        challenge = offered
        priming = nil
        releaseWaiters(.challengeReady)
    }

    /// Clears the gate when `attempt` is the current challenge-seeking request.
    private func endPriming(_ attempt: AuthorizationAttempt) -> Bool {
        guard let priming, attempt.context == priming else { return false }
        self.priming = nil
        return true
    }

    // MARK: Waiting for the challenge

    private func waitForPriming() async throws -> WaitOutcome {
        waiterSerial += 1
        let id = waiterSerial
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<WaitOutcome, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                waiters[id] = continuation
                observer?(.waiting(count: waiters.count))
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func cancelWaiter(_ id: Int) {
        guard let continuation = waiters.removeValue(forKey: id) else { return }
        continuation.resume(throwing: CancellationError())
        observer?(.waiterCancelled)
    }

    private func releaseWaiters(_ outcome: WaitOutcome) {
        guard !waiters.isEmpty else { return }
        let released = waiters
        waiters = [:]
        for continuation in released.values {
            continuation.resume(returning: outcome)
        }
        observer?(.waitersReleased(count: released.count, withChallenge: outcome == .challengeReady))
    }

    /// How many requests wait for the challenge; for tests.
    var waiterCount: Int { waiters.count }
}

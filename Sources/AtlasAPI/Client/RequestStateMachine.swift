/// The retry, authentication and rate-limit policy of one API call, as a pure state
/// machine in the style of async-http-client's `HTTPRequestStateMachine`: the caller
/// reports what happened (a request went out, a transport failure, a response, the
/// authorizer's answer to a 401) and performs the action it gets back. No I/O, no clock,
/// no sleeping here, so every rule is tested without a server (RequestStateMachineTests).
///
/// The rules, each in one place:
/// - 2xx ends the call.
/// - A 401 is first shown to the authorizer (a Digest challenge is never an error); while it
///   wants to answer, the call is sent again, at most `maxAuthenticationRetries` times, and
///   an answered challenge does not count as an attempt.
/// - A 429 on a GET pauses the whole client for `Retry-After` (capped) and sends again, at
///   most `maxRateLimitRetries` times; it does not count as an attempt.
/// - A 5xx or a transient transport failure (timeout, reset, a truncated body) on a GET is
///   retried with backoff while fewer than `maxAttempts` tries were made. A try is counted
///   for every failure of any leg, the unauthenticated first leg of Digest included: a
///   server that never answers ends the call after `maxAttempts` failures instead of
///   keeping it waiting for ever (the endless-wait bug of an earlier round).
/// - Nothing else is retried, and a POST is never sent twice.
struct RequestStateMachine: Sendable {
    /// What the caller does next.
    enum Action: Equatable, Sendable {
        /// Authorize and send the request (again).
        case sendRequest
        /// A 401 arrived: ask the authorizer whether it answers it, then report
        /// `authorizerAnswered(willRetry:)`.
        case consultAuthorizer
        /// Wait this long, then send again; `attempt` is the number of tries so far.
        case retry(after: Duration, attempt: Int)
        /// Pause every request of the client for this long (a 429), then send again.
        case pauseForRateLimit(Duration)
        /// The response is the call's result.
        case succeed
        /// The call failed with the last transport failure; `attempts` tries were made.
        case failTransport(TransportFailure, attempts: Int)
        /// The call failed with the last response; `attempts` is the count to report.
        case failResponse(attempts: Int)
    }

    static let maxAuthenticationRetries = 3

    let isIdempotent: Bool
    let policy: RetryPolicy

    /// Authenticated legs sent, less those answered by a challenge or a 429.
    private(set) var attempts = 0
    /// Failures of any leg: transport failures and 5xx.
    private(set) var failures = 0
    private(set) var authenticationRetries = 0
    private(set) var rateLimitRetries = 0
    private var lastLegAuthenticated = false
    private var lastStatus: Int?

    init(isIdempotent: Bool, policy: RetryPolicy) {
        self.isIdempotent = isIdempotent
        self.policy = policy
    }

    /// The first action of a call.
    func start() -> Action { .sendRequest }

    /// A request is going out; `authenticated` when it carries credentials.
    mutating func requestSent(authenticated: Bool) {
        lastLegAuthenticated = authenticated
        if authenticated { attempts += 1 }
    }

    /// No complete response arrived.
    mutating func transportFailed(_ failure: TransportFailure) -> Action {
        failures += 1
        let tries = max(attempts, failures)
        if isIdempotent, failure.isTransient, tries < policy.maxAttempts {
            return .retry(after: policy.backoff(retry: tries), attempt: tries)
        }
        return .failTransport(failure, attempts: max(tries, 1))
    }

    /// A complete response arrived. `retryAfter` is its `Retry-After` header.
    mutating func responseReceived(status: Int, retryAfter: String?) -> Action {
        lastStatus = status
        switch status {
        case 200..<300:
            return .succeed
        case 401:
            return .consultAuthorizer
        case 429 where isIdempotent && rateLimitRetries < policy.maxRateLimitRetries:
            rateLimitRetries += 1
            if lastLegAuthenticated { attempts -= 1 }
            return .pauseForRateLimit(policy.rateLimitWait(retryAfter: retryAfter, retry: rateLimitRetries))
        case 500..<600 where isIdempotent:
            failures += 1
            let tries = max(attempts, failures)
            guard tries < policy.maxAttempts else { return failResponse() }
            let delay = retryAfter != nil
                ? policy.rateLimitWait(retryAfter: retryAfter, retry: tries)
                : policy.backoff(retry: tries)
            return .retry(after: delay, attempt: tries)
        default:
            return failResponse()
        }
    }

    /// The authorizer's answer to the 401 of `consultAuthorizer`.
    mutating func authorizerAnswered(willRetry: Bool) -> Action {
        guard willRetry, authenticationRetries < Self.maxAuthenticationRetries else { return failResponse() }
        authenticationRetries += 1
        if lastLegAuthenticated { attempts -= 1 }
        return .sendRequest
    }

    private func failResponse() -> Action {
        .failResponse(attempts: lastStatus == 429 ? rateLimitRetries + 1 : max(attempts, failures, 1))
    }
}

@testable import AtlasAPI
import Testing

/// Every rule of the client's retry, authentication and rate-limit policy, with no I/O:
/// the machine is fed what a server and the authorizer would answer.
@Suite("The request state machine")
struct RequestStateMachineTests {
    static let policy = RetryPolicy(maxAttempts: 4, maxRateLimitRetries: 2, baseDelay: .milliseconds(400),
                                    maxDelay: .seconds(15), maxRateLimitWait: .seconds(120),
                                    sleep: { _ in }, random: { 0.5 })

    static func get() -> RequestStateMachine { RequestStateMachine(isIdempotent: true, policy: policy) }
    static func post() -> RequestStateMachine { RequestStateMachine(isIdempotent: false, policy: policy) }

    @Test("a 2xx ends the call at once")
    func success() {
        var machine = Self.get()
        #expect(machine.start() == .sendRequest)
        machine.requestSent(authenticated: true)
        #expect(machine.responseReceived(status: 200, retryAfter: nil) == .succeed)
        #expect(machine.attempts == 1)
    }

    @Test("a Digest challenge is shown to the authorizer and answered without counting as an attempt")
    func digestChallenge() {
        var machine = Self.get()
        machine.requestSent(authenticated: false)
        #expect(machine.responseReceived(status: 401, retryAfter: nil) == .consultAuthorizer)
        #expect(machine.authorizerAnswered(willRetry: true) == .sendRequest)
        machine.requestSent(authenticated: true)
        #expect(machine.responseReceived(status: 200, retryAfter: nil) == .succeed)
        #expect(machine.attempts == 1 && machine.authenticationRetries == 1)
    }

    @Test("a 401 the authorizer will not answer fails the call; a server that never accepts is cut off after 3")
    func rejectedCredentials() {
        var refused = Self.get()
        refused.requestSent(authenticated: true)
        #expect(refused.responseReceived(status: 401, retryAfter: nil) == .consultAuthorizer)
        #expect(refused.authorizerAnswered(willRetry: false) == .failResponse(attempts: 1))

        var endless = Self.get()
        var legs = 0
        var action = endless.start()
        while action == .sendRequest || action == .consultAuthorizer {
            if action == .sendRequest {
                legs += 1
                endless.requestSent(authenticated: legs > 1)
                action = endless.responseReceived(status: 401, retryAfter: nil)
            } else {
                action = endless.authorizerAnswered(willRetry: true)
            }
        }
        #expect(legs == 4)
        #expect(action == .failResponse(attempts: 1))
    }

    @Test("5xx on a GET: backoff and retry until four tries, then the response's error")
    func serverErrors() {
        var machine = Self.get()
        var delays: [Duration] = []
        var action = machine.start()
        var sent = 0
        while action == .sendRequest {
            sent += 1
            machine.requestSent(authenticated: true)
            action = machine.responseReceived(status: 503, retryAfter: nil)
            if case .retry(let delay, let attempt) = action {
                #expect(attempt == sent)
                delays.append(delay)
                action = .sendRequest
            }
        }
        #expect(sent == 4)
        #expect(action == .failResponse(attempts: 4))
        // Full jitter at 0.5 over 400 ms · 2^(n-1).
        #expect(delays == [.milliseconds(200), .milliseconds(400), .milliseconds(800)])
    }

    @Test("a 5xx with Retry-After waits what it asks")
    func serverErrorRetryAfter() {
        var machine = Self.get()
        machine.requestSent(authenticated: true)
        #expect(machine.responseReceived(status: 503, retryAfter: "7") == .retry(after: .seconds(7), attempt: 1))
    }

    @Test("a POST is never sent twice: not on a 5xx, a 429 or a timeout")
    func postNeverRetried() {
        var five = Self.post()
        five.requestSent(authenticated: true)
        #expect(five.responseReceived(status: 500, retryAfter: nil) == .failResponse(attempts: 1))
        var limited = Self.post()
        limited.requestSent(authenticated: true)
        #expect(limited.responseReceived(status: 429, retryAfter: "1") == .failResponse(attempts: 1))
        var timedOut = Self.post()
        timedOut.requestSent(authenticated: true)
        #expect(timedOut.transportFailed(.timeout) == .failTransport(.timeout, attempts: 1))
    }

    @Test("a 429 pauses for Retry-After, does not count as an attempt, and gives up after maxRateLimitRetries")
    func rateLimited() {
        var machine = Self.get()
        machine.requestSent(authenticated: true)
        #expect(machine.responseReceived(status: 429, retryAfter: "3") == .pauseForRateLimit(.seconds(3)))
        #expect(machine.attempts == 0)
        machine.requestSent(authenticated: true)
        #expect(machine.responseReceived(status: 429, retryAfter: nil) == .pauseForRateLimit(.milliseconds(400)))
        machine.requestSent(authenticated: true)
        #expect(machine.responseReceived(status: 429, retryAfter: "1") == .failResponse(attempts: 3))
    }

    @Test("huge, infinite and malformed Retry-After values are capped, never a trap", arguments: [
        "1e300", "inf", "99999999999999999", "1e19", "120", "121",
    ])
    func hugeRetryAfter(value: String) {
        var machine = Self.get()
        machine.requestSent(authenticated: true)
        #expect(machine.responseReceived(status: 429, retryAfter: value) == .pauseForRateLimit(.seconds(120)))
    }

    @Test("a NaN or negative Retry-After falls back to backoff", arguments: ["nan", "-5", "soon"])
    func unusableRetryAfter(value: String) {
        #expect(Self.policy.rateLimitWait(retryAfter: value, retry: 1) == .milliseconds(200))
    }

    @Test("transient transport failures are retried on a GET; permanent ones fail at once")
    func transportFailures() {
        var machine = Self.get()
        machine.requestSent(authenticated: true)
        #expect(machine.transportFailed(.connectionReset) == .retry(after: .milliseconds(200), attempt: 1))
        machine.requestSent(authenticated: true)
        #expect(machine.transportFailed(.truncatedBody) == .retry(after: .milliseconds(400), attempt: 2))
        var refused = Self.get()
        refused.requestSent(authenticated: true)
        #expect(refused.transportFailed(.connectionRefused(host: "h")) == .failTransport(.connectionRefused(host: "h"), attempts: 1))
    }

    /// The endless-wait bug: with Digest the first leg carries no credentials, so counting
    /// only authenticated legs let a silent server keep a call waiting for ever.
    @Test("a server that never answers the unauthenticated first leg ends the call after four failures")
    func silentServer() {
        var machine = Self.get()
        var action = machine.start()
        var legs = 0
        while action == .sendRequest || { if case .retry = action { return true } else { return false } }() {
            if action != .sendRequest { action = .sendRequest; continue }
            legs += 1
            machine.requestSent(authenticated: false)
            action = machine.transportFailed(.timeout)
        }
        #expect(legs == 4)
        #expect(action == .failTransport(.timeout, attempts: 4))
    }
}

@Suite("JSON completeness")
struct JSONCompletenessTests {
    @Test("whole bodies are complete", arguments: [
        #"{"results":[{"_id":1}],"totalCount":1}"#, #"[]"#, #"  {"a":"}]\"{"}  "#, "42", #""text""#,
        #"{"a":"ends in a backslash\\"}"#, #"{"a":"\\\"quoted\\\""}"#, #"{"a":"\""}"#,
    ])
    func complete(body: String) {
        #expect(JSONCompleteness.isComplete(Array(body.utf8)))
    }

    @Test("bodies cut short are not", arguments: [
        #"{"results":[{"_id":1}],"totalCo"#, #"{"results":[{"_id":1}"#, #"{"a":"b\"#, "", "   ", #"[{"#,
        #"{"a":"b\"}"#, #"{"a":"\\\"}"#, #"{"a":"b\\"#,
    ])
    func truncated(body: String) {
        #expect(!JSONCompleteness.isComplete(Array(body.utf8)))
    }

    @Test("only responses that say they are JSON are judged")
    func contentType() {
        let cut = Array(#"{"a":"#.utf8)
        #expect(!JSONCompleteness.isComplete(HTTPResponse(status: 200, headers: [("Content-Type", "application/vnd.atlas.2023-01-01+json")], body: cut)))
        #expect(JSONCompleteness.isComplete(HTTPResponse(status: 200, headers: [("Content-Type", "application/x-pem-file")], body: cut)))
    }
}

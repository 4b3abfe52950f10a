import Foundation

extension AtlasClient {
    /// Sends one API call: authentication legs, retries of GETs, rate-limit waits, and the
    /// mapping of every failure to an `AtlasError`. Returns only 2xx responses.
    ///
    /// The policy (what is retried, how often, how long to wait) is `RequestStateMachine`;
    /// this function only performs its actions.
    ///
    /// - Parameters:
    ///   - path: the path after the version prefix, already percent-encoded, e.g. `/groups/x/databaseUsers`.
    func send(_ method: HTTPRequest.Method, path: String, query: [(String, String)] = [], body: [UInt8]? = nil) async throws -> HTTPResponse {
        let fullPath = configuration.apiVersion.pathPrefix + path
        let requestURI = fullPath + Self.queryString(query)
        let endpoint = "\(method.rawValue) \(fullPath)"
        var machine = RequestStateMachine(isIdempotent: method == .get, policy: configuration.retry)
        var action = machine.start()
        var attempt: AuthorizationAttempt?
        var lastResponse: HTTPResponse?
        var lastReason = ""
        while true {
            switch action {
            case .sendRequest:
                try Task.checkCancellation()
                if let pause = await gate.remainingPause() {
                    try await configuration.retry.sleep(pause)
                }
                let current: AuthorizationAttempt
                do {
                    // The Digest `uri` is the request-target as sent, a gateway's path prefix included.
                    current = try await authorizer.authorize(method: method.rawValue, requestURI: configuration.wireRequestURI(requestURI))
                } catch let error as AtlasError {
                    throw error
                } catch let error as TransportError {
                    throw ErrorMapping.error(for: error.failure, endpoint: "POST token", host: configuration.host, timeout: configuration.requestTimeout, attempts: 1)
                }
                attempt = current
                machine.requestSent(authenticated: current.header != nil)
                emit(.requestSent(method: method.rawValue, path: fullPath))
                do {
                    let response = try await exchange(makeRequest(method, requestURI: requestURI, body: body, authorization: current.header),
                                                      attempt: current)
                    emit(.responseReceived(method: method.rawValue, path: fullPath, status: response.status))
                    if let remaining = response.header("RateLimit-Remaining").flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) {
                        emit(.rateLimitRemaining(remaining))
                    }
                    if method == .get, (200..<300).contains(response.status), !JSONCompleteness.isComplete(response) {
                        // Valid HTTP whose JSON is cut short (a proxy that truncates): as
                        // transient as a reset connection. JSON that parses but breaks the
                        // schema is a decoding error later, and permanent.
                        lastReason = String(describing: TransportFailure.truncatedBody)
                        action = machine.transportFailed(.truncatedBody)
                    } else {
                        lastResponse = response
                        lastReason = response.statusLine
                        action = machine.responseReceived(status: response.status, retryAfter: response.header("Retry-After"))
                    }
                } catch let error as TransportError {
                    emit(.requestFailed(method: method.rawValue, path: fullPath))
                    lastReason = String(describing: error.failure)
                    action = machine.transportFailed(error.failure)
                } catch is CancellationError {
                    emit(.requestFailed(method: method.rawValue, path: fullPath))
                    throw CancellationError()
                } catch {
                    emit(.requestFailed(method: method.rawValue, path: fullPath))
                    throw ErrorMapping.error(for: .other(String(describing: type(of: error))), endpoint: endpoint, host: configuration.host,
                                             timeout: configuration.requestTimeout, attempts: max(machine.attempts, 1))
                }
            case .consultAuthorizer:
                // Always consulted, so the authorizer sees every challenge (and releases
                // requests waiting for one); the machine caps a server that never accepts.
                guard let response = lastResponse, let attempt else { preconditionFailure("a 401 without a response") }
                action = machine.authorizerAnswered(willRetry: try await authorizer.shouldRetry(after: response, attempt: attempt))
            case .retry(let delay, let tries):
                emit(.retrying(path: fullPath, reason: lastReason, attempt: tries, delay: delay))
                try await configuration.retry.sleep(delay)
                action = .sendRequest
            case .pauseForRateLimit(let wait):
                emit(.rateLimited(path: fullPath, wait: wait))
                await gate.pause(for: wait)
                action = .sendRequest
            case .succeed:
                guard let response = lastResponse else { preconditionFailure("success without a response") }
                return response
            case .failTransport(let failure, let attempts):
                throw ErrorMapping.error(for: failure, endpoint: endpoint, host: configuration.host,
                                         timeout: configuration.requestTimeout, attempts: attempts)
            case .failResponse(let attempts):
                guard let response = lastResponse else { preconditionFailure("a failed response without a response") }
                throw ErrorMapping.error(for: response, endpoint: endpoint, host: configuration.host,
                                         attempts: attempts, usingServiceAccount: authorizer.isServiceAccount)
            }
        }
    }

    private func makeRequest(_ method: HTTPRequest.Method, requestURI: String, body: [UInt8]?, authorization: String?) -> HTTPRequest {
        var headers: [(name: String, value: String)] = [
            ("Accept", configuration.apiVersion.mediaType),
            ("User-Agent", configuration.userAgent),
        ]
        if body != nil { headers.append(("Content-Type", configuration.apiVersion.mediaType)) }
        if let authorization { headers.append(("Authorization", authorization)) }
        return HTTPRequest(method: method, url: configuration.baseURL + requestURI, headers: headers,
                           body: body, timeout: configuration.requestTimeout)
    }

    /// One HTTP exchange; tells the authorizer how an attempt ended unless it was a 401
    /// (which `shouldRetry` handles).
    private func exchange(_ request: HTTPRequest, attempt: AuthorizationAttempt) async throws -> HTTPResponse {
        do {
            let response = try await transport.send(request)
            if response.status != 401 { await authorizer.attemptEnded(attempt, status: response.status) }
            return response
        } catch {
            await authorizer.attemptEnded(attempt, status: nil)
            throw error
        }
    }

    static func queryString(_ query: [(String, String)]) -> String {
        guard !query.isEmpty else { return "" }
        return "?" + query.map { "\(PathSegment.encodeQueryValue($0.0))=\(PathSegment.encodeQueryValue($0.1))" }.joined(separator: "&")
    }
}

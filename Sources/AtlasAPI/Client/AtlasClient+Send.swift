import Foundation

extension AtlasClient {
    /// Sends one API call: authentication legs, retries of GETs, rate-limit waits, and the
    /// mapping of every failure to an `AtlasError`. Returns only 2xx responses.
    ///
    /// - Parameters:
    ///   - path: the path after the version prefix, already percent-encoded, e.g. `/groups/x/databaseUsers`.
    func send(_ method: HTTPRequest.Method, path: String, query: [(String, String)] = [], body: [UInt8]? = nil) async throws -> HTTPResponse {
        let fullPath = configuration.apiVersion.pathPrefix + path
        let requestURI = fullPath + Self.queryString(query)
        let endpoint = "\(method.rawValue) \(fullPath)"
        let isIdempotent = method == .get
        var attempts = 0          // attempts that reached authentication, for 5xx/transport retries
        var authRetries = 0       // Digest challenges and token refreshes answered
        var rateLimitRetries = 0
        // Transient failures of any leg, the unauthenticated Digest priming leg included
        // (`attempts` counts authenticated legs only): bounds the retries when the very
        // first request never gets an answer.
        var failures = 0
        while true {
            try Task.checkCancellation()
            if let pause = await gate.remainingPause() {
                try await configuration.retry.sleep(pause)
            }
            let attempt: AuthorizationAttempt
            do {
                attempt = try await authorizer.authorize(method: method.rawValue, requestURI: requestURI)
            } catch let error as AtlasError {
                throw error
            } catch let error as TransportError {
                throw ErrorMapping.error(for: error.failure, endpoint: "POST token", host: configuration.host, timeout: configuration.requestTimeout, attempts: 1)
            }
            var headers: [(name: String, value: String)] = [
                ("Accept", configuration.apiVersion.mediaType),
                ("User-Agent", configuration.userAgent),
            ]
            if body != nil { headers.append(("Content-Type", configuration.apiVersion.mediaType)) }
            if let authorization = attempt.header { headers.append(("Authorization", authorization)) }
            let request = HTTPRequest(method: method, url: configuration.baseURL + requestURI, headers: headers,
                                      body: body, timeout: configuration.requestTimeout)
            if attempt.header != nil { attempts += 1 }
            emit(.requestSent(method: method.rawValue, path: fullPath))
            let response: HTTPResponse
            do {
                response = try await exchange(request, attempt: attempt)
            } catch let error as TransportError {
                emit(.requestFailed(method: method.rawValue, path: fullPath))
                failures += 1
                let tries = max(attempts, failures)
                if isIdempotent, error.failure.isTransient, tries < configuration.retry.maxAttempts {
                    let delay = configuration.retry.backoff(retry: tries)
                    emit(.retrying(path: fullPath, reason: String(describing: error.failure), attempt: tries, delay: delay))
                    try await configuration.retry.sleep(delay)
                    continue
                }
                throw ErrorMapping.error(for: error.failure, endpoint: endpoint, host: configuration.host,
                                         timeout: configuration.requestTimeout, attempts: max(tries, 1))
            } catch is CancellationError {
                emit(.requestFailed(method: method.rawValue, path: fullPath))
                throw CancellationError()
            } catch {
                emit(.requestFailed(method: method.rawValue, path: fullPath))
                throw ErrorMapping.error(for: .other(String(describing: type(of: error))), endpoint: endpoint, host: configuration.host,
                                         timeout: configuration.requestTimeout, attempts: max(attempts, 1))
            }
            emit(.responseReceived(method: method.rawValue, path: fullPath, status: response.status))
            if let remaining = response.header("RateLimit-Remaining").flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) {
                emit(.rateLimitRemaining(remaining))
            }
            switch response.status {
            case 200..<300:
                return response
            case 401:
                // The first 401 of a Digest exchange is a challenge, never an error.
                // Always consulted, so the authorizer sees every challenge (and releases
                // requests waiting for one); the cap stops a server that never accepts.
                let retry = try await authorizer.shouldRetry(after: response, attempt: attempt)
                if retry && authRetries < 3 {
                    authRetries += 1
                    if attempt.header != nil { attempts -= 1 }
                    continue
                }
            case 429 where isIdempotent && rateLimitRetries < configuration.retry.maxRateLimitRetries:
                rateLimitRetries += 1
                let wait = configuration.retry.rateLimitWait(retryAfter: response.header("Retry-After"), retry: rateLimitRetries)
                emit(.rateLimited(path: fullPath, wait: wait))
                await gate.pause(for: wait)
                attempts -= 1
                continue
            case 500..<600 where isIdempotent:
                failures += 1
                let tries = max(attempts, failures)
                guard tries < configuration.retry.maxAttempts else { break }
                let delay = response.header("Retry-After") != nil
                    ? configuration.retry.rateLimitWait(retryAfter: response.header("Retry-After"), retry: tries)
                    : configuration.retry.backoff(retry: tries)
                emit(.retrying(path: fullPath, reason: response.statusLine, attempt: tries, delay: delay))
                try await configuration.retry.sleep(delay)
                continue
            default:
                break
            }
            throw ErrorMapping.error(for: response, endpoint: endpoint, host: configuration.host,
                                     attempts: response.status == 429 ? rateLimitRetries + 1 : max(attempts, failures, 1),
                                     usingServiceAccount: authorizer.isServiceAccount)
        }
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

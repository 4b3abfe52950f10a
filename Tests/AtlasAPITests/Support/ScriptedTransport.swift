import AtlasAPI
import Foundation

/// An in-memory `HTTPTransport`: answers each request with a closure and records it.
/// No network, no sleeping.
actor ScriptedTransport: HTTPTransport {
    typealias Handler = @Sendable (HTTPRequest, Int) async throws -> HTTPResponse
    private let handler: Handler
    private(set) var requests: [HTTPRequest] = []

    init(_ handler: @escaping Handler) {
        self.handler = handler
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        requests.append(request)
        return try await handler(request, requests.count)
    }

    var count: Int { requests.count }
    var urls: [String] { requests.map(\.url) }
}

/// Sends no credentials and never retries a 401: isolates client behaviour from auth.
struct NoAuthorizer: RequestAuthorizer {
    func authorize(method: String, requestURI: String) async throws -> AuthorizationAttempt {
        AuthorizationAttempt(header: "Test", reusedState: false)
    }
    func shouldRetry(after response: HTTPResponse, attempt: AuthorizationAttempt) async throws -> Bool { false }
    var isServiceAccount: Bool { false }
}

/// Records the waits a RetryPolicy asks for instead of waiting.
final class SleepRecorder: Sendable {
    private let storage = Mutex<[Duration]>([])
    var sleeps: [Duration] { storage.withLock { $0 } }
    func policy(maxAttempts: Int = 4, maxRateLimitRetries: Int = 8) -> RetryPolicy {
        RetryPolicy(maxAttempts: maxAttempts, maxRateLimitRetries: maxRateLimitRetries,
                    sleep: { [self] duration in self.storage.withLock { $0.append(duration) } },
                    random: { 0.5 })
    }
}

import Synchronization

func jsonResponse(_ body: String, status: Int = 200, headers: [(name: String, value: String)] = []) -> HTTPResponse {
    HTTPResponse(status: status, reason: status == 200 ? "OK" : "", headers: [("Content-Type", "application/json")] + headers, body: Array(body.utf8))
}

func makeClient(_ transport: any HTTPTransport, retry: RetryPolicy = RetryPolicy(sleep: { _ in }), itemsPerPage: Int = 500,
                apiVersion: APIVersion = .v2, authorizer: any RequestAuthorizer = NoAuthorizer()) -> AtlasClient {
    AtlasClient(configuration: AtlasClientConfiguration(baseURL: "https://atlas.test", apiVersion: apiVersion, retry: retry, itemsPerPage: itemsPerPage),
                transport: transport, authorizer: authorizer)
}

/// Query parameter value of a URL.
func queryValue(_ url: String, _ name: String) -> String? {
    URLComponents(string: url)?.queryItems?.first(where: { $0.name == name })?.value
}

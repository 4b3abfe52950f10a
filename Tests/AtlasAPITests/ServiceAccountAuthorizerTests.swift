@testable import AtlasAPI
import Foundation
import Testing

/// A token endpoint in memory: records every request and answers from a script. When
/// `holding`, answers wait until `release()`, so a test can gather concurrent callers first.
private actor TokenEndpointStub: HTTPTransport {
    typealias Script = @Sendable (_ index: Int) throws -> HTTPResponse
    private let script: Script
    private var holding: Bool
    private var held: [CheckedContinuation<Void, Never>] = []
    private(set) var requests: [HTTPRequest] = []

    init(holding: Bool = false, _ script: @escaping Script) {
        self.holding = holding
        self.script = script
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        requests.append(request)
        let index = requests.count
        if holding { await withCheckedContinuation { held.append($0) } }
        return try script(index)
    }

    func release() {
        holding = false
        held.forEach { $0.resume() }
        held = []
    }
}

/// A clock the test moves by hand.
private final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_800_000_000)

    var now: Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
}

private func tokenResponse(_ token: String, expiresIn: Int = 3600) -> HTTPResponse {
    HTTPResponse(status: 200, reason: "OK", headers: [("Content-Type", "application/json")],
                 body: Array(#"{"access_token":"\#(token)","token_type":"Bearer","expires_in":\#(expiresIn)}"#.utf8))
}

@Suite("Service-account authorizer: OAuth client credentials", .timeLimit(.minutes(1)))
struct ServiceAccountAuthorizerTests {
    static let clientID = "mdb_sa_id_0123456789abcdef01234567"
    static let secret = "mdb_sa_sk_TOPSECRETvalue42"
    static let tokenURL = "https://cloud.mongodb.com/api/oauth/token"

    private func makeAuthorizer(_ transport: TokenEndpointStub, clock: ManualClock = ManualClock(),
                                tokenURL: String = ServiceAccountAuthorizerTests.tokenURL,
                                observer: (@Sendable (ServiceAccountAuthorizer.Event) -> Void)? = nil) -> ServiceAccountAuthorizer {
        ServiceAccountAuthorizer(clientID: Self.clientID, clientSecret: Secret(Self.secret), tokenURL: tokenURL,
                                 transport: transport, now: { clock.now }, observer: observer)
    }

    @Test("the token request: POST, Basic client credentials, form body")
    func requestShape() async throws {
        let stub = TokenEndpointStub { _ in tokenResponse("tok-1") }
        let attempt = try await makeAuthorizer(stub).authorize(method: "GET", requestURI: "/api/atlas/v2/groups")
        #expect(attempt.header == "Bearer tok-1")
        #expect(!attempt.reusedState)
        let request = try #require(await stub.requests.first)
        #expect(request.method == .post)
        #expect(request.url == Self.tokenURL)
        #expect(request.body == Array("grant_type=client_credentials".utf8))
        let headers = Dictionary(request.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        // base64("mdb_sa_id_0123456789abcdef01234567:mdb_sa_sk_TOPSECRETvalue42"), computed independently.
        #expect(headers["authorization"] == "Basic bWRiX3NhX2lkXzAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2NzptZGJfc2Ffc2tfVE9QU0VDUkVUdmFsdWU0Mg==")
        #expect(headers["content-type"] == "application/x-www-form-urlencoded")
        #expect(headers["accept"] == "application/json")
    }

    @Test("20 concurrent callers share one token request")
    func singleFlight() async throws {
        let stub = TokenEndpointStub(holding: true) { index in tokenResponse("tok-\(index)") }
        let (events, sink) = AsyncStream.makeStream(of: ServiceAccountAuthorizer.Event.self)
        let authorizer = makeAuthorizer(stub, observer: { sink.yield($0) })
        let headers = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<20 {
                group.addTask { try await authorizer.authorize(method: "GET", requestURI: "/api/atlas/v2/orgs").header }
            }
            // Answer only once all 20 wait for the token, so none can find it cached.
            var waiting = 0
            for await event in events {
                if case .awaitingToken = event { waiting += 1 }
                if waiting == 20 { break }
            }
            await stub.release()
            return try await group.reduce(into: [String?]()) { $0.append($1) }
        }
        #expect(await stub.requests.count == 1)
        #expect(headers == Array(repeating: "Bearer tok-1", count: 20))
    }

    @Test("the cached token is reused, then renewed 60 s before it expires")
    func renewal() async throws {
        let clock = ManualClock()
        let stub = TokenEndpointStub { index in tokenResponse("tok-\(index)", expiresIn: 3600) }
        let authorizer = makeAuthorizer(stub, clock: clock)
        let first = try await authorizer.authorize(method: "GET", requestURI: "/a")
        clock.advance(3539)
        let cached = try await authorizer.authorize(method: "GET", requestURI: "/a")
        #expect(cached.header == "Bearer tok-1")
        #expect(cached.reusedState)
        #expect(await stub.requests.count == 1)
        clock.advance(1)
        let renewed = try await authorizer.authorize(method: "GET", requestURI: "/a")
        #expect(first.header == "Bearer tok-1")
        #expect(renewed.header == "Bearer tok-2")
        #expect(!renewed.reusedState)
        #expect(await stub.requests.count == 2)
    }

    @Test("a token shorter-lived than two minutes is renewed at half its life")
    func shortLivedToken() async throws {
        let clock = ManualClock()
        let stub = TokenEndpointStub { index in tokenResponse("tok-\(index)", expiresIn: 60) }
        let authorizer = makeAuthorizer(stub, clock: clock)
        _ = try await authorizer.authorize(method: "GET", requestURI: "/a")
        clock.advance(29)
        #expect(try await authorizer.authorize(method: "GET", requestURI: "/a").header == "Bearer tok-1")
        clock.advance(1)
        #expect(try await authorizer.authorize(method: "GET", requestURI: "/a").header == "Bearer tok-2")
    }

    @Test("a 401 on a cached token drops it and retries once with a new one")
    func retryOnCachedToken() async throws {
        let stub = TokenEndpointStub { index in tokenResponse("tok-\(index)") }
        let authorizer = makeAuthorizer(stub)
        let fresh = try await authorizer.authorize(method: "GET", requestURI: "/a")
        #expect(try await authorizer.shouldRetry(after: HTTPResponse(status: 401), attempt: fresh) == false)
        let cached = try await authorizer.authorize(method: "GET", requestURI: "/a")
        #expect(cached.reusedState)
        #expect(try await authorizer.shouldRetry(after: HTTPResponse(status: 401), attempt: cached))
        let retried = try await authorizer.authorize(method: "GET", requestURI: "/a")
        #expect(retried.header == "Bearer tok-2")
        #expect(!retried.reusedState)
        #expect(try await authorizer.shouldRetry(after: HTTPResponse(status: 401), attempt: retried) == false)
        #expect(await stub.requests.count == 2)
    }

    @Test("a 401 on an old token does not drop a newer one")
    func staleRetryKeepsNewerToken() async throws {
        let stub = TokenEndpointStub { index in tokenResponse("tok-\(index)") }
        let authorizer = makeAuthorizer(stub)
        _ = try await authorizer.authorize(method: "GET", requestURI: "/a")
        let old = try await authorizer.authorize(method: "GET", requestURI: "/a")
        let other = try await authorizer.authorize(method: "GET", requestURI: "/a")
        #expect(try await authorizer.shouldRetry(after: HTTPResponse(status: 401), attempt: other))
        let newer = try await authorizer.authorize(method: "GET", requestURI: "/a")
        #expect(newer.header == "Bearer tok-2")
        #expect(try await authorizer.shouldRetry(after: HTTPResponse(status: 401), attempt: old))
        #expect(try await authorizer.authorize(method: "GET", requestURI: "/a").header == "Bearer tok-2")
        #expect(await stub.requests.count == 2)
    }

    static let failures: [(status: Int, body: String, headers: [(name: String, value: String)], kind: AtlasError.Kind, phrase: String)] = [
        (400, #"{"error":"invalid_client","error_description":"bad client mdb_sa_sk_TOPSECRETvalue42"}"#, [], .unauthorized,
         "the service account client ID or secret was rejected (HTTP 400 invalid_client)"),
        (401, #"{"error":"invalid_client"}"#, [], .unauthorized, "client ID or secret was rejected"),
        (403, #"{"error":"access_denied","error_description":"Access Token limit reached"}"#, [], .forbidden, "at most 100 active tokens"),
        (429, #"{"detail":"Resource /api/oauth/token is limited to 10 requests every 1 minutes.","error":429,"errorCode":"RATE_LIMITED","parameters":["/api/oauth/token",10,1]}"#,
         [("Retry-After", "42")], .rateLimited, "Atlas allows 10 token requests a minute"),
        (500, "", [], .serverError, "had a server error (HTTP 500)"),
        (503, "<html>maintenance</html>", [], .serverError, "cloud.mongodb.com"),
        (302, "", [], .httpStatus, "unexpected answer"),
        (200, #"{"token_type":"Bearer"}"#, [], .decoding, "without an access_token"),
        (200, #"{"access_token":"abc","token_type":"mac"}"#, [], .decoding, "of type mac, not Bearer"),
    ]

    @Test("token endpoint failures are one clear line without the secret", arguments: 0..<failures.count)
    func failure(_ index: Int) async throws {
        let failure = Self.failures[index]
        let stub = TokenEndpointStub { _ in
            HTTPResponse(status: failure.status, headers: failure.headers, body: Array(failure.body.utf8))
        }
        let error = try await #require(throws: AtlasError.self) {
            try await makeAuthorizer(stub).authorize(method: "GET", requestURI: "/a")
        }
        #expect(error.kind == failure.kind)
        #expect(error.message.contains(failure.phrase), "\(error.message)")
        #expect(error.message.hasPrefix("Could not get a service-account token"))
        #expect(!error.message.contains("\n"))
        if failure.status == 429 { #expect(error.message.contains("42")) }
        var dumped = ""
        dump(error, to: &dumped)
        for text in [error.message, String(describing: error), String(reflecting: error), error.detail ?? "", dumped] {
            #expect(!text.contains(Self.secret))
            #expect(!text.contains("bWRiX3NhX2lk"))
        }
    }

    @Test("a network failure becomes a transport error naming the host", arguments: [
        TransportFailure.connectionRefused(host: "cloud.mongodb.com"), .timeout, .tls("certificate expired"),
    ])
    func transportFailure(_ failure: TransportFailure) async throws {
        let stub = TokenEndpointStub { _ in throw TransportError(failure) }
        let error = try await #require(throws: AtlasError.self) {
            try await makeAuthorizer(stub).authorize(method: "GET", requestURI: "/a")
        }
        #expect(error.kind == .transport(failure))
        #expect(error.message.hasPrefix("Could not get a service-account token: "))
        #expect(error.message.contains("cloud.mongodb.com"))
        #expect(!error.message.contains(Self.secret))
    }

    @Test("a failed token request is not cached: the next call asks again")
    func failureNotCached() async throws {
        let stub = TokenEndpointStub { index in
            index == 1 ? HTTPResponse(status: 503) : tokenResponse("tok-\(index)")
        }
        let authorizer = makeAuthorizer(stub)
        await #expect(throws: AtlasError.self) { try await authorizer.authorize(method: "GET", requestURI: "/a") }
        #expect(try await authorizer.authorize(method: "GET", requestURI: "/a").header == "Bearer tok-2")
    }

    @Test("neither the secret nor the token shows in descriptions")
    func redaction() async throws {
        let stub = TokenEndpointStub { _ in tokenResponse("eyJ-the-access-token") }
        let authorizer = makeAuthorizer(stub)
        _ = try await authorizer.authorize(method: "GET", requestURI: "/a")
        var dumped = ""
        dump(authorizer, to: &dumped)
        for text in [String(describing: authorizer), String(reflecting: authorizer), dumped] {
            #expect(!text.contains(Self.secret))
            #expect(!text.contains("eyJ-the-access-token"))
        }
        #expect(String(describing: authorizer).contains(Self.clientID))
        #expect(authorizer.isServiceAccount)
    }

    // MARK: Hostile token answers and plain HTTP (issue 14)

    @Test("expires_in far below a minute is kept a minute: calls do not each fetch a token", arguments: ["1e-9", "0.5", "1"])
    func tinyLifetime(_ expiresIn: String) async throws {
        let clock = ManualClock()
        let stub = TokenEndpointStub { index in
            HTTPResponse(status: 200, reason: "OK", headers: [("Content-Type", "application/json")],
                         body: Array(#"{"access_token":"tok-\#(index)","token_type":"Bearer","expires_in":\#(expiresIn)}"#.utf8))
        }
        let authorizer = makeAuthorizer(stub, clock: clock)
        var headers: [String?] = []
        for _ in 0..<5 {
            headers.append(try await authorizer.authorize(method: "GET", requestURI: "/a").header)
            clock.advance(5)
        }
        #expect(headers == Array(repeating: "Bearer tok-1", count: 5))
        #expect(await stub.requests.count == 1)
        // Kept as a 60 s token: renewed at half its life, after 30 s.
        clock.advance(5)
        #expect(try await authorizer.authorize(method: "GET", requestURI: "/a").header == "Bearer tok-2")
    }

    /// Arguments are the token as JSON string content, escapes and all.
    @Test("a token with control, space or non-ASCII characters is refused without being shown",
          arguments: [#"eyJtok\r\nX-Injected: 1"#, #"eyJtok\u001b[2Jx"#, "eyJtok with-space", #"eyJtok\u007f"#, "eyJtoké"])
    func tokenWithControlCharacters(_ token: String) async throws {
        let json = #"{"access_token":"\#(token)","token_type":"Bearer"}"#
        let stub = TokenEndpointStub { _ in HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(json.utf8)) }
        let error = try await #require(throws: AtlasError.self) {
            try await makeAuthorizer(stub).authorize(method: "GET", requestURI: "/a")
        }
        #expect(error.kind == .decoding)
        #expect(error.message.hasPrefix("Could not get a service-account token: "), "\(error.message)")
        #expect(error.message.contains("cannot go in an HTTP header"))
        var dumped = ""
        dump(error, to: &dumped)
        for text in [error.message, String(reflecting: error), dumped] {
            #expect(!text.contains("eyJtok"))
            #expect(!text.contains("Injected"))
        }
    }

    @Test("a plain-HTTP token URL to another host is refused before the secret is sent", arguments: [
        "http://example.com/api/oauth/token", "http://gw.example.com:8080/prefix/api/oauth/token", "http://127.example.com/api/oauth/token",
    ])
    func plainHTTPRefused(_ url: String) async throws {
        let stub = TokenEndpointStub { _ in tokenResponse("tok") }
        let error = try await #require(throws: AtlasError.self) {
            try await makeAuthorizer(stub, tokenURL: url).authorize(method: "GET", requestURI: "/a")
        }
        #expect(await stub.requests.isEmpty)
        #expect(error.kind == .invalidInput)
        #expect(error.message.hasPrefix("Could not get a service-account token: Refusing http://"), "\(error.message)")
        #expect(error.message.contains("use https://"))
        #expect(!error.message.contains(Self.secret))
    }

    @Test("plain HTTP to a loopback host is allowed (the simulator)", arguments: [
        "http://127.0.0.1:1234/api/oauth/token", "http://localhost/api/oauth/token", "http://[::1]:8080/api/oauth/token",
    ])
    func plainHTTPLoopback(_ url: String) async throws {
        let stub = TokenEndpointStub { _ in tokenResponse("tok") }
        #expect(try await makeAuthorizer(stub, tokenURL: url).authorize(method: "GET", requestURI: "/a").header == "Bearer tok")
        #expect(await stub.requests.map(\.url) == [url])
    }
}

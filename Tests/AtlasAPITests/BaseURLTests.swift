@testable import AtlasAPI
import Testing

/// Base URLs with a path prefix (a gateway in front of Atlas) and plain HTTP (issue 14).
@Suite("Base URL: path prefix and plain HTTP")
struct BaseURLTests {
    // MARK: Path prefix

    @Test("the base URL's path prefix is kept and exposed", arguments: [
        ("https://cloud.mongodb.com", "https://cloud.mongodb.com", ""),
        ("https://cloud.mongodb.com/", "https://cloud.mongodb.com", ""),
        ("http://127.0.0.1:1234/prefix", "http://127.0.0.1:1234/prefix", "/prefix"),
        ("https://gw.example/a/b/", "https://gw.example/a/b", "/a/b"),
        ("https://gw.example/prefix/api/atlas/v2", "https://gw.example/prefix", "/prefix"),
    ])
    func basePath(_ given: String, _ baseURL: String, _ path: String) {
        let configuration = AtlasClientConfiguration(baseURL: given)
        #expect(configuration.baseURL == baseURL)
        #expect(configuration.basePath == path)
        #expect(configuration.wireRequestURI("/api/atlas/v2/groups?pageNum=2") == path + "/api/atlas/v2/groups?pageNum=2")
        // What goes on the wire is the base URL plus the API path: the same request-target.
        let url = configuration.baseURL + "/api/atlas/v2/groups?pageNum=2"
        #expect(HTTPRequest(method: .get, url: url).requestURI == configuration.wireRequestURI("/api/atlas/v2/groups?pageNum=2"))
    }

    static let cnonce = "0123456789abcdef0123456789abcdef"
    static let privateKey = "prefix-private-key"

    /// A strict Digest server behind `/prefix`: it accepts only a `uri` equal to the
    /// request-target it received and a response computed over that target.
    static func strictServer() -> ScriptedTransport {
        let challenge = DigestChallenge(realm: "MMS Public API", nonce: "nonce-p")
        return ScriptedTransport { request, _ in
            let header = request.headers.first(where: { $0.name == "Authorization" })?.value
            guard let header else { return DigestFixtures.challengeResponse(nonce: "nonce-p") }
            let parameters = DigestFixtures.parameters(header)
            let expected = challenge.authorization(username: "public", password: Secret(Self.privateKey), method: request.method.rawValue,
                                                   uri: request.requestURI, nonceCount: UInt32(parameters["nc"] ?? "", radix: 16) ?? 0,
                                                   cnonce: Self.cnonce)
            guard parameters["uri"] == request.requestURI, header == expected.headerValue else {
                return HTTPResponse(status: 401, reason: "Unauthorized", headers: [], body: [])
            }
            return jsonResponse(#"{"results":[],"totalCount":0}"#)
        }
    }

    @Test("the Digest answer is computed over the prefixed request-target")
    func digestOverPrefixedPath() async throws {
        let configuration = AtlasClientConfiguration(baseURL: "http://127.0.0.1:1234/prefix")
        let authorizer = DigestAuthorizer(publicKey: "public", privateKey: Secret(Self.privateKey), cnonce: { Self.cnonce })
        let server = Self.strictServer()
        let requestURI = APIVersion.v2.pathPrefix + "/groups?pageNum=1"
        let url = configuration.baseURL + requestURI
        let first = try await authorizer.authorize(method: "GET", requestURI: configuration.wireRequestURI(requestURI))
        let challenge = try await server.send(HTTPRequest(method: .get, url: url))
        #expect(try await authorizer.shouldRetry(after: challenge, attempt: first))
        let signed = try await authorizer.authorize(method: "GET", requestURI: configuration.wireRequestURI(requestURI))
        #expect(DigestFixtures.parameters(signed.header)["uri"] == "/prefix/api/atlas/v2/groups?pageNum=1")
        let answer = try await server.send(HTTPRequest(method: .get, url: url, headers: [("Authorization", signed.header ?? "")]))
        #expect(answer.status == 200)
        // The uri without the prefix, as before the fix, is what a strict server refuses.
        let unprefixed = try await authorizer.authorize(method: "GET", requestURI: requestURI)
        let refused = try await server.send(HTTPRequest(method: .get, url: url, headers: [("Authorization", unprefixed.header ?? "")]))
        #expect(refused.status == 401)
    }

    /// TLS verification is relaxed for loopback only; `127.evil.example` was taken for it.
    @Test("the transport's loopback rule is the strict one", arguments: [
        ("127.0.0.1", true), ("127.8.9.10", true), ("[::1]", true), ("localhost", true),
        ("127.evil.example", false), ("127.0.0.1.nip.io", false), ("128.0.0.1", false), ("example.com", false),
    ])
    func transportLoopback(host: String, loopback: Bool) {
        #expect(AsyncHTTPClientTransport.isLoopback(host) == loopback)
    }

    @Test("through the client, a strict Digest server behind a path prefix accepts the key")
    func clientBehindPrefix() async throws {
        let server = Self.strictServer()
        let client = AtlasClient(
            configuration: AtlasClientConfiguration(baseURL: "http://127.0.0.1:1234/prefix", retry: RetryPolicy(sleep: { _ in })),
            transport: server,
            authorizer: DigestAuthorizer(publicKey: "public", privateKey: Secret(Self.privateKey), cnonce: { Self.cnonce }))
        #expect(try await client.projects().isEmpty)
        let urls = await server.urls
        #expect(urls.allSatisfy { $0.hasPrefix("http://127.0.0.1:1234/prefix/api/atlas/v2/groups") }, "\(urls)")
        #expect(urls.count == 2)
    }

    // MARK: Plain HTTP

    @Test("plain HTTP to a host that is not loopback is refused with one line", arguments: [
        "http://example.com", "http://example.com/prefix", "HTTP://Example.COM:8080", "http://127.example.com",
        "http://127.0.0.1.example.com", "http://127.0.0.1@evil.example", "http://10.0.0.1", "http://[::2]:80", "http://0.0.0.0",
    ])
    func plainHTTPRefused(_ url: String) throws {
        let configuration = AtlasClientConfiguration(baseURL: url)
        let error = try #require(throws: AtlasError.self) { try configuration.validate() }
        #expect(error.kind == .invalidInput)
        #expect(error.message.hasPrefix("Refusing http://") || error.message.hasPrefix("Refusing HTTP://"), "\(error.message)")
        #expect(error.message.contains("plain http:// would send credentials and private keys unencrypted; use https://"))
        #expect(!error.message.contains("\n"))
    }

    @Test("plain HTTP to loopback, and HTTPS to anything, are accepted", arguments: [
        "http://127.0.0.1:1234", "http://127.0.0.1", "http://127.255.3.4:9/prefix", "http://localhost", "http://LOCALHOST:8080/",
        "http://[::1]:8080", "https://example.com", "https://cloud.mongodb.com/", "HTTPS://Example.com:8443/prefix",
        "https://10.0.0.1",
    ])
    func accepted(_ url: String) throws {
        try AtlasClientConfiguration(baseURL: url).validate()
        #expect(AtlasClientConfiguration.plainHTTPRefusal(for: url) == nil)
    }

    @Test("a base URL without https:// or a host is refused", arguments: ["cloud.mongodb.com", "ftp://cloud.mongodb.com", "https://", ""])
    func notAURL(_ url: String) throws {
        let error = try #require(throws: AtlasError.self) { try AtlasClientConfiguration(baseURL: url).validate() }
        #expect(error.message.contains("must start with https://"), "\(error.message)")
    }
}

@testable import AtlasAPI
import Testing

/// Digest helpers shared by the authorizer suites.
enum DigestFixtures {
    /// A 401 as Atlas sends it, with the given nonce.
    static func challengeResponse(nonce: String, stale: Bool = false) -> HTTPResponse {
        HTTPResponse(status: 401, reason: "Unauthorized", headers: [
            ("Content-Type", "application/json"),
            ("Www-Authenticate", #"Digest realm="MMS Public API", domain="", nonce="\#(nonce)", algorithm=MD5, qop="auth", stale=\#(stale)"#),
        ], body: Array(#"{"error":401,"reason":"Unauthorized","detail":"You are not authorized for this resource.","errorCode":"UNEXPECTED_ERROR"}"#.utf8))
    }

    /// The parameters of a Digest `Authorization` header, read with the challenge parser.
    static func parameters(_ header: String?) -> [String: String] {
        guard let header, let parsed = DigestHeaderSyntax.challenges(in: header).first else { return [:] }
        return Dictionary(parsed.parameters.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}

@Suite("Digest authorizer: nonce reuse and retry decisions")
struct DigestAuthorizerTests {
    static let privateKey = "f3b1c2d4-priv-key-9a8b7c6d5e4f"

    func makeAuthorizer() -> DigestAuthorizer {
        DigestAuthorizer(publicKey: "abcdefgh", privateKey: Secret(Self.privateKey), cnonce: { "0123456789abcdef0123456789abcdef" })
    }

    /// Runs the first, unauthenticated leg and answers it with `nonce`.
    func primed(nonce: String = "nonce-1") async throws -> DigestAuthorizer {
        let authorizer = makeAuthorizer()
        let first = try await authorizer.authorize(method: "GET", requestURI: "/api/atlas/v2/groups")
        #expect(first.header == nil)
        #expect(!first.reusedState)
        #expect(try await authorizer.shouldRetry(after: DigestFixtures.challengeResponse(nonce: nonce), attempt: first))
        return authorizer
    }

    @Test("later requests reuse the nonce with nc 1, 2, 3")
    func nonceReuse() async throws {
        let authorizer = try await primed()
        var attempts: [AuthorizationAttempt] = []
        for uri in ["/api/atlas/v2/groups", "/api/atlas/v2/orgs?pageNum=2", "/api/atlas/v2/groups/x/databaseUsers"] {
            attempts.append(try await authorizer.authorize(method: "GET", requestURI: uri))
        }
        let parameters = attempts.map { DigestFixtures.parameters($0.header) }
        #expect(parameters.map { $0["nc"] } == ["00000001", "00000002", "00000003"])
        #expect(parameters.map { $0["nonce"] } == ["nonce-1", "nonce-1", "nonce-1"])
        #expect(parameters.map { $0["uri"] } == ["/api/atlas/v2/groups", "/api/atlas/v2/orgs?pageNum=2", "/api/atlas/v2/groups/x/databaseUsers"])
        #expect(attempts.map(\.reusedState) == [false, true, true])
        // Each response is the RFC 7616 answer for its own nc.
        let challenge = DigestChallenge(realm: "MMS Public API", nonce: "nonce-1")
        for (index, attempt) in attempts.enumerated() {
            let expected = challenge.authorization(username: "abcdefgh", password: Secret(Self.privateKey), method: "GET",
                                                   uri: parameters[index]["uri"] ?? "", nonceCount: UInt32(index + 1),
                                                   cnonce: "0123456789abcdef0123456789abcdef")
            #expect(attempt.header == expected.headerValue)
        }
    }

    @Test("a 401 on the challenge-seeking request is answered")
    func challengeSeeking() async throws {
        let authorizer = makeAuthorizer()
        let first = try await authorizer.authorize(method: "GET", requestURI: "/a")
        #expect(try await authorizer.shouldRetry(after: DigestFixtures.challengeResponse(nonce: "n"), attempt: first))
    }

    @Test("a stale nonce is replaced and retried, even on a fresh nonce")
    func stale() async throws {
        let authorizer = try await primed()
        let fresh = try await authorizer.authorize(method: "GET", requestURI: "/a")
        #expect(!fresh.reusedState)
        #expect(try await authorizer.shouldRetry(after: DigestFixtures.challengeResponse(nonce: "nonce-2", stale: true), attempt: fresh))
        let retried = DigestFixtures.parameters(try await authorizer.authorize(method: "GET", requestURI: "/a").header)
        #expect(retried["nonce"] == "nonce-2")
        #expect(retried["nc"] == "00000001")
    }

    @Test("a 401 on a reused nonce adopts the new challenge and retries")
    func reusedNonceRejected() async throws {
        let authorizer = try await primed()
        _ = try await authorizer.authorize(method: "GET", requestURI: "/a")
        let reused = try await authorizer.authorize(method: "GET", requestURI: "/b")
        #expect(reused.reusedState)
        #expect(try await authorizer.shouldRetry(after: DigestFixtures.challengeResponse(nonce: "nonce-2"), attempt: reused))
        let retried = try await authorizer.authorize(method: "GET", requestURI: "/b")
        #expect(DigestFixtures.parameters(retried.header)["nonce"] == "nonce-2")
        #expect(DigestFixtures.parameters(retried.header)["nc"] == "00000001")
        #expect(!retried.reusedState)
    }

    @Test("a 401 on a fresh nonce means wrong keys: no retry")
    func freshNonceRejected() async throws {
        let authorizer = try await primed()
        let fresh = try await authorizer.authorize(method: "GET", requestURI: "/a")
        #expect(DigestFixtures.parameters(fresh.header)["nc"] == "00000001")
        #expect(try await authorizer.shouldRetry(after: DigestFixtures.challengeResponse(nonce: "nonce-2"), attempt: fresh) == false)
    }

    @Test("a 401 without a Digest challenge to a signed request is final", arguments: [
        HTTPResponse(status: 401),
        HTTPResponse(status: 401, headers: [("WWW-Authenticate", #"Basic realm="x""#)]),
    ])
    func noChallenge(_ response: HTTPResponse) async throws {
        let authorizer = try await primed()
        _ = try await authorizer.authorize(method: "GET", requestURI: "/a")
        let second = try await authorizer.authorize(method: "GET", requestURI: "/a")
        #expect(second.reusedState)
        #expect(try await authorizer.shouldRetry(after: response, attempt: second) == false)
    }

    @Test("concurrent 401s carrying the same nonce do not restart the count")
    func sameNonceKeepsCount() async throws {
        let authorizer = try await primed()
        _ = try await authorizer.authorize(method: "GET", requestURI: "/a")
        let second = try await authorizer.authorize(method: "GET", requestURI: "/a")
        #expect(try await authorizer.shouldRetry(after: DigestFixtures.challengeResponse(nonce: "nonce-1", stale: true), attempt: second))
        #expect(DigestFixtures.parameters(try await authorizer.authorize(method: "GET", requestURI: "/a").header)["nc"] == "00000003")
    }

    @Test("the private key shows nowhere")
    func redaction() async throws {
        let authorizer = try await primed()
        let attempt = try await authorizer.authorize(method: "GET", requestURI: "/a")
        var dumped = ""
        dump(authorizer, to: &dumped)
        var dumpedAttempt = ""
        dump(attempt, to: &dumpedAttempt)
        let texts = [String(describing: authorizer), String(reflecting: authorizer), dumped, dumpedAttempt, attempt.header ?? ""]
        for text in texts {
            #expect(!text.contains(Self.privateKey))
        }
        #expect(String(describing: authorizer).contains("abcdefgh"))
        #expect(!authorizer.isServiceAccount)
    }
}

/// A 401 to the unauthenticated first leg that offers nothing this client can answer
/// used to be reported as "the API key pair is wrong", though the key was never sent.
@Suite("Digest authorizer: challenges it cannot answer")
struct DigestUnanswerableChallengeTests {
    static let privateKey = "f3b1c2d4-priv-key-9a8b7c6d5e4f"
    static let prefix = "Atlas answered with an authentication challenge atlas-certs cannot answer: "

    static func unauthorized(_ wwwAuthenticate: [String]) -> HTTPResponse {
        HTTPResponse(status: 401, reason: "Unauthorized", headers: wwwAuthenticate.map { ("WWW-Authenticate", $0) },
                     body: Array(#"{"error":401,"reason":"Unauthorized"}"#.utf8))
    }

    static let cases: [(headers: [String], reason: String)] = [
        ([], "the 401 carries no WWW-Authenticate header"),
        ([""], "the WWW-Authenticate header is empty"),
        ([#"Basic realm="gateway""#], "it offers only Basic, not Digest"),
        ([#"Basic realm="gateway""#, #"Bearer realm="x""#], "it offers only Basic, Bearer, not Digest"),
        ([#"Digest realm="MMS Public API", nonce="n1", algorithm=SHA-512-256, qop="auth""#],
         "Digest with algorithm SHA-512-256, which atlas-certs does not implement (it answers MD5, MD5-sess, SHA-256, SHA-256-sess)"),
        ([#"Digest realm="MMS Public API", qop="auth""#], "its Digest challenge lacks a realm or nonce"),
    ]

    @Test("the first leg's 401 says which challenge it was, not that the key is wrong", arguments: 0..<6)
    func unanswerable(_ index: Int) async throws {
        let (headers, reason) = Self.cases[index]
        let authorizer = DigestAuthorizer(publicKey: "abcdefgh", privateKey: Secret(Self.privateKey))
        let first = try await authorizer.authorize(method: "GET", requestURI: "/api/atlas/v2/groups")
        #expect(first.header == nil)
        let error = await #expect(throws: AtlasError.self) {
            _ = try await authorizer.shouldRetry(after: Self.unauthorized(headers), attempt: first)
        }
        let message = error?.message ?? ""
        #expect(message.hasPrefix(Self.prefix + reason + "."), "\(message)")
        #expect(message.contains("was not sent"))
        #expect(!message.contains("wrong"))
        #expect(!message.contains(Self.privateKey))
        #expect(error?.status == 401)
    }

    @Test("through the client: one request, no credentials sent, the distinct message")
    func throughClient() async throws {
        let transport = ScriptedTransport { _, _ in Self.unauthorized([#"Basic realm="gateway""#]) }
        let client = makeClient(transport, authorizer: DigestAuthorizer(publicKey: "abcdefgh", privateKey: Secret(Self.privateKey)))
        let error = await #expect(throws: AtlasError.self) { _ = try await client.projects() }
        #expect(error?.message.hasPrefix(Self.prefix + "it offers only Basic, not Digest.") == true, "\(error?.message ?? "")")
        let requests = await transport.requests
        #expect(requests.count == 1)
        #expect(requests.allSatisfy { request in !request.headers.contains { $0.name.lowercased() == "authorization" } })
    }

    @Test("a Digest challenge next to Basic is still answered")
    func digestBesideBasic() async throws {
        let authorizer = DigestAuthorizer(publicKey: "abcdefgh", privateKey: Secret(Self.privateKey))
        let first = try await authorizer.authorize(method: "GET", requestURI: "/a")
        let response = Self.unauthorized([#"Basic realm="gateway""#, #"Digest realm="MMS Public API", nonce="n1", algorithm=MD5, qop="auth""#])
        #expect(try await authorizer.shouldRetry(after: response, attempt: first))
        #expect(DigestFixtures.parameters(try await authorizer.authorize(method: "GET", requestURI: "/a").header)["nonce"] == "n1")
    }
}

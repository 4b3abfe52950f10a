import AtlasAPI
import Foundation
import Testing
import Synchronization

private func atlasError(_ status: Int, _ code: String, _ detail: String, parameters: String = "[]", headers: [(name: String, value: String)] = []) -> HTTPResponse {
    jsonResponse(#"{"detail":"\#(detail)","error":\#(status),"errorCode":"\#(code)","parameters":\#(parameters),"reason":"x"}"#, status: status,
                 headers: [("X-Error-Code", code)] + headers)
}

private func failure(_ response: HTTPResponse, retry: RetryPolicy = RetryPolicy(maxAttempts: 1, maxRateLimitRetries: 0, sleep: { _ in })) async -> AtlasError? {
    let transport = ScriptedTransport { _, _ in response }
    return await #expect(throws: AtlasError.self) {
        _ = try await makeClient(transport, retry: retry).certificates(projectID: "5e2211c17a3e5a48f5497de3", username: "alice")
    }
}

@Suite("Errors say what to do")
struct ErrorHandlingTests {
    @Test("401 after authentication: wrong, revoked or other-org key")
    func unauthorized() async {
        let error = await failure(atlasError(401, "USER_UNAUTHORIZED", "Current user is not authorized to perform this action."))
        #expect(error?.kind == .unauthorized)
        #expect(error?.status == 401)
        #expect(error?.message.contains("wrong or revoked") == true)
        #expect(error?.message.contains("another organization") == true)
    }

    @Test("403 IP_ADDRESS_NOT_ON_ACCESS_LIST names the caller's IP and where to add it")
    func accessList() async {
        let error = await failure(atlasError(403, "IP_ADDRESS_NOT_ON_ACCESS_LIST", "IP address 203.0.113.7 is not allowed to access this resource.", parameters: #"["203.0.113.7"]"#))
        #expect(error?.kind == .accessListDenied)
        #expect(error?.errorCode == "IP_ADDRESS_NOT_ON_ACCESS_LIST")
        #expect(error?.message.contains("Add this machine's address 203.0.113.7 to the API access list") == true)
    }

    @Test("403 ORG_REQUIRES_ACCESS_LIST names the IP")
    func orgRequiresAccessList() async {
        let error = await failure(atlasError(403, "ORG_REQUIRES_ACCESS_LIST", "This organization requires access through an access list of ip ranges.", parameters: #"["198.51.100.4"]"#))
        #expect(error?.kind == .accessListDenied)
        #expect(error?.message.contains("198.51.100.4") == true)
        #expect(error?.message.contains("requires an API access list") == true)
    }

    @Test("403 without an access-list code is a missing role")
    func missingRole() async {
        let error = await failure(atlasError(403, "ACCESS_FORBIDDEN", "Forbidden."))
        #expect(error?.kind == .forbidden)
        #expect(error?.message.contains("Project Read Only") == true)
    }

    @Test("404 GROUP_NOT_FOUND and USERNAME_NOT_FOUND")
    func notFound() async {
        let group = await failure(atlasError(404, "GROUP_NOT_FOUND", "No group with ID 111111111111111111111111 exists.", parameters: #"["111111111111111111111111"]"#))
        #expect(group?.kind == .notFound)
        #expect(group?.message.contains("No project 111111111111111111111111 is visible") == true)
        let user = await failure(atlasError(404, "USERNAME_NOT_FOUND", "No user with username alice exists.", parameters: #"["alice"]"#))
        #expect(user?.message.contains("No such database user") == true)
    }

    @Test("406 and 400 INVALID_VERSION_DATE suggest another API version")
    func invalidVersion() async {
        let notAcceptable = await failure(atlasError(406, "INVALID_VERSION_DATE", "Invalid accept header or version date."))
        #expect(notAcceptable?.kind == .invalidVersion)
        #expect(notAcceptable?.message.contains("--api-version") == true)
        let badRequest = await failure(atlasError(400, "INVALID_VERSION_DATE", "Invalid accept header or version date."))
        #expect(badRequest?.kind == .invalidVersion)
    }

    @Test("429 waits Retry-After, then succeeds")
    func rateLimitThenSuccess() async throws {
        let recorder = SleepRecorder()
        let transport = ScriptedTransport { _, n in
            n == 1 ? atlasError(429, "RATE_LIMITED_TOKEN_BUCKET", "Rate limit exceeded.", headers: [("Retry-After", "7")])
                : jsonResponse(#"{"results":[],"totalCount":0}"#)
        }
        let certificates = try await makeClient(transport, retry: recorder.policy()).certificates(projectID: "g", username: "u")
        #expect(certificates.isEmpty)
        // The whole client pauses until 7 s after the 429; the wait measured from the gate is a hair under.
        #expect(recorder.sleeps.count == 1)
        #expect(recorder.sleeps.allSatisfy { $0 > .milliseconds(6_900) && $0 <= .seconds(7) })
        #expect(await transport.count == 2)
    }

    @Test("429 without Retry-After backs off; persistent 429 fails with advice")
    func rateLimitPersistent() async {
        let recorder = SleepRecorder()
        let error = await failure(atlasError(429, "RATE_LIMITED", "Resource is limited."), retry: recorder.policy(maxRateLimitRetries: 3))
        #expect(error?.kind == .rateLimited)
        #expect(error?.message.contains("4 attempts") == true)
        #expect(recorder.sleeps.count == 3)
        #expect(recorder.sleeps.allSatisfy { $0 > .zero && $0 <= .seconds(15) })
    }

    @Test("5xx is retried with backoff for GET, then reported with the status line")
    func serverErrors() async {
        let recorder = SleepRecorder()
        let transport = ScriptedTransport { _, _ in
            HTTPResponse(status: 503, reason: "Service Unavailable", headers: [("Content-Type", "text/html")],
                         body: Array("<html><title>MongoDB Cloud Manager Unavailable</title></html>".utf8))
        }
        let error = await #expect(throws: AtlasError.self) {
            _ = try await makeClient(transport, retry: recorder.policy(maxAttempts: 4)).organizations()
        }
        #expect(error?.kind == .serverError)
        #expect(error?.message.hasPrefix("HTTP 503 Service Unavailable.") == true)
        #expect(error?.message.contains("<html>") == false)
        #expect(error?.message.contains("after 4 attempts") == true)
        #expect(await transport.count == 4)
        #expect(recorder.sleeps.count == 3)
        // Exponential with jitter 0.5: 0.2 s, 0.4 s, 0.8 s.
        #expect(recorder.sleeps == [.milliseconds(200), .milliseconds(400), .milliseconds(800)])
    }

    @Test("5xx then success is invisible to the caller")
    func serverErrorRecovers() async throws {
        let transport = ScriptedTransport { _, n in
            n < 3 ? HTTPResponse(status: 500, reason: "Internal Server Error") : jsonResponse(#"{"results":[{"id":"o","name":"Org"}],"totalCount":1}"#)
        }
        let organizations = try await makeClient(transport).organizations()
        #expect(organizations.map(\.name) == ["Org"])
        #expect(await transport.count == 3)
    }

    @Test("POST is never retried, even after a 5xx")
    func postNotRetried() async {
        let transport = ScriptedTransport { _, _ in HTTPResponse(status: 503, reason: "Service Unavailable") }
        let error = await #expect(throws: AtlasError.self) {
            _ = try await makeClient(transport).createCertificate(projectID: "g", username: "u", months: 3)
        }
        #expect(error?.kind == .serverError)
        #expect(await transport.count == 1)
    }

    @Test("an empty body on an error status gives the status line")
    func emptyErrorBody() async {
        let error = await failure(HTTPResponse(status: 502, reason: "Bad Gateway"))
        #expect(error?.message.hasPrefix("HTTP 502 Bad Gateway.") == true)
    }

    @Test("transport failures: timeout, DNS, refused, TLS, truncated, too large")
    func transportFailures() async {
        let cases: [(TransportFailure, String)] = [
            (.timeout, "No answer from atlas.test within 30 s"),
            (.dnsFailure(host: "atlas.test"), "Cannot resolve host atlas.test"),
            (.connectionRefused(host: "atlas.test:443"), "connection was refused"),
            (.tls("certificate verify failed"), "TLS with atlas.test failed"),
            (.truncatedBody, "ended early"),
            (.connectionReset, "was reset"),
            (.bodyTooLarge(limit: 64 << 20), "was larger than 64 MiB"),
        ]
        for (failureCase, text) in cases {
            let transport = ScriptedTransport { _, _ in throw TransportError(failureCase) }
            let error = await #expect(throws: AtlasError.self) {
                _ = try await makeClient(transport, retry: RetryPolicy(maxAttempts: 2, sleep: { _ in })).organizations()
            }
            #expect(error?.kind == .transport(failureCase))
            #expect(error?.message.contains(text) == true, "\(failureCase): \(error?.message ?? "")")
            // Transient failures are retried once (maxAttempts 2); permanent ones are not.
            #expect(await transport.count == (failureCase.isTransient ? 2 : 1))
        }
    }

    @Test("a missing required field names the field and the endpoint")
    func missingField() async {
        let transport = ScriptedTransport { _, _ in jsonResponse(#"{"results":[{"_id":5,"subject":"CN=a"}],"totalCount":1}"#) }
        let error = await #expect(throws: AtlasError.self) {
            _ = try await makeClient(transport).certificates(projectID: "g", username: "u")
        }
        #expect(error?.kind == .decoding)
        #expect(error?.message.contains("results[0].notAfter") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("GET /api/atlas/v2/groups/g/databaseUsers/u/certs") == true)
    }

    /// Valid HTTP whose JSON is cut short (a truncating proxy) is as transient as a reset
    /// connection: fetched again, and after the allowed tries a truncated-body error.
    @Test("a JSON body cut short on 200 is retried, then reported as truncated, not a crash")
    func truncatedJSON() async {
        let transport = ScriptedTransport { _, _ in jsonResponse(#"{"results":[{"_id":5,"subject":"CN=a","notAf"#) }
        let error = await #expect(throws: AtlasError.self) { _ = try await makeClient(transport).organizations() }
        #expect(error?.kind == .transport(.truncatedBody))
        #expect(error?.message.contains("ended early") == true, "\(error?.message ?? "")")
        #expect(await transport.count == 4)
    }

    @Test("a JSON body cut short once is fetched again and the call succeeds")
    func truncatedJSONOnce() async throws {
        let transport = ScriptedTransport { _, call in
            call == 1 ? jsonResponse(#"{"results":[{"id":"o1","na"#) : jsonResponse(#"{"results":[{"id":"o1","name":"Org"}],"totalCount":1}"#)
        }
        let organizations = try await makeClient(transport).organizations()
        #expect(organizations.map(\.id) == ["o1"])
        #expect(await transport.count == 2)
    }

    @Test("JSON that parses but breaks the schema is a permanent decoding error, not retried")
    func schemaBroken() async {
        let transport = ScriptedTransport { _, _ in jsonResponse(#"{"results":[{"id":5}],"totalCount":"x"}"#) }
        let error = await #expect(throws: AtlasError.self) { _ = try await makeClient(transport).organizations() }
        #expect(error?.kind == .decoding)
        #expect(await transport.count == 1)
    }

    @Test("hostile server text in an error is escaped")
    func hostileDetail() async {
        let error = await failure(atlasError(404, "GROUP_NOT_FOUND", #"No group \u001b[2J\u001b]52;c;ZXZpbA==\u0007 exists."#))
        #expect(error?.message.unicodeScalars.contains { $0.value < 0x20 } == false)
        #expect(error?.message.contains("\\x1B[2J") == true)
    }

    @Test("v1.0 uses its own prefix and plain JSON media type; v2 the dated one")
    func versionHeaders() async throws {
        for version in APIVersion.allCases {
            let transport = ScriptedTransport { _, _ in jsonResponse(#"{"results":[],"totalCount":0}"#) }
            _ = try await makeClient(transport, apiVersion: version).organizations()
            let request = try #require(await transport.requests.first)
            let accept = request.headers.first { $0.name == "Accept" }?.value
            switch version {
            case .v2:
                #expect(request.url.hasPrefix("https://atlas.test/api/atlas/v2/orgs?"))
                #expect(accept == "application/vnd.atlas.2023-01-01+json")
            case .v1:
                #expect(request.url.hasPrefix("https://atlas.test/api/atlas/v1.0/orgs?"))
                #expect(accept == "application/json")
            }
        }
    }

    @Test("create sends the months and returns the PEM without describing it")
    func createCertificate() async throws {
        let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nSECRETKEY\n-----END PRIVATE KEY-----\n"
        let transport = ScriptedTransport { _, _ in
            HTTPResponse(status: 201, reason: "Created", headers: [("Content-Type", "application/vnd.atlas.2023-01-01+json;charset=utf-8")], body: Array(pem.utf8))
        }
        let issued = try await makeClient(transport).createCertificate(projectID: "g", username: "CN=a b", months: 6)
        let request = try #require(await transport.requests.first)
        #expect(request.method == .post)
        #expect(request.url == "https://atlas.test/api/atlas/v2/groups/g/databaseUsers/CN=a%20b/certs")
        #expect(request.body.map { String(decoding: $0, as: UTF8.self) } == #"{"monthsUntilExpiration":6}"#)
        #expect(issued.containsPrivateKey)
        #expect(issued.certificatePEM?.contains("SECRETKEY") == false)
        #expect("\(issued)".contains("SECRETKEY") == false)
        #expect(String(reflecting: issued).contains("SECRETKEY") == false)
        await #expect(throws: AtlasError.self) { _ = try await makeClient(transport).createCertificate(projectID: "g", username: "u", months: 25) }
        #expect(await transport.count == 1)
    }
}

/// A server that accepts connections and never answers: with Digest the first leg of a
/// call carries no credentials, and its failures must be bounded like any other's (they
/// were not, and `list` waited for ever).
@Suite("Silent servers")
struct SilentServerTests {
    @Test("Digest: a first leg that always times out fails after the allowed attempts, with one clear error")
    func primingLegTimesOut() async {
        let transport = ScriptedTransport { _, _ in throw TransportError(.timeout) }
        let recorder = SleepRecorder()
        let client = makeClient(transport, retry: recorder.policy(maxAttempts: 4),
                                authorizer: DigestAuthorizer(publicKey: "a", privateKey: Secret("b")))
        let error = await #expect(throws: AtlasError.self) {
            _ = try await client.projects()
        }
        #expect(await transport.count == 4)
        #expect(recorder.sleeps.count == 3)
        #expect(error?.message.hasPrefix("No answer from atlas.test within") == true, "\(error?.message ?? "")")
    }

    @Test("Digest: a first leg that always gets 503 fails after the allowed attempts")
    func primingLegServerError() async {
        let transport = ScriptedTransport { _, _ in HTTPResponse(status: 503, reason: "Service Unavailable", headers: [], body: Array("<html>down</html>".utf8)) }
        let recorder = SleepRecorder()
        let client = makeClient(transport, retry: recorder.policy(maxAttempts: 4),
                                authorizer: DigestAuthorizer(publicKey: "a", privateKey: Secret("b")))
        let error = await #expect(throws: AtlasError.self) {
            _ = try await client.projects()
        }
        #expect(await transport.count == 4)
        #expect(error?.kind == .serverError)
    }
}

/// A body that stalls after the head: the timeout covers the whole response, not only the
/// head (issue 14: `check --timeout 2` hung 300 s, `create` 40 s with its answer half sent).
@Suite("Stalled bodies")
struct StalledBodyTests {
    @Test("a response whose body stops mid-way times out within the request's timeout")
    func stalledBody() async throws {
        let server = try HostileHTTPServer { _ in .stall([HostileHTTPServer.head(contentLength: 5_000), Data(#"{"results":["#.utf8)]) }
        defer { server.stop() }
        let transport = try AsyncHTTPClientTransport(baseURL: server.url, environment: [:])
        let started = ContinuousClock.now
        let error = await #expect(throws: TransportError.self) {
            _ = try await transport.send(HTTPRequest(method: .get, url: server.url + "/api/atlas/v2/groups", timeout: .milliseconds(300)))
        }
        let waited = ContinuousClock.now - started
        await transport.shutdown()
        #expect(error?.failure == .timeout)
        // Generous (a loaded 2-core run delays every task by tens of seconds): before the
        // fix this never returned at all.
        #expect(waited < .seconds(120), "\(waited)")
    }

    @Test("through the client a stalled body is retried, then one clear timeout error")
    func stalledBodyThroughClient() async throws {
        let server = try HostileHTTPServer { _ in .stall([HostileHTTPServer.head(contentLength: 5_000), Data(#"{"results":["#.utf8)]) }
        defer { server.stop() }
        let transport = try AsyncHTTPClientTransport(baseURL: server.url, environment: [:])
        let client = AtlasClient(configuration: AtlasClientConfiguration(baseURL: server.url, requestTimeout: .milliseconds(200),
                                                                         retry: RetryPolicy(maxAttempts: 2, sleep: { _ in })),
                                 transport: transport, authorizer: NoAuthorizer())
        let error = await #expect(throws: AtlasError.self) { _ = try await client.projects() }
        await transport.shutdown()
        #expect(error?.kind == .transport(.timeout))
        #expect(error?.message.hasPrefix("No answer from") == true, "\(error?.message ?? "")")
    }
}

/// A listing that repeats an ID with other dates: the copy kept was the first one, and a
/// certificate with days left vanished from `check` (issue 14).
@Suite("Duplicate certificate IDs")
struct DuplicateCertificateTests {
    @Test("the copy that expires soonest is kept, in the order first listed, and the duplicates are reported")
    func keepsTheWorst() async throws {
        let body = #"{"results":[{"_id":7,"subject":"CN=a","notAfter":"2027-06-01T00:00:00Z"},{"_id":8,"subject":"CN=b","notAfter":"2027-01-01T00:00:00Z"},{"_id":7,"subject":"CN=a","notAfter":"2026-12-05T00:00:00Z"},{"_id":8,"subject":"CN=b","notAfter":"2027-03-01T00:00:00Z"}],"totalCount":4}"#
        let transport = ScriptedTransport { _, _ in jsonResponse(body) }
        let events = Mutex<[ClientEvent]>([])
        let client = AtlasClient(configuration: AtlasClientConfiguration(baseURL: "https://atlas.test", retry: RetryPolicy(sleep: { _ in })),
                                 transport: transport, authorizer: NoAuthorizer(), events: { event in events.withLock { $0.append(event) } })
        let certificates = try await client.certificates(projectID: "g", username: "u")
        #expect(certificates.map(\.id.value) == [7, 8])
        #expect(certificates.map { AtlasJSON.parseDate("2026-12-05T00:00:00Z") == $0.notAfter } == [true, false])
        #expect(certificates[1].notAfter == AtlasJSON.parseDate("2027-01-01T00:00:00Z"))
        #expect(events.withLock { $0 }.contains(.duplicateCertificates(path: "/api/atlas/v2/groups/g/databaseUsers/u/certs", count: 2)))
    }
}

@testable import AtlasAPI
import Testing

/// A door that stays shut until `open()`; awaiting it never sleeps.
private actor Door {
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func pass() async {
        if isOpen { return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func open() {
        isOpen = true
        waiting.forEach { $0.resume() }
        waiting = []
    }
}

/// An in-memory Atlas that checks Digest answers like the real one: one nonce, each
/// `nc` accepted once. Unauthenticated requests wait at `primingDoor` before their 401;
/// with `failingFirstChallenge` the first of them gets a 503 instead.
private actor DigestServer {
    let password: Secret
    let nonce = "669gyxpgL6MGDuSZvQ80Spv3k+Jc99ed"
    let primingDoor = Door()
    let failingFirstChallenge: Bool
    private(set) var unauthenticated = 0
    private(set) var authenticated = 0
    private(set) var acceptedCounts: [String] = []

    init(password: String, failingFirstChallenge: Bool = false) {
        self.password = Secret(password)
        self.failingFirstChallenge = failingFirstChallenge
    }

    func handle(method: String, uri: String, authorization: String?) async -> HTTPResponse {
        guard let authorization else {
            unauthenticated += 1
            let index = unauthenticated
            await primingDoor.pass()
            return failingFirstChallenge && index == 1 ? HTTPResponse(status: 503) : DigestFixtures.challengeResponse(nonce: nonce)
        }
        authenticated += 1
        let sent = DigestFixtures.parameters(authorization)
        guard sent["nonce"] == nonce, let nc = sent["nc"], let count = UInt32(nc, radix: 16), !acceptedCounts.contains(nc) else {
            return DigestFixtures.challengeResponse(nonce: nonce, stale: true)
        }
        let expected = DigestChallenge(realm: "MMS Public API", nonce: nonce)
            .authorization(username: sent["username"] ?? "", password: password, method: method, uri: uri,
                           nonceCount: count, cnonce: sent["cnonce"] ?? "").response
        guard sent["response"] == expected, sent["uri"] == uri else { return DigestFixtures.challengeResponse(nonce: nonce) }
        acceptedCounts.append(nc)
        return HTTPResponse(status: 200)
    }
}

/// What `AtlasClient.send` does with an authorizer, without the rest of the client:
/// `attemptEnded` for every answer but a 401, `shouldRetry` for a 401, a 503 retried.
private func call(_ authorizer: DigestAuthorizer, _ server: DigestServer, uri: String) async throws -> Int {
    var retries = 0
    while true {
        let attempt = try await authorizer.authorize(method: "GET", requestURI: uri)
        let response = await server.handle(method: "GET", uri: uri, authorization: attempt.header)
        if response.status != 401 { await authorizer.attemptEnded(attempt, status: response.status) }
        if response.status == 503, retries < 3 {
            retries += 1
            continue
        }
        if response.status == 401, retries < 3, try await authorizer.shouldRetry(after: response, attempt: attempt) {
            retries += 1
            continue
        }
        return response.status
    }
}

/// An authorizer whose gate events arrive on a stream the test awaits.
private func observedAuthorizer(password: String = "secret-private-key") -> (DigestAuthorizer, AsyncStream<DigestAuthorizer.Event>) {
    let (events, sink) = AsyncStream.makeStream(of: DigestAuthorizer.Event.self)
    let authorizer = DigestAuthorizer(username: "public", password: Secret(password), cnonce: { DigestAuthorizer.randomCnonce() },
                                      observer: { sink.yield($0) })
    return (authorizer, events)
}

/// Returns once `count` requests wait for the challenge.
private func untilWaiting(_ count: Int, _ events: inout AsyncStream<DigestAuthorizer.Event>.Iterator) async {
    while let event = await events.next() {
        if case .waiting(let waiting) = event, waiting >= count { return }
    }
}

@Suite("Digest authorizer: one challenge for concurrent first requests", .timeLimit(.minutes(1)))
struct DigestAuthorizerConcurrencyTests {
    @Test("N concurrent first requests cost N + 1 HTTP requests")
    func concurrentFirstRequests() async throws {
        let requests = 8
        let (authorizer, events) = observedAuthorizer()
        let server = DigestServer(password: "secret-private-key")
        var iterator = events.makeAsyncIterator()
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<requests {
                group.addTask { try await call(authorizer, server, uri: "/api/atlas/v2/groups/\(index)/databaseUsers") }
            }
            // Hold the challenge until every other request is parked behind it.
            await untilWaiting(requests - 1, &iterator)
            await server.primingDoor.open()
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: requests))
        #expect(await server.unauthenticated == 1)
        #expect(await server.authenticated == requests)
        #expect(await server.acceptedCounts.sorted() == (1...requests).map { DigestChallenge.formatNonceCount(UInt32($0)) })
        #expect(await authorizer.waiterCount == 0)
    }

    @Test("a challenge request that fails with a 503 strands no one")
    func failedChallengeRequest() async throws {
        let requests = 6
        let (authorizer, events) = observedAuthorizer()
        let server = DigestServer(password: "secret-private-key", failingFirstChallenge: true)
        var iterator = events.makeAsyncIterator()
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<requests {
                group.addTask { try await call(authorizer, server, uri: "/api/atlas/v2/groups/\(index)") }
            }
            await untilWaiting(requests - 1, &iterator)
            await server.primingDoor.open()
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: requests))
        #expect(await server.authenticated == requests)
        #expect(await authorizer.waiterCount == 0)
    }

    @Test("a cancelled waiter leaves, and the rest still get the challenge")
    func cancelledWaiter() async throws {
        let (authorizer, events) = observedAuthorizer()
        var iterator = events.makeAsyncIterator()
        let priming = try await authorizer.authorize(method: "GET", requestURI: "/a")
        #expect(priming.header == nil)

        let cancelled = Task { try await authorizer.authorize(method: "GET", requestURI: "/b") }
        await untilWaiting(1, &iterator)
        let patient = Task { try await authorizer.authorize(method: "GET", requestURI: "/c") }
        await untilWaiting(2, &iterator)
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(await authorizer.waiterCount == 1)

        #expect(try await authorizer.shouldRetry(after: DigestFixtures.challengeResponse(nonce: "n1"), attempt: priming))
        let waited = try await patient.value
        #expect(DigestFixtures.parameters(waited.header)["nc"] == "00000001")
        #expect(await authorizer.waiterCount == 0)
    }

    @Test("a request cancelled before it waits does not wait")
    func cancelledBeforeWaiting() async throws {
        let (authorizer, _) = observedAuthorizer()
        _ = try await authorizer.authorize(method: "GET", requestURI: "/a")
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await authorizer.authorize(method: "GET", requestURI: "/b")
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(await authorizer.waiterCount == 0)
    }

    @Test("when the challenge-seeking request fails, waiters go unauthenticated", arguments: [503, 200, nil] as [Int?])
    func primingFails(_ status: Int?) async throws {
        let (authorizer, events) = observedAuthorizer()
        var iterator = events.makeAsyncIterator()
        let priming = try await authorizer.authorize(method: "GET", requestURI: "/a")
        let waiters = (0..<3).map { index in Task { try await authorizer.authorize(method: "GET", requestURI: "/w\(index)") } }
        await untilWaiting(3, &iterator)

        // A 401 is for shouldRetry; another attempt's end changes nothing.
        await authorizer.attemptEnded(priming, status: 401)
        await authorizer.attemptEnded(AuthorizationAttempt(header: nil, reusedState: false, context: "other"), status: status)
        #expect(await authorizer.waiterCount == 3)

        // The client calls through the protocol, so the release must come that way.
        let viaProtocol: any RequestAuthorizer = authorizer
        await viaProtocol.attemptEnded(priming, status: status)
        for waiter in waiters {
            let attempt = try await waiter.value
            #expect(attempt.header == nil)
            #expect(!attempt.reusedState)
        }
        #expect(await authorizer.waiterCount == 0)
        // The next request fetches a challenge itself instead of waiting for the failed one.
        let next = try await Task { try await authorizer.authorize(method: "GET", requestURI: "/n") }.value
        #expect(next.header == nil)
        #expect(next.context != priming.context)
    }

    @Test("a challenge-seeking 401 without a Digest challenge releases the waiters")
    func primingWithoutChallenge() async throws {
        let (authorizer, events) = observedAuthorizer()
        var iterator = events.makeAsyncIterator()
        let priming = try await authorizer.authorize(method: "GET", requestURI: "/a")
        let waiter = Task { try await authorizer.authorize(method: "GET", requestURI: "/b") }
        await untilWaiting(1, &iterator)
        // No challenge to answer: the priming request fails with its own message.
        await #expect(throws: AtlasError.self) { try await authorizer.shouldRetry(after: HTTPResponse(status: 401), attempt: priming) }
        #expect(try await waiter.value.header == nil)
    }
}

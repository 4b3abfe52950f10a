import AtlasSimulator
import Foundation
import Testing

/// A running simulator plus the test-side client pieces to talk to it.
struct Harness {
    let simulator: AtlasSimulator
    let clock: TestClock

    var port: Int { simulator.port }
    var credentials: SimulatorCredentials { simulator.configuration.credentials }

    /// Starts a simulator with a test clock at `now`, runs `body`, always shuts down.
    static func with<T>(
        data: SimulatorData = Fixtures.basic(), now: Date = Fixtures.now,
        configure: (inout SimulatorConfiguration) -> Void = { _ in },
        _ body: (Harness) async throws -> T
    ) async throws -> T {
        let clock = TestClock(now)
        var configuration = SimulatorConfiguration(clock: clock.function)
        configure(&configuration)
        let simulator = try await AtlasSimulator.start(configuration: configuration, data: data)
        let harness = Harness(simulator: simulator, clock: clock)
        do {
            let result = try await body(harness)
            try await simulator.shutdown()
            return result
        } catch {
            try? await simulator.shutdown()
            throw error
        }
    }

    /// A request with exactly the given headers (no authentication).
    func raw(_ method: String = "GET", _ target: String, headers: [(String, String)] = [], body: [UInt8] = []) async throws
        -> RawHTTPResponse
    {
        try await RawHTTP.send(port: port, method: method, target: target, headers: headers, body: body)
    }

    /// Asks for a fresh nonce with an unauthenticated request (one challenge).
    func challenge(_ target: String = "/api/atlas/v2/orgs") async throws -> DigestChallenge {
        let response = try await raw("GET", target)
        let challenge = DigestChallenge.parse(response.header("Www-Authenticate"))
        #expect(response.status == 401)
        return try #require(challenge)
    }

    /// A request signed with `nonce` and `nc`.
    func signed(
        _ method: String = "GET", _ target: String, nonce: String, nc: Int, password: String? = nil,
        headers: [(String, String)] = [], body: [UInt8] = []
    ) async throws -> RawHTTPResponse {
        let authorization = DigestSigner.authorization(
            method: method, uri: target, nonce: nonce, nc: nc, username: credentials.publicKey,
            password: password ?? credentials.privateKey)
        return try await raw(method, target, headers: [("Authorization", authorization)] + headers, body: body)
    }

    /// The full digest exchange as a naive client does it: challenge, then signed request.
    func digest(
        _ method: String = "GET", _ target: String, accept: String? = nil, headers: [(String, String)] = [],
        body: [UInt8] = []
    ) async throws -> RawHTTPResponse {
        let nonce = try await challenge(target).nonce
        var extra = headers
        if let accept { extra.append(("Accept", accept)) }
        return try await signed(method, target, nonce: nonce, nc: 1, headers: extra, body: body)
    }

    /// A JSON body for `POST …/certs`.
    static func monthsBody(_ months: Int) -> [UInt8] {
        Array("{\"monthsUntilExpiration\":\(months)}".utf8)
    }
}

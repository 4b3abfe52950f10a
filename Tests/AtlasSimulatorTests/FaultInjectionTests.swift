import AtlasSimulator
import Foundation
import Testing

@Suite("Fault injection")
struct FaultInjectionTests {
    static let orgs = "/api/atlas/v2/orgs"

    /// Makes `count` authenticated calls on one nonce, returning each outcome.
    static func calls(_ harness: Harness, _ count: Int) async throws -> [Result<RawHTTPResponse, RawHTTPError>] {
        let nonce = try await harness.challenge().nonce
        var outcomes: [Result<RawHTTPResponse, RawHTTPError>] = []
        for nc in 1...count {
            do {
                outcomes.append(.success(try await harness.signed("GET", orgs, nonce: nonce, nc: nc)))
            } catch let error as RawHTTPError {
                outcomes.append(.failure(error))
            }
        }
        return outcomes
    }

    @Test("--drop-every 3: calls 3 and 6 close without a byte; challenges are not counted")
    func drop() async throws {
        try await Harness.with(configure: { $0.faults.dropEvery = 3 }) { harness in
            let outcomes = try await Self.calls(harness, 6)
            for (index, outcome) in outcomes.enumerated() {
                if (index + 1) % 3 == 0 {
                    #expect(throws: RawHTTPError.closedWithoutResponse) { try outcome.get() }
                } else {
                    #expect(try outcome.get().status == 200)
                }
            }
            let log = harness.simulator.requestLog
            #expect(log.filter { $0.fault == .dropped }.count == 2)
            #expect(log.first { $0.fault == .dropped }?.status == nil)
            #expect(harness.simulator.requestCount(.challenge) == 1)
        }
    }

    @Test("--truncate-every 2: the body is cut short of its Content-Length")
    func truncate() async throws {
        try await Harness.with(configure: { $0.faults.truncateEvery = 2 }) { harness in
            let outcomes = try await Self.calls(harness, 4)
            #expect(try outcomes[0].get().status == 200)
            guard case .failure(.truncated(let status, let expected, let received)) = outcomes[1] else {
                Issue.record("call 2 was not truncated: \(outcomes[1])")
                return
            }
            #expect(status == 200)
            #expect(received < expected)
            #expect(received == expected / 2)
            #expect(harness.simulator.requestLog.filter { $0.fault == .truncated }.count == 2)
        }
    }

    @Test("--fail-every 2: 500 JSON, then the 503 HTML maintenance page, alternately")
    func failures() async throws {
        try await Harness.with(configure: { $0.faults.failEvery = 2 }) { harness in
            let outcomes = try await Self.calls(harness, 4).map { try $0.get() }
            #expect(outcomes.map(\.status) == [200, 500, 200, 503])
            #expect(outcomes[1].header("Content-Type") == "application/json")
            #expect(try outcomes[1].json()["errorCode"]?.string == "UNEXPECTED_ERROR")
            #expect(outcomes[3].header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(outcomes[3].text.contains("MongoDB Cloud Manager Unavailable"))
            #expect(harness.simulator.requestLog.compactMap(\.fault) == [.serverError, .serviceUnavailable])
        }
    }

    @Test("rate limit 2 per bucket, 1/s refill: third call is 429 with Retry-After; the clock refills it")
    func rateLimit() async throws {
        try await Harness.with(configure: { $0.faults.rateLimit = .init(capacity: 2, refillPerSecond: 1) }) { harness in
            let nonce = try await harness.challenge().nonce
            let first = try await harness.signed("GET", Self.orgs, nonce: nonce, nc: 1)
            #expect(first.status == 200)
            #expect(first.header("Ratelimit-Limit") == "2")
            #expect(first.header("Ratelimit-Remaining") == "1")
            #expect(try await harness.signed("GET", Self.orgs, nonce: nonce, nc: 2).status == 200)
            let limited = try await harness.signed("GET", Self.orgs, nonce: nonce, nc: 3)
            let body = try ErrorResponseTests.expectError(limited, status: 429, code: "RATE_LIMITED_TOKEN_BUCKET")
            #expect(limited.header("Retry-After") == "1")
            #expect(body["detail"]?.string == "Rate limit exceeded for api/atlas/v2/orgs. Please retry after 1 seconds. Request capacity: 2. Refill rate: 1 per 1 seconds.")
            #expect(body["parameters"] == .array([.string("api/atlas/v2/orgs"), .number("1"), .number("2"), .number("1"), .number("1")]))
            harness.clock.advance(by: 1)
            #expect(try await harness.signed("GET", Self.orgs, nonce: nonce, nc: 4).status == 200)
        }
    }

    @Test("latency delays every response by at least the configured time")
    func latency() async throws {
        try await Harness.with(configure: { $0.faults.latency = .milliseconds(150) }) { harness in
            let clock = ContinuousClock()
            let start = clock.now
            let response = try await harness.digest("GET", Self.orgs)
            #expect(response.status == 200)
            #expect(clock.now - start >= .milliseconds(300))  // challenge + call
        }
    }

    @Test("resetRequestLog restarts fault numbering")
    func resetRestartsCounting() async throws {
        try await Harness.with(configure: { $0.faults.failEvery = 2 }) { harness in
            _ = try await Self.calls(harness, 1)
            harness.simulator.resetRequestLog()
            let outcomes = try await Self.calls(harness, 2).map { try $0.get().status }
            #expect(outcomes == [200, 500])
        }
    }
}

import AtlasSimulator
import Foundation
import Testing

/// What the server does with clients that send too much or stop sending: a body over
/// 1 MiB gets `413` with an Atlas error body (not a silent close), and a connection whose
/// client stalls is closed after the read timeout.
@Suite("Connection limits: body size and read timeout")
struct ConnectionLimitsTests {
    static let limit = 1 << 20
    static let certs = "/api/atlas/v2/groups/\(Fixtures.project)/databaseUsers/\(Fixtures.managed)/certs"

    static func expectPayloadTooLarge(_ response: RawHTTPResponse) throws {
        #expect(response.status == 413)
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.header("X-Error-Code") == "PAYLOAD_TOO_LARGE")
        #expect(response.header("Connection") == "close")
        let body = try response.json()
        #expect(body["error"]?.int == 413)
        #expect(body["errorCode"]?.string == "PAYLOAD_TOO_LARGE")
        #expect(body["reason"]?.string == "Payload Too Large")
        #expect(body["parameters"]?[0]?.int == limit)
    }

    // MARK: - Body size

    @Test("a Content-Length over 1 MiB is answered 413 with an Atlas error body, then the connection closes")
    func declaredTooLarge() async throws {
        try await Harness.with { harness in
            let body = [UInt8](repeating: UInt8(ascii: " "), count: Self.limit + 1)
            let response = try await harness.raw("POST", Self.certs, body: body)
            try Self.expectPayloadTooLarge(response)
            #expect(harness.simulator.requestLog.last?.status == 413)
            #expect(harness.simulator.requestLog.last?.route == .certsCreate)
        }
    }

    @Test("a chunked body that grows past 1 MiB is answered 413 too")
    func chunkedTooLarge() async throws {
        try await Harness.with { harness in
            let connection = try await RawConnection.open(port: harness.port)
            var bytes = Array("POST \(Self.certs) HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
            let chunk = [UInt8](repeating: UInt8(ascii: " "), count: 1 << 16)
            for _ in 0..<17 { bytes += Array("10000\r\n".utf8) + chunk + Array("\r\n".utf8) }
            bytes += Array("0\r\n\r\n".utf8)
            try await connection.send(raw: bytes)
            let wait = try await connection.waitForClose(deadline: .seconds(20))
            #expect(wait.closed)
            try Self.expectPayloadTooLarge(try RawHTTP.parse(wait.received))
        }
    }

    /// The latency (longer than the read timeout) makes the server slow to answer while
    /// the request is still unfinished: that time is the server's, so the 413 must still
    /// arrive (it did not when only a request's end stopped the clock).
    @Test("the 413 goes out before the body, however slow the server: a client waiting on Expect: 100-continue gets it")
    func answeredBeforeBody() async throws {
        try await Harness.with(configure: {
            $0.readTimeout = .milliseconds(300)
            $0.faults.latency = .milliseconds(1_000)
        }) { harness in
            let connection = try await RawConnection.open(port: harness.port, sending: Array(
                "POST \(Self.certs) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(2 * Self.limit)\r\nExpect: 100-continue\r\n\r\n".utf8))
            // The body never comes, so after the answer the read timeout closes the connection.
            let wait = try await connection.waitForClose(deadline: .seconds(20))
            #expect(wait.closed)
            try Self.expectPayloadTooLarge(try RawHTTP.parse(wait.received))
        }
    }

    @Test("a body of exactly 1 MiB is still accepted")
    func exactlyAtLimit() async throws {
        try await Harness.with { harness in
            // Whitespace only: the create endpoint reads it as no body (3 months).
            let body = [UInt8](repeating: UInt8(ascii: " "), count: Self.limit)
            let response = try await harness.digest("POST", Self.certs, body: body)
            #expect(response.status == 201)
            #expect(response.text.hasPrefix("-----BEGIN CERTIFICATE-----"))
        }
    }

    @Test("under envelope=true the 413 is wrapped like every Admin API error")
    func tooLargeInEnvelope() async throws {
        try await Harness.with { harness in
            let body = [UInt8](repeating: UInt8(ascii: " "), count: Self.limit + 1)
            let response = try await harness.raw("POST", Self.certs + "?envelope=true", body: body)
            #expect(response.status == 200)
            #expect(try response.json()["status"]?.int == 413)
            #expect(try response.json()["content"]?["errorCode"]?.string == "PAYLOAD_TOO_LARGE")
        }
    }

    // MARK: - Read timeout

    @Test("the default read timeout is 30 seconds")
    func defaultTimeout() {
        #expect(SimulatorConfiguration().readTimeout == .seconds(30))
    }

    @Test("half a request head: the connection is closed after the read timeout, with no response")
    func halfSentHead() async throws {
        try await Harness.with(configure: { $0.readTimeout = .milliseconds(300) }) { harness in
            // Taken before connecting, so before the server's clock starts.
            let start = ContinuousClock.now
            let connection = try await RawConnection.open(
                port: harness.port, sending: Array("GET /api/atlas/v2/orgs HTTP/1.1\r\nHost: 127.0.0.1\r\n".utf8))
            let wait = try await connection.waitForClose(deadline: .seconds(20))
            #expect(wait.closed)
            #expect(wait.received.isEmpty)
            // Closed by the timer, not at once.
            #expect(start.duration(to: .now) >= .milliseconds(300))
            #expect(harness.simulator.requestLog.isEmpty)
        }
    }

    @Test("half a body: the connection is closed after the read timeout, with no response")
    func halfSentBody() async throws {
        try await Harness.with(configure: { $0.readTimeout = .milliseconds(300) }) { harness in
            let connection = try await RawConnection.open(port: harness.port, sending: Array(
                "POST \(Self.certs) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"months".utf8))
            let wait = try await connection.waitForClose(deadline: .seconds(20))
            #expect(wait.closed)
            #expect(wait.received.isEmpty)
            #expect(harness.simulator.requestLog.isEmpty)
        }
    }

    @Test("an idle keep-alive connection is closed after the read timeout")
    func idleKeepAlive() async throws {
        try await Harness.with(configure: { $0.readTimeout = .milliseconds(300) }) { harness in
            let connection = try await RawConnection.open(
                port: harness.port, sending: RawConnection.requestBytes(port: harness.port, "GET", "/api/atlas/v2/orgs"))
            #expect(try await connection.response().status == 401)
            let wait = try await connection.waitForClose(deadline: .seconds(20))
            #expect(wait.closed)
            #expect(wait.received.isEmpty)
        }
    }

    @Test("the server's own time answering does not count: a response slower than the timeout still arrives")
    func serverLatencyNotCounted() async throws {
        try await Harness.with(configure: {
            $0.readTimeout = .milliseconds(300)
            $0.faults.latency = .milliseconds(1_200)
        }) { harness in
            let connection = try await RawConnection.open(
                port: harness.port, sending: RawConnection.requestBytes(port: harness.port, "GET", "/api/atlas/v2/orgs"))
            let response = try await connection.response()
            #expect(response.status == 401)
        }
    }
}

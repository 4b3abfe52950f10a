import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A persistent (keep-alive) connection, as HTTP client libraries use, to check that the
/// simulator serves several requests per connection and closes idle ones on shutdown.
final class RawConnection: @unchecked Sendable {
    private let fd: Int32
    private let port: Int
    private var pending: [UInt8] = []

    private init(fd: Int32, port: Int) {
        self.fd = fd
        self.port = port
    }

    deinit { close(fd) }

    static func open(port: Int) async throws -> RawConnection {
        try await RawHTTP.onThread { RawConnection(fd: try RawHTTP.connectSocket(port: port), port: port) }
    }

    /// Connects and sends `bytes` on one thread, with nothing in between: for tests with a
    /// short read timeout, where a thread hop between connecting and sending could take
    /// longer than the timeout on a loaded machine.
    static func open(port: Int, sending bytes: [UInt8]) async throws -> RawConnection {
        try await RawHTTP.onThread {
            let connection = RawConnection(fd: try RawHTTP.connectSocket(port: port), port: port)
            try RawHTTP.sendAll(connection.fd, bytes)
            return connection
        }
    }

    /// The bytes of a keep-alive request, for `open(port:sending:)`.
    static func requestBytes(port: Int, _ method: String, _ target: String) -> [UInt8] {
        RawHTTP.requestBytes(port: port, method: method, target: target, headers: [], body: [], keepAlive: true)
    }

    /// Sends one request and reads exactly one response (by `Content-Length`).
    func request(_ method: String, _ target: String, headers: [(String, String)] = []) async throws -> RawHTTPResponse {
        try await RawHTTP.onThread { [self] in
            try RawHTTP.sendAll(fd, RawHTTP.requestBytes(port: port, method: method, target: target, headers: headers, body: [], keepAlive: true))
            return try readResponse()
        }
    }

    /// Reads exactly one response (by `Content-Length`) to a request already sent.
    func response() async throws -> RawHTTPResponse {
        try await RawHTTP.onThread { [self] in try readResponse() }
    }

    private func readResponse() throws -> RawHTTPResponse {
        while true {
            if let end = headEnd() {
                let length = Self.contentLength(head: pending[..<end])
                if pending.count >= end + length {
                    let full = try RawHTTP.parse(Array(pending[..<(end + length)]))
                    pending.removeFirst(end + length)
                    return full
                }
            }
            guard readMore() else { throw RawHTTPError.closedWithoutResponse }
        }
    }

    /// Sends bytes as they are: half a request, a body in pieces.
    func send(raw bytes: [UInt8]) async throws {
        try await RawHTTP.onThread { [self] in try RawHTTP.sendAll(fd, bytes) }
    }

    /// How a wait for the server to close ended.
    struct CloseWait: Sendable {
        /// True when the server closed (end-of-file or reset) before the deadline.
        var closed: Bool
        /// What the server sent before closing (a response it should not have sent shows here).
        var received: [UInt8]
    }

    /// Waits, with `deadline` as the limit, for the server to close the connection: polls
    /// the socket for the close event, no sleeping, and keeps whatever arrives first.
    func waitForClose(deadline: Duration) async throws -> CloseWait {
        try await RawHTTP.onThread { [self] in
            let end = ContinuousClock.now + deadline
            var received = pending
            pending = []
            var buffer = [UInt8](repeating: 0, count: 16_384)
            while true {
                let left = ContinuousClock.now.duration(to: end)
                guard left > .zero else { return CloseWait(closed: false, received: received) }
                var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let milliseconds = Int32(clamping: left.components.seconds * 1_000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
                let ready = poll(&descriptor, 1, milliseconds)
                if ready < 0 && errno == EINTR { continue }
                guard ready > 0 else { continue }
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count <= 0 { return CloseWait(closed: true, received: received) }
                received += buffer[..<count]
            }
        }
    }

    /// True once the server has closed the connection (a read returns end-of-file).
    func isClosedByServer() async throws -> Bool {
        try await RawHTTP.onThread { [self] in !readMore() && pending.isEmpty }
    }

    private static func contentLength(head: ArraySlice<UInt8>) -> Int {
        for line in String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "content-length" {
                return Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0
            }
        }
        return 0
    }

    private func headEnd() -> Int? {
        guard pending.count >= 4 else { return nil }
        for index in 0...(pending.count - 4) where pending[index..<index + 4].elementsEqual([13, 10, 13, 10]) {
            return index + 4
        }
        return nil
    }

    private func readMore() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        pending += buffer[..<count]
        return true
    }
}

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

    /// Sends one request and reads exactly one response (by `Content-Length`).
    func request(_ method: String, _ target: String, headers: [(String, String)] = []) async throws -> RawHTTPResponse {
        try await RawHTTP.onThread { [self] in
            try RawHTTP.sendAll(fd, RawHTTP.requestBytes(port: port, method: method, target: target, headers: headers, body: [], keepAlive: true))
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

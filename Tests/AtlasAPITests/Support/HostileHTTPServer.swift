import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A scripted hostile Atlas on 127.0.0.1 (for the client in AtlasAPITests and for the
/// real binary in EndToEndTests, which links this file): every connection gets a
/// thread that reads one request head, asks `reply` what to send, writes it and either
/// closes the connection or holds it open unanswered until `stop` (a stalled body).
///
/// Raw sockets rather than the simulator, because the point is to send what no
/// well-behaved HTTP stack would: endless 10 MB pages, absurd counts and headers, a body
/// that never ends.
final class HostileHTTPServer: @unchecked Sendable {
    struct Request: Sendable {
        var method: String
        /// The request target: path and query.
        var target: String
    }

    enum Reply: Sendable {
        /// The pieces are written in order (one large `Data` can be sent many times without
        /// a copy), then the connection is closed.
        case send([Data])
        /// The pieces are written, then nothing more until the server stops.
        case stall([Data])
    }

    let port: UInt16
    private let listener: Int32
    private let reply: @Sendable (Request) -> Reply
    private let lock = NSLock()
    private var open: Set<Int32> = []
    private var stopped = false
    private var served = 0

    init(reply: @escaping @Sendable (Request) -> Reply) throws {
        self.reply = reply
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        listener = fd
        Thread { [self] in acceptLoop() }.start()
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// How many requests were answered (or stalled).
    var requestCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return served
    }

    /// A complete HTTP/1.1 response head with `Connection: close`.
    static func head(status: String = "200 OK", contentType: String = "application/json", contentLength: Int?,
                     extra: [String] = []) -> Data {
        var lines = ["HTTP/1.1 \(status)", "Content-Type: \(contentType)", "Connection: close"] + extra
        if let contentLength { lines.append("Content-Length: \(contentLength)") }
        return Data((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    }

    /// A whole JSON response.
    static func json(_ body: String, status: String = "200 OK", extra: [String] = []) -> Reply {
        let bytes = Data(body.utf8)
        return .send([head(status: status, contentLength: bytes.count, extra: extra), bytes])
    }

    private func acceptLoop() {
        defer { close(listener) }
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            lock.lock()
            if stopped {
                lock.unlock()
                close(connection)
                return
            }
            open.insert(connection)
            lock.unlock()
            Thread { [self] in serve(connection) }.start()
        }
    }

    private func serve(_ connection: Int32) {
        guard let request = readHead(connection) else { return finish(connection) }
        let answer = reply(request)
        lock.lock()
        served += 1
        lock.unlock()
        switch answer {
        case .send(let pieces):
            if writeAll(pieces, to: connection) { shutdown(connection, Int32(SHUT_WR)) }
            finish(connection)
        case .stall(let pieces):
            _ = writeAll(pieces, to: connection)
            // Held open until the client gives up or `stop` shuts the socket down: either
            // ends this read.
            var byte: UInt8 = 0
            while read(connection, &byte, 1) > 0 {}
            finish(connection)
        }
    }

    /// Only the connection's own thread closes it: a descriptor closed elsewhere while
    /// this thread still writes could be reused by another test's socket (tests run in
    /// parallel) and receive these bytes. `stop` only shuts sockets down.
    private func finish(_ connection: Int32) {
        lock.lock()
        open.remove(connection)
        lock.unlock()
        close(connection)
    }

    private func readHead(_ connection: Int32) -> Request? {
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 16_384)
        let end = Array("\r\n\r\n".utf8)
        while received.count < 1 << 20 {
            let count = read(connection, &buffer, buffer.count)
            guard count > 0 else { return nil }
            received += buffer[0..<count]
            if let range = received.firstRange(of: end) {
                let head = String(decoding: received[..<range.lowerBound], as: UTF8.self)
                let words = head.prefix { $0 != "\r" }.split(separator: " ")
                guard words.count >= 2 else { return nil }
                return Request(method: String(words[0]), target: String(words[1]))
            }
        }
        return nil
    }

    /// False when the client went away (it may stop reading an endless page at any time).
    private func writeAll(_ pieces: [Data], to connection: Int32) -> Bool {
        for piece in pieces {
            let ok = piece.withUnsafeBytes { raw -> Bool in
                var offset = 0
                while offset < raw.count {
                    let written = send(connection, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                    if written <= 0 { return false }
                    offset += written
                }
                return true
            }
            if !ok { return false }
        }
        return true
    }

    /// Shuts every open connection and the listener down; their threads close them.
    func stop() {
        // Under the lock: a connection still in `open` has not been closed by its thread.
        lock.lock()
        stopped = true
        for connection in open { shutdown(connection, Int32(SHUT_RDWR)) }
        lock.unlock()
        shutdown(listener, Int32(SHUT_RDWR))
    }
}

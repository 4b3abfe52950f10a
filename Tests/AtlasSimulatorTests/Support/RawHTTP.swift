import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One HTTP response as read off the socket.
struct RawHTTPResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    func headerCount(_ name: String) -> Int {
        headers.filter { $0.name.lowercased() == name.lowercased() }.count
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    func json() throws -> JSON { try JSON.parse(body) }
}

enum RawHTTPError: Error, Equatable {
    case connectFailed(Int32)
    case sendFailed(Int32)
    /// The server closed the connection before sending a single byte.
    case closedWithoutResponse
    /// The server announced `expected` body bytes but closed after `received`.
    case truncated(status: Int, expected: Int, received: Int)
    case malformed(String)
}

/// A deliberately tiny HTTP/1.1 client over a blocking POSIX socket, independent of the
/// project's API client and of NIO, so the simulator is checked by code that shares
/// nothing with what it serves.
///
/// Each request uses its own connection with `Connection: close` and reads to EOF, which
/// makes truncated bodies and dropped connections directly observable. The blocking I/O
/// runs on a dedicated thread, never on the cooperative pool: on a 2-core machine a few
/// blocked pool threads would starve the simulator's own tasks.
enum RawHTTP {
    static func send(
        port: Int, method: String, target: String, headers: [(String, String)] = [], body: [UInt8] = []
    ) async throws -> RawHTTPResponse {
        try await onThread {
            let fd = try connectSocket(port: port)
            defer { close(fd) }
            try sendAll(fd, requestBytes(port: port, method: method, target: target, headers: headers, body: body, keepAlive: false))
            return try parse(readToEnd(fd))
        }
    }

    /// Runs blocking work on a fresh thread and awaits its result.
    static func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    static func connectSocket(port: Int) throws -> Int32 {
        #if os(Linux)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw RawHTTPError.connectFailed(errno) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        #if !os(Linux)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let error = errno
            close(fd)
            throw RawHTTPError.connectFailed(error)
        }
        return fd
    }

    static func requestBytes(
        port: Int, method: String, target: String, headers: [(String, String)], body: [UInt8], keepAlive: Bool
    ) -> [UInt8] {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        if !keepAlive { head += "Connection: close\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + body
    }

    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        #if os(Linux)
        let flags = Int32(MSG_NOSIGNAL)
        #else
        let flags: Int32 = 0
        #endif
        var sent = 0
        while sent < bytes.count {
            let result = bytes[sent...].withUnsafeBytes { posixSend(fd, $0.baseAddress, $0.count, flags) }
            guard result > 0 else { throw RawHTTPError.sendFailed(errno) }
            sent += result
        }
    }

    /// Reads until the peer closes (or the 30 s receive timeout).
    static func readToEnd(_ fd: Int32) -> [UInt8] {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received += buffer[..<count]
        }
        return received
    }

    static func parse(_ bytes: [UInt8]) throws -> RawHTTPResponse {
        guard !bytes.isEmpty else { throw RawHTTPError.closedWithoutResponse }
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0...(max(0, bytes.count - 4))).first(where: { bytes[$0..<min(bytes.count, $0 + 4)].elementsEqual(separator) })
        else { throw RawHTTPError.malformed("no end of head") }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw RawHTTPError.malformed(lines[0]) }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let body = Array(bytes[(end + 4)...])
        let response = RawHTTPResponse(status: status, headers: headers, body: body)
        if let length = response.header("Content-Length").flatMap(Int.init), body.count < length {
            throw RawHTTPError.truncated(status: status, expected: length, received: body.count)
        }
        return response
    }
}

/// At file scope so that `send` means the POSIX call, not `RawHTTP.send`.
private func posixSend(_ fd: Int32, _ pointer: UnsafeRawPointer?, _ count: Int, _ flags: Int32) -> Int {
    send(fd, pointer, count, flags)
}

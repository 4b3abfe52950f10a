import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A scripted hostile HTTP server on 127.0.0.1: it accepts one connection after another,
/// reads the request head, writes `prefix` (a status line, headers, part of a body) and
/// then sends nothing more until it is stopped, so a client sees a body that stalls.
final class StallingServer: @unchecked Sendable {
    let port: UInt16
    private let listener: Int32
    private let prefix: [UInt8]
    private let lock = NSLock()
    private var connections: [Int32] = []
    private var stopped = false

    init(prefix: String) throws {
        self.prefix = Array(prefix.utf8)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        listener = fd
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Only this thread closes the listener, and a connection is touched here only before
    /// `stop` can see it: a descriptor closed elsewhere could be reused by another test's
    /// socket (tests run in parallel), and reading, writing or accepting on it would steal
    /// that test's traffic.
    private func acceptLoop() {
        defer { close(listener) }
        while true {
            lock.lock()
            let isStopped = stopped
            lock.unlock()
            if isStopped { return }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            // Read the head (small requests arrive in one read), then answer in part.
            var buffer = [UInt8](repeating: 0, count: 65_536)
            _ = read(connection, &buffer, buffer.count)
            _ = prefix.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
            lock.lock()
            if stopped {
                lock.unlock()
                close(connection)
                return
            }
            connections.append(connection)
            lock.unlock()
        }
    }

    /// Closes every connection and wakes the listener's thread, which then closes it.
    func stop() {
        lock.lock()
        stopped = true
        let open = connections
        connections = []
        lock.unlock()
        for connection in open { close(connection) }
        shutdown(listener, Int32(SHUT_RDWR))
    }
}

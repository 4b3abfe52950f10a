#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a D-Bus exchange failed, before it is said as a `KeyringFailure`.
enum DBusConnectionError: Error, Equatable {
    /// Nothing listens at the address (no session bus): the keyring counts as absent.
    case noBus(String)
    /// The bus or the service did not answer within the time allowed.
    case timedOut
    /// The connection closed, the bus refused us, or its bytes made no sense.
    case broken(String)
    /// The called service answered with a D-Bus error.
    case remote(name: String, message: String?)
}

/// One blocking connection to a bus over a Unix socket: SASL EXTERNAL, `Hello`, then
/// method calls, each bounded by `timeout` seconds (a bus that accepts and never answers
/// costs that, never a hang). Not thread-safe: one exchange on one thread, then `close`.
/// The marshalling is in `DBusMessage`; this only moves bytes.
final class DBusConnection {
    private var descriptor: Int32 = -1
    private var buffer: [UInt8] = []
    private var nextSerial: UInt32 = 1
    private let timeout: Double

    /// Connects, authenticates and says `Hello`.
    init(address: DBusSocketAddress, uid: UInt32, timeout: Double) throws {
        self.timeout = timeout
        try open(address)
        let deadline = Self.now() + timeout
        try write(DBusAuthentication.request(uid: uid), deadline: deadline)
        let line = try readLine(deadline: deadline)
        switch DBusAuthentication.reply(line) {
        case .ok: break
        case .rejected: throw DBusConnectionError.broken("the session bus rejected EXTERNAL authentication")
        case .other: throw DBusConnectionError.broken("the session bus answered the authentication unexpectedly")
        }
        try write(DBusAuthentication.begin, deadline: deadline)
        _ = try call(destination: "org.freedesktop.DBus", path: "/org/freedesktop/DBus",
                     interface: "org.freedesktop.DBus", member: "Hello")
    }

    deinit { close() }

    func close() {
        if descriptor >= 0 {
            _ = systemClose(descriptor)
            descriptor = -1
        }
    }

    /// Sends a method call and returns its reply's body; a D-Bus error reply throws
    /// `.remote`. Signals and replies to other calls are skipped.
    func call(destination: String, path: String, interface: String, member: String,
              body: [DBusValue] = []) throws -> [DBusValue] {
        let serial = nextSerial
        nextSerial &+= 1
        let message = DBusMessage.methodCall(serial: serial, destination: destination, path: path,
                                             interface: interface, member: member, body: body)
        let deadline = Self.now() + timeout
        try write(message.encoded(), deadline: deadline)
        while true {
            let reply = try readMessage(deadline: deadline)
            guard reply.replySerial == serial else { continue }
            switch reply.kind {
            case .methodReturn:
                return reply.body
            case .error:
                throw DBusConnectionError.remote(name: reply.errorName ?? "unknown", message: reply.body.first?.stringValue)
            case .methodCall, .signal:
                continue
            }
        }
    }

    // MARK: Socket

    private func open(_ address: DBusSocketAddress) throws {
        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #elseif canImport(Musl)
        let fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw DBusConnectionError.broken("cannot create a socket (errno \(errno))") }
        descriptor = fd
        #if !os(Linux)
        var on: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
        #endif

        var storage = sockaddr_un()
        storage.sun_family = sa_family_t(AF_UNIX)
        let name: [UInt8]
        switch address {
        case .path(let path): name = Array(path.utf8)
        case .abstract(let abstract):
            #if os(Linux)
            name = [0] + Array(abstract.utf8)
            #else
            throw DBusConnectionError.noBus("abstract sockets exist only on Linux")
            #endif
        }
        let capacity = MemoryLayout.size(ofValue: storage.sun_path)
        guard name.count < capacity else { throw DBusConnectionError.noBus("the bus address is too long") }
        withUnsafeMutableBytes(of: &storage.sun_path) { raw in
            raw.copyBytes(from: name)
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? 2
        // A path is NUL-terminated (the zeroed storage does it); an abstract name is exactly its bytes.
        let length: Int
        if case .abstract = address { length = pathOffset + name.count } else { length = pathOffset + name.count + 1 }
        let result = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(length)) }
        }
        guard result == 0 else {
            let code = errno
            throw DBusConnectionError.noBus("cannot connect to \(address) (\(Self.describe(errno: code)))")
        }
        // Non-blocking from here on, so that every read and write waits in poll with a deadline.
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    }

    private func write(_ bytes: [UInt8], deadline: Double) throws {
        var sent = 0
        while sent < bytes.count {
            try wait(for: Int16(POLLOUT), deadline: deadline)
            let count = bytes[sent...].withUnsafeBytes { raw -> Int in
                #if os(Linux)
                send(descriptor, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
                #else
                send(descriptor, raw.baseAddress, raw.count, 0)
                #endif
            }
            if count < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { continue }
                throw DBusConnectionError.broken("writing to the session bus failed (\(Self.describe(errno: errno)))")
            }
            sent += count
        }
    }

    /// Reads more bytes into the buffer; throws when the peer closed or the deadline passed.
    private func fill(deadline: Double) throws {
        try wait(for: Int16(POLLIN), deadline: deadline)
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return }
            throw DBusConnectionError.broken("reading from the session bus failed (\(Self.describe(errno: errno)))")
        }
        guard count > 0 else { throw DBusConnectionError.broken("the session bus closed the connection") }
        buffer += chunk[..<count]
    }

    /// One CRLF-terminated line of the authentication exchange.
    private func readLine(deadline: Double) throws -> String {
        while true {
            if let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[..<end]
                buffer.removeSubrange(...end)
                return String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line, as: UTF8.self)
            }
            guard buffer.count < 16_384 else { throw DBusConnectionError.broken("the authentication line is too long") }
            try fill(deadline: deadline)
        }
    }

    private func readMessage(deadline: Double) throws -> DBusMessage {
        while true {
            do {
                if let length = try DBusMessage.frameLength(buffer[...]), buffer.count >= length {
                    let bytes = Array(buffer[..<length])
                    buffer.removeSubrange(..<length)
                    return try DBusMessage.decode(bytes)
                }
            } catch let error as DBusDecodingError {
                throw DBusConnectionError.broken(error.description)
            }
            try fill(deadline: deadline)
        }
    }

    private func wait(for events: Int16, deadline: Double) throws {
        while true {
            let remaining = deadline - Self.now()
            guard remaining > 0 else { throw DBusConnectionError.timedOut }
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, Int32(min(remaining * 1000, 60_000).rounded(.up)))
            if ready > 0 { return }
            if ready < 0 && errno != EINTR {
                throw DBusConnectionError.broken("waiting for the session bus failed (\(Self.describe(errno: errno)))")
            }
        }
    }

    /// Monotonic seconds, unaffected by clock changes.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func describe(errno code: Int32) -> String {
        String(cString: strerror(code))
    }

    private func systemClose(_ fd: Int32) -> Int32 {
        #if canImport(Glibc)
        Glibc.close(fd)
        #elseif canImport(Musl)
        Musl.close(fd)
        #else
        Darwin.close(fd)
        #endif
    }
}

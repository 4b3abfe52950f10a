/// Where the session bus listens, read from `DBUS_SESSION_BUS_ADDRESS` as the D-Bus
/// specification's "Server Addresses" defines it: `;`-separated entries of
/// `transport:key=value,…` with `%`-escaped values. Only `unix:path=` and
/// `unix:abstract=` can be connected to from here; other entries are skipped.
enum DBusSocketAddress: Equatable, Sendable, CustomStringConvertible {
    case path(String)
    /// A Linux abstract socket name (without the leading NUL).
    case abstract(String)

    var description: String {
        switch self {
        case .path(let path): "unix:path=\(path)"
        case .abstract(let name): "unix:abstract=\(name)"
        }
    }

    /// The addresses to try, in order. With no variable set, the bus is looked for where
    /// systemd puts it, `$XDG_RUNTIME_DIR/bus`, as godbus (go-keyring's D-Bus library) does.
    static func sessionBus(environment: [String: String]) -> [DBusSocketAddress] {
        if let text = environment["DBUS_SESSION_BUS_ADDRESS"], !text.isEmpty {
            return parse(text)
        }
        if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") {
            return [.path((runtime.hasSuffix("/") ? String(runtime.dropLast()) : runtime) + "/bus")]
        }
        return []
    }

    static func parse(_ text: String) -> [DBusSocketAddress] {
        text.split(separator: ";").compactMap { entry -> DBusSocketAddress? in
            guard let colon = entry.firstIndex(of: ":"), entry[..<colon] == "unix" else { return nil }
            var pairs: [String: String] = [:]
            for pair in entry[entry.index(after: colon)...].split(separator: ",") {
                guard let equals = pair.firstIndex(of: "="),
                      let value = unescape(pair[pair.index(after: equals)...]) else { continue }
                pairs[String(pair[..<equals])] = value
            }
            if let path = pairs["path"], !path.isEmpty { return .path(path) }
            if let name = pairs["abstract"], !name.isEmpty { return .abstract(name) }
            return nil
        }
    }

    /// `%xx` escapes; nil when one is malformed.
    static func unescape(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next(), let low = iterator.next(),
                  let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(value)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

/// The SASL exchange that opens a D-Bus connection (specification, "Authentication
/// Protocol"), as text in and out; the socket code sends and reads the lines.
enum DBusAuthentication {
    /// A NUL byte (the credentials-passing byte), then `AUTH EXTERNAL` with the user ID's
    /// decimal digits hex-encoded: the bus checks it against the peer credentials.
    static func request(uid: UInt32) -> [UInt8] {
        let hexUID = String(uid).utf8.map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]], as: UTF8.self)
        }.joined()
        return [0] + Array("AUTH EXTERNAL \(hexUID)\r\n".utf8)
    }

    static let begin = Array("BEGIN\r\n".utf8)

    enum Reply: Equatable {
        case ok
        case rejected
        case other
    }

    /// The server's answer line (without the CRLF).
    static func reply(_ line: String) -> Reply {
        if line.hasPrefix("OK ") || line == "OK" { return .ok }
        if line.hasPrefix("REJECTED") { return .rejected }
        return .other
    }
}

/// A complete HTTP request as the server hands it to the simulator: head and body
/// collected, nothing interpreted yet.
struct SimulatorRequest: Sendable {
    var method: String
    /// The request-target as sent, e.g. `/api/atlas/v2/orgs?pageNum=2`; digest's `uri`
    /// must equal it.
    var target: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    /// True when the body was over `HTTPServer.maximumBodySize`: `body` is then empty and
    /// the answer is `413` (the rest of the body is discarded, then the connection closed).
    var bodyTooLarge = false

    /// The first value of a header, matched case-insensitively.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The target split into raw path and query, and the path split into decoded segments.
    var rawPath: String { String(target.prefix { $0 != "?" }) }

    var query: String {
        guard let mark = target.firstIndex(of: "?") else { return "" }
        return String(target[target.index(after: mark)...])
    }

    /// Decoded path segments without the leading empty one; nil if an escape is malformed.
    var segments: [String]? {
        var parts = rawPath.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        if parts.last == "" { parts = parts.dropLast() }
        var out: [String] = []
        for part in parts {
            guard let decoded = PercentEncoding.decode(part) else { return nil }
            out.append(decoded)
        }
        return out
    }

    /// Query parameters, decoded; the first occurrence of a name wins, as in Atlas's Java stack.
    var queryItems: [String: String] { Self.queryItems(query) }

    /// Parses a query string (without `?`) as `queryItems` does.
    static func queryItems(_ query: String) -> [String: String] {
        var items: [String: String] = [:]
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let nameAndValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = PercentEncoding.decode(nameAndValue[0], plusIsSpace: true) else { continue }
            let value = nameAndValue.count > 1 ? PercentEncoding.decode(nameAndValue[1], plusIsSpace: true) ?? "" : ""
            if items[name] == nil { items[name] = value }
        }
        return items
    }
}

/// What the simulator answers, and how to put it on the wire.
struct SimulatorResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    var delivery: Delivery = .complete
    /// How `envelope=true` wraps this response; nil for responses it leaves alone.
    var envelopeShape: Envelope.Shape?

    enum Delivery: Sendable {
        case complete
        /// Announce the full `Content-Length`, write half the body, close.
        case truncated
        /// Close the connection without writing anything.
        case dropped
        /// Half the body as a complete message: `Content-Length` is the half's.
        case cut
    }

    init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [], delivery: Delivery = .complete) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delivery = delivery
    }

    init(status: Int, contentType: String, text: String) {
        self.init(status: status, headers: [("Content-Type", contentType)], body: Array(text.utf8))
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.name.lowercased() == name.lowercased() }
        headers.append((name, value))
    }
}

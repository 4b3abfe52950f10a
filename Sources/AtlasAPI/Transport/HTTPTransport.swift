import Foundation

/// An HTTP request as the API core builds it, independent of the HTTP library.
public struct HTTPRequest: Sendable {
    public enum Method: String, Sendable { case get = "GET", post = "POST", delete = "DELETE" }

    public var method: Method
    /// Absolute URL, already percent-encoded.
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    public var timeout: Duration

    public init(method: Method, url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil, timeout: Duration = .seconds(30)) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// The request-target (path and query) used in the Digest `uri` parameter.
    public var requestURI: String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let afterScheme = url[schemeEnd.upperBound...]
        guard let slash = afterScheme.firstIndex(of: "/") else { return "/" }
        return String(afterScheme[slash...])
    }
}

/// An HTTP response with the whole body read.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var reason: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, reason: String = "", headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, matched case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame })?.value
    }

    /// Every value of a header, matched case-insensitively.
    public func headers(named name: String) -> [String] {
        headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }

    public var statusLine: String { reason.isEmpty ? "HTTP \(status)" : "HTTP \(status) \(reason)" }
}

/// Why a request produced no complete response.
public enum TransportFailure: Sendable, Equatable {
    case timeout
    case dnsFailure(host: String)
    case connectionRefused(host: String)
    case connectionReset
    case tls(String)
    case truncatedBody
    /// The body was larger than the transport accepts (`limit` bytes): asking again
    /// would fetch the same body, so it is not retried.
    case bodyTooLarge(limit: Int)
    case proxy(String)
    case other(String)

    /// Worth retrying for an idempotent request.
    public var isTransient: Bool {
        switch self {
        case .timeout, .connectionReset, .truncatedBody: true
        case .connectionRefused, .dnsFailure, .tls, .bodyTooLarge, .proxy, .other: false
        }
    }
}

/// Thrown by an `HTTPTransport` when no complete response arrived.
public struct TransportError: Error, Sendable {
    public var failure: TransportFailure
    public init(_ failure: TransportFailure) { self.failure = failure }
}

/// Sends one request and reads the whole response. The seam between the API core and
/// the network: production uses AsyncHTTPClient, tests and benchmarks may wrap it.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

import Foundation

/// Which Atlas Administration API generation to call.
public enum APIVersion: String, Sendable, CaseIterable {
    /// `/api/atlas/v2` with the resource version in the media type (the default).
    case v2 = "v2"
    /// `/api/atlas/v1.0`, deprecated but the generation the certificate endpoint was first documented in.
    case v1 = "v1.0"

    /// The only resource version of our seven operations.
    public static let resourceVersion = "2023-01-01"

    var pathPrefix: String { "/api/atlas/\(rawValue)" }

    /// `Accept` (and, with a body, `Content-Type`) for this generation.
    var mediaType: String {
        switch self {
        case .v2: "application/vnd.atlas.\(APIVersion.resourceVersion)+json"
        case .v1: "application/json"
        }
    }

    /// Accepts `v2`, `2`, `v1`, `v1.0`, `1.0`, and the dated `2023-01-01`.
    public init?(argument: String) {
        switch argument.lowercased() {
        case "v2", "2", APIVersion.resourceVersion: self = .v2
        case "v1", "v1.0", "1", "1.0": self = .v1
        default: return nil
        }
    }
}

/// Everything an `AtlasClient` needs apart from credentials and the transport.
public struct AtlasClientConfiguration: Sendable {
    /// The default, commercial Atlas.
    public static let defaultBaseURL = "https://cloud.mongodb.com"

    /// Scheme and host (and optional port), e.g. `https://cloud.mongodb.com`, and the path
    /// prefix of a gateway in front of Atlas if any (`basePath`); no trailing slash.
    public var baseURL: String
    public var apiVersion: APIVersion
    /// Time allowed for one HTTP exchange.
    public var requestTimeout: Duration
    public var retry: RetryPolicy
    /// Page size asked for in list calls; Atlas allows at most 500.
    public var itemsPerPage: Int
    /// Pages of one list fetched at once after the first page.
    public var pageConcurrency: Int
    /// A server that keeps saying "there is more" is stopped after this many pages.
    public var maxPages: Int
    public var userAgent: String

    public init(
        baseURL: String = AtlasClientConfiguration.defaultBaseURL,
        apiVersion: APIVersion = .v2,
        requestTimeout: Duration = .seconds(30),
        retry: RetryPolicy = RetryPolicy(),
        itemsPerPage: Int = 500,
        pageConcurrency: Int = 4,
        maxPages: Int = 1_000,
        userAgent: String = "atlas-certs/\(AtlasCertsVersion.current)"
    ) {
        var trimmed = baseURL
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        // Accept a base URL given with the API path, as some users copy it from docs.
        for suffix in ["/api/atlas/v2", "/api/atlas/v1.0"] where trimmed.hasSuffix(suffix) {
            trimmed.removeLast(suffix.count)
        }
        self.baseURL = trimmed
        self.apiVersion = apiVersion
        self.requestTimeout = requestTimeout
        self.retry = retry
        self.itemsPerPage = min(max(itemsPerPage, 1), 500)
        self.pageConcurrency = max(pageConcurrency, 1)
        self.maxPages = max(maxPages, 1)
        self.userAgent = userAgent
    }

    /// The host part of the base URL, for messages.
    var host: String {
        guard let range = baseURL.range(of: "://") else { return baseURL }
        let rest = baseURL[range.upperBound...]
        return String(rest.prefix(while: { $0 != "/" }))
    }

    /// The path of the base URL, without a trailing slash: `/prefix` for
    /// `https://gateway.example/prefix`, empty for a bare host such as Atlas's.
    ///
    /// A request goes to `baseURL + apiVersion.pathPrefix + path`, so its request-target
    /// on the wire, and so the Digest `uri` (RFC 7616 §3.4), begins with this prefix.
    public var basePath: String {
        guard let range = baseURL.range(of: "://") else { return "" }
        let rest = baseURL[range.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return "" }
        return String(rest[slash...].prefix(while: { $0 != "?" && $0 != "#" }))
    }

    /// The request-target a request for `requestURI` (API path and query, e.g.
    /// `/api/atlas/v2/groups?pageNum=2`) has on the wire: the base path, then `requestURI`.
    /// The Digest `uri` must be this, or a strict server rejects a right key.
    public func wireRequestURI(_ requestURI: String) -> String {
        basePath + requestURI
    }

    /// Throws when the base URL would send credentials unencrypted: see
    /// `plainHTTPRefusal(for:)`. Call once when the configuration is made.
    public func validate() throws {
        if let refusal = Self.plainHTTPRefusal(for: baseURL) { throw refusal }
    }

    /// The error for a URL that is not `https://`, unless it is `http://` to a loopback host
    /// (localhost, 127.0.0.0/8, ::1), where the simulator and local tunnels run; nil when the
    /// URL is acceptable. Over plain HTTP a service-account secret goes out as Basic
    /// credentials, a token as a Bearer header, and a new certificate's private key comes
    /// back readable by anyone on the path.
    public static func plainHTTPRefusal(for url: String) -> AtlasError? {
        let components = URLComponents(string: url)
        let scheme = components?.scheme?.lowercased()
        if scheme == "https", let host = components?.host, !host.isEmpty { return nil }
        if scheme == "http", let host = components?.host, isLoopback(host: host) { return nil }
        let shown = components.flatMap { parts -> String? in
            guard let scheme = parts.scheme, let host = parts.host else { return nil }
            return "\(scheme)://\(host)" + (parts.port.map { ":\($0)" } ?? "")
        } ?? url
        if scheme == "http" {
            return AtlasError.invalidInput("Refusing \(shown): plain http:// would send credentials and private keys unencrypted; use https:// (http:// is allowed only to a loopback host: localhost, 127.0.0.0/8, ::1).")
        }
        return AtlasError.invalidInput("Refusing the base URL \(shown): it must start with https:// and name a host (http:// is allowed only to a loopback host: localhost, 127.0.0.0/8, ::1).")
    }

    /// `localhost`, an IPv4 address in 127.0.0.0/8, or `::1`; names are not resolved, so
    /// `127.example.com` is not loopback.
    static func isLoopback(host: String) -> Bool {
        var bare = host.lowercased()
        if bare.hasPrefix("["), bare.hasSuffix("]") { bare = String(bare.dropFirst().dropLast()) }
        if bare == "localhost" || bare == "localhost." { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, bare, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { $0.first } == 127
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, bare, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) } == Array(repeating: 0, count: 15) + [1]
        }
        return false
    }
}

/// The version string shown by `--version` and sent as the User-Agent.
public enum AtlasCertsVersion {
    public static let current = "0.1.0"
}

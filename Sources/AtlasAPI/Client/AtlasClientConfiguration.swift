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

    /// Scheme and host (and optional port), no trailing path, e.g. `https://cloud.mongodb.com`.
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
}

/// The version string shown by `--version` and sent as the User-Agent.
public enum AtlasCertsVersion {
    public static let current = "0.1.0"
}

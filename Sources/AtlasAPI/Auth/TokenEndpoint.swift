/// What the two OAuth token endpoints (a service account's, a browser login's refresh)
/// share: where they are, for error lines that name the host and the request.
protocol TokenEndpoint: Sendable {
    var url: String { get }
}

extension TokenEndpoint {
    /// The host of `url`, for "cannot reach …" lines.
    var host: String {
        guard let range = url.range(of: "://") else { return url }
        return String(url[range.upperBound...].prefix(while: { $0 != "/" }))
    }

    /// `POST /api/…`, as error lines name the endpoint.
    var endpointName: String { "POST \(HTTPRequest(method: .post, url: url).requestURI)" }
}

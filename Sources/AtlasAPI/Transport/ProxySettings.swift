import AsyncHTTPClient
import Foundation

/// Reads `HTTPS_PROXY`/`https_proxy` and `NO_PROXY`/`no_proxy` as curl and Go do.
///
/// Only the CONNECT-tunnel proxy is supported (the one corporate networks use for HTTPS).
/// `NO_PROXY` entries are host names or domain suffixes (`.example.com` or `example.com`
/// both match `api.example.com`), optionally with a port, or `*` for all.
struct ProxySettings: Sendable {
    var proxyURL: String?
    var noProxy: [String]

    init(environment: [String: String]) {
        proxyURL = [environment["HTTPS_PROXY"], environment["https_proxy"]]
            .compactMap { $0 }.first { !$0.isEmpty }
        noProxy = [environment["NO_PROXY"], environment["no_proxy"]]
            .compactMap { $0 }.first { !$0.isEmpty }?
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            .filter { !$0.isEmpty } ?? []
    }

    /// The proxy for requests to `host`, or nil to connect directly.
    func proxy(forHost host: String, isHTTPS: Bool) throws -> HTTPClient.Configuration.Proxy? {
        guard isHTTPS, let proxyURL, !bypasses(host) else { return nil }
        let withScheme = proxyURL.contains("://") ? proxyURL : "http://" + proxyURL
        guard let components = URLComponents(string: withScheme), let proxyHost = components.host, !proxyHost.isEmpty else {
            throw AtlasError.invalidInput("HTTPS_PROXY is not a valid URL; expected http://host:port.")
        }
        var authorization: HTTPClient.Authorization?
        if let user = components.user {
            authorization = .basic(username: user.removingPercentEncoding ?? user,
                                   password: components.password?.removingPercentEncoding ?? "")
        }
        return .server(host: proxyHost, port: components.port ?? 80, authorization: authorization)
    }

    func bypasses(_ host: String) -> Bool {
        let host = host.lowercased()
        if AsyncHTTPClientTransport.isLoopback(host) { return true }
        for entry in noProxy {
            if entry == "*" { return true }
            let name = entry.split(separator: ":").first.map(String.init) ?? entry
            let suffix = name.hasPrefix(".") ? String(name.dropFirst()) : name
            if host == suffix || host.hasSuffix("." + suffix) { return true }
        }
        return false
    }
}

@testable import AtlasAPI
import Testing

@Suite("HTTPS proxy settings from the environment")
struct ProxySettingsTests {
    @Test("HTTPS_PROXY is used for https hosts, with credentials split out")
    func proxyUsed() throws {
        let settings = ProxySettings(environment: ["HTTPS_PROXY": "http://user:p%40ss@proxy.corp:3128"])
        let proxy = try #require(try settings.proxy(forHost: "cloud.mongodb.com", isHTTPS: true))
        #expect(proxy.host == "proxy.corp")
        #expect(proxy.port == 3128)
        #expect(try settings.proxy(forHost: "cloud.mongodb.com", isHTTPS: false) == nil)
    }

    @Test("lower-case https_proxy and a bare host:port work too")
    func lowerCase() throws {
        let proxy = try #require(try ProxySettings(environment: ["https_proxy": "proxy.corp:8080"]).proxy(forHost: "x.org", isHTTPS: true))
        #expect(proxy.host == "proxy.corp" && proxy.port == 8080)
    }

    @Test("NO_PROXY exempts exact hosts, domain suffixes, * and loopback", arguments: [
        ("cloud.mongodb.com", true), ("api.cloud.mongodb.com", true), ("mongodb.com.evil.org", false),
        ("cloud.mongodbgov.com", false), ("127.0.0.1", true), ("localhost", true), ("internal.example", true),
    ])
    func noProxy(_ host: String, _ bypassed: Bool) {
        let settings = ProxySettings(environment: ["HTTPS_PROXY": "http://proxy:1", "NO_PROXY": "cloud.mongodb.com, .example:443,internal.example"])
        #expect(settings.bypasses(host) == bypassed)
        #expect(ProxySettings(environment: ["NO_PROXY": "*"]).bypasses(host))
    }

    @Test("a malformed proxy URL is a clear error")
    func malformed() {
        #expect(throws: AtlasError.self) {
            _ = try ProxySettings(environment: ["HTTPS_PROXY": "http://"]).proxy(forHost: "cloud.mongodb.com", isHTTPS: true)
        }
    }
}

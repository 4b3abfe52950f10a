import Foundation

/// A local stand-in for the MongoDB Atlas Administration API, on 127.0.0.1.
///
/// It serves the seven operations atlas-certs uses under both `/api/atlas/v1.0` and
/// `/api/atlas/v2`, authenticates like Atlas (HTTP Digest with the challenge Atlas sends,
/// or OAuth bearer tokens from `POST /api/oauth/token`), pages like Atlas, issues real
/// X.509 certificates, and can inject latency, rate limiting, server errors, truncated
/// bodies and dropped connections. Tests, `atlas-certs demo` and the benchmarks all run
/// against it, so no Atlas account is needed.
///
/// ```swift
/// let simulator = try await AtlasSimulator.start(configuration: .init(), data: .demo(now: Date()))
/// defer { Task { try await simulator.shutdown() } }
/// print(simulator.baseURL)  // http://127.0.0.1:54321
/// ```
public final class AtlasSimulator: Sendable {
    private let server: HTTPServer
    private let processor: RequestProcessor

    /// `http://127.0.0.1:<port>`, without a trailing slash. List links are absolute and
    /// start with it.
    public let baseURL: String
    public let port: Int
    public let configuration: SimulatorConfiguration

    private init(server: HTTPServer, processor: RequestProcessor, configuration: SimulatorConfiguration) {
        self.server = server
        self.processor = processor
        self.configuration = configuration
        self.port = server.port
        self.baseURL = "http://127.0.0.1:\(server.port)"
    }

    /// Creates the certificate authority, binds 127.0.0.1 and starts serving.
    public static func start(configuration: SimulatorConfiguration, data: SimulatorData) async throws -> AtlasSimulator {
        let processor = try RequestProcessor(configuration: configuration, data: data)
        let server = try await HTTPServer.start(port: configuration.port, readTimeout: configuration.readTimeout) { request in
            await processor.respond(to: request)
        }
        processor.baseURL = "http://127.0.0.1:\(server.port)"
        return AtlasSimulator(server: server, processor: processor, configuration: configuration)
    }

    /// Stops listening and closes every open connection.
    public func shutdown() async throws {
        await server.shutdown()
    }

    // MARK: - Request log

    /// Every request so far (the most recent 200,000), in the order responses were decided.
    public var requestLog: [LoggedRequest] { processor.log.entries }

    /// Requests per route kind; kinds never requested are absent.
    public var requestCounts: [RouteKind: Int] { processor.log.counts }

    public func requestCount(_ kind: RouteKind) -> Int { processor.log.counts[kind] ?? 0 }

    /// Clears the log and counters and restarts fault numbering (so "every Nth call"
    /// counts from the next call) and the rate-limit bucket.
    public func resetRequestLog() {
        processor.reset()
    }

    /// The latency added to every request, the configuration's (`faults.latency`) until
    /// set: the same simulator, at the same address, can turn slow (a test that needs a
    /// known Atlas to answer late cannot rely on binding the same port again).
    public var latency: Duration {
        get { processor.latency }
        set { processor.latency = newValue }
    }

    // MARK: - Browser login

    /// A browser login as `atlas auth login` leaves it: an access token (a JWT whose `exp`
    /// is `accessTokenExpiresAt`, accepted as `Bearer` until then) and a refresh token that
    /// works once at `POST /api/private/unauth/account/device/token`.
    public func signInUser(accessTokenExpiresAt: Date) -> SimulatorUserLogin {
        let (access, refresh) = processor.userTokens.issue(accessTokenExpiresAt: accessTokenExpiresAt)
        return SimulatorUserLogin(accessToken: access, refreshToken: refresh)
    }

    /// Whether a refresh with `refreshToken` would still succeed (false once it was used).
    public func acceptsRefreshToken(_ refreshToken: String) -> Bool {
        processor.userTokens.isCurrentRefreshToken(refreshToken)
    }

    // MARK: - Data

    /// The data as served now, including certificates created through the API.
    public var data: SimulatorData { processor.store.snapshot }

    /// PEM of the CA that signs issued certificates, to verify them against.
    public var certificateAuthorityPEM: String {
        get throws { try processor.authority.certificatePEM }
    }
}

/// The two tokens of a simulated browser login.
public struct SimulatorUserLogin: Sendable, Equatable {
    public var accessToken: String
    public var refreshToken: String
}

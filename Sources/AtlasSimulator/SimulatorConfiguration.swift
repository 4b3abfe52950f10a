import Foundation

/// How a simulator behaves: where it listens, whom it lets in, what time it is and which
/// faults it injects. Every field has a default, so `SimulatorConfiguration()` is a
/// well-behaved Atlas on a free port.
public struct SimulatorConfiguration: Sendable {
    /// TCP port on 127.0.0.1; 0 asks the system for a free one (read it from `baseURL`).
    public var port: Int
    public var credentials: SimulatorCredentials
    /// How long a digest nonce stays valid. After that a correctly signed request gets
    /// `401` with `stale=true` and a fresh nonce, which a good client retries silently.
    public var nonceLifetime: TimeInterval
    /// The simulator's notion of now: certificate expiry filtering, nonce and token
    /// lifetimes, rate-limit refills and issued validity all read it. Tests inject a
    /// controllable clock so they can move time instead of sleeping.
    public var clock: @Sendable () -> Date
    public var faults: FaultConfiguration
    /// Key type of issued certificates; see `IssuedKeyType` for why P-256 is the default.
    public var keyType: IssuedKeyType
    /// Lifetime of OAuth access tokens; Atlas's is one hour.
    public var tokenLifetime: TimeInterval
    /// Token requests allowed per service-account client per minute; Atlas allows 10.
    public var tokenRequestsPerMinute: Int
    /// How long the server waits on a client that has stopped sending: a request head
    /// must arrive whole within it, a body may not pause longer, and a keep-alive
    /// connection may stay idle that long between requests; then the connection is
    /// closed without a response. Real time (not `clock`): it guards sockets, not
    /// simulated Atlas state. The server's own time answering never counts.
    public var readTimeout: Duration

    public init(
        port: Int = 0, credentials: SimulatorCredentials = .demo, nonceLifetime: TimeInterval = 300,
        clock: @escaping @Sendable () -> Date = { Date() }, faults: FaultConfiguration = FaultConfiguration(),
        keyType: IssuedKeyType = .p256, tokenLifetime: TimeInterval = 3_600, tokenRequestsPerMinute: Int = 10,
        readTimeout: Duration = .seconds(30)
    ) {
        self.readTimeout = readTimeout
        self.port = port
        self.credentials = credentials
        self.nonceLifetime = nonceLifetime
        self.clock = clock
        self.faults = faults
        self.keyType = keyType
        self.tokenLifetime = tokenLifetime
        self.tokenRequestsPerMinute = tokenRequestsPerMinute
    }
}

/// The credentials the simulator accepts: an API key pair for HTTP Digest and a
/// service account for OAuth client credentials.
public struct SimulatorCredentials: Sendable, Equatable {
    /// Digest username (Atlas: 8 lowercase letters).
    public var publicKey: String
    /// Digest password (Atlas: a UUID).
    public var privateKey: String
    /// Service-account client id (Atlas: `mdb_sa_id_` + 24 hex).
    public var clientID: String
    /// Service-account secret (Atlas: starts `mdb_sa_sk_`).
    public var clientSecret: String

    public init(publicKey: String, privateKey: String, clientID: String, clientSecret: String) {
        self.publicKey = publicKey
        self.privateKey = privateKey
        self.clientID = clientID
        self.clientSecret = clientSecret
    }

    /// Fixed, documented values for `atlas-certs demo`, `atlas-sim` and tests. They open
    /// nothing but a simulator on this machine, so publishing them is harmless, and being
    /// fixed lets a user paste them once into a shell profile.
    public static let demo = SimulatorCredentials(
        publicKey: "atlassim", privateKey: "5e1a1a5e-0000-4000-8000-00000000d3e0",
        clientID: "mdb_sa_id_5e1a1a5e00000000000d3e01", clientSecret: "mdb_sa_sk_atlas-sim-demo-secret")
}

/// Faults injected into authenticated API calls (digest- or bearer-authenticated
/// requests under `/api/atlas/`). Digest challenges and the OAuth token endpoint are
/// never faulted, so a test can reason about counts.
///
/// How N counts: the simulator numbers authenticated API calls 1, 2, 3, … in arrival
/// order (across all connections, reset by `resetRequestLog()`); call k gets a fault
/// when k is a multiple of N. When several apply to the same call, precedence is:
/// drop, then failure, then the rate limit; truncation applies to whatever response
/// remains. `nil` or 0 turns a fault off.
public struct FaultConfiguration: Sendable, Equatable {
    /// Added before answering every request, challenges included (each round trip to
    /// Atlas has latency).
    public var latency: Duration
    /// A token bucket over authenticated API calls; when empty: `429`
    /// `RATE_LIMITED_TOKEN_BUCKET` with `Retry-After`. While set, the `Ratelimit-Limit`
    /// and `Ratelimit-Remaining` headers describe this bucket instead of Atlas's
    /// per-endpoint-set figures, so a client that paces itself by them can be tested.
    public var rateLimit: RateLimit?
    /// Every Nth call fails: odd-numbered failures are `500` with an Atlas JSON body
    /// (`UNEXPECTED_ERROR`), even-numbered ones `503` with the HTML "MongoDB Cloud Manager
    /// Unavailable" maintenance page (`text/html`), as Atlas's edge sends.
    public var failEvery: Int?
    /// Every Nth call's response declares its full `Content-Length` but only half the
    /// body is written before the connection closes.
    public var truncateEvery: Int?
    /// Every Nth call's body is cut in half and sent as a complete HTTP message (its
    /// `Content-Length` says the shorter length): what a proxy that truncates does. Only
    /// the JSON shows that something is missing.
    public var cutBodyEvery: Int?
    /// Every Nth call's connection is closed without any response.
    public var dropEvery: Int?
    /// Projects that always fail, whatever the call number: every authenticated call
    /// under `/groups/{id}/` answers as described. For partial-failure tests of scans.
    public var projectFaults: [String: ProjectFault]

    public init(
        latency: Duration = .zero, rateLimit: RateLimit? = nil, failEvery: Int? = nil, truncateEvery: Int? = nil,
        dropEvery: Int? = nil, cutBodyEvery: Int? = nil, projectFaults: [String: ProjectFault] = [:]
    ) {
        self.cutBodyEvery = cutBodyEvery
        self.latency = latency
        self.rateLimit = rateLimit
        self.failEvery = failEvery
        self.truncateEvery = truncateEvery
        self.dropEvery = dropEvery
        self.projectFaults = projectFaults
    }

    /// How a project in `projectFaults` fails.
    public enum ProjectFault: String, Sendable, Equatable, CaseIterable {
        /// `401 USER_CANNOT_ACCESS_GROUP`: what Atlas answers a key of another organization.
        case cannotAccess
        /// `403` with Atlas's generic `ACCESS_FORBIDDEN`: the key lacks a role there.
        case forbidden
        /// `500 UNEXPECTED_ERROR` on every try, so retries do not help.
        case serverError
    }

    public struct RateLimit: Sendable, Equatable {
        /// Bucket size: the burst allowed from full.
        public var capacity: Int
        /// Tokens added per second of simulator clock time.
        public var refillPerSecond: Double

        public init(capacity: Int, refillPerSecond: Double) {
            self.capacity = capacity
            self.refillPerSecond = refillPerSecond
        }
    }
}

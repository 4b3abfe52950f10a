import Foundation

/// Turns one HTTP request into one response, in the order Atlas applies things:
/// latency, token endpoint, authentication (digest challenge or bearer check), fault
/// injection, version negotiation, then the operation itself (a body over the size limit
/// is refused before all of these). Every request is logged before its response is
/// written; `envelope=true` wraps the Admin API's answers last (see `Envelope`).
final class RequestProcessor: Sendable {
    let configuration: SimulatorConfiguration
    let store: DataStore
    let authority: CertificateAuthority
    let log = RequestLog()
    private let digest: DigestAuthenticator
    private let tokens: TokenIssuer
    let userTokens: UserTokenIssuer
    private let faults: FaultInjector
    private let endpointSets = EndpointSetCounters()
    private let endpoints: AtlasEndpoints
    private let base = Locked("")
    /// The latency added to every request: the configuration's, until `latency` is set.
    private let addedLatency: Locked<Duration>

    init(configuration: SimulatorConfiguration, data: SimulatorData) throws {
        self.configuration = configuration
        self.store = DataStore(data)
        self.authority = try CertificateAuthority(keyType: configuration.keyType, now: configuration.clock())
        let credentials = configuration.credentials
        self.digest = DigestAuthenticator(
            publicKey: credentials.publicKey, privateKey: credentials.privateKey, lifetime: configuration.nonceLifetime)
        self.tokens = TokenIssuer(
            clientID: credentials.clientID, clientSecret: credentials.clientSecret,
            lifetime: configuration.tokenLifetime, requestsPerMinute: configuration.tokenRequestsPerMinute)
        self.userTokens = UserTokenIssuer(lifetime: configuration.tokenLifetime)
        self.faults = FaultInjector(configuration.faults)
        self.endpoints = AtlasEndpoints(store: store, authority: authority)
        self.addedLatency = Locked(configuration.faults.latency)
    }

    /// The latency added to every request from now on (a network that slows down, at the
    /// same address).
    var latency: Duration {
        get { addedLatency.withLock { $0 } }
        set { addedLatency.withLock { $0 = newValue } }
    }

    /// Set once the listening port is known; links are absolute and use it.
    var baseURL: String {
        get { base.withLock { $0 } }
        set { base.withLock { $0 = newValue } }
    }

    /// Restarts request numbering for faults and clears the log and counters.
    func reset() {
        log.reset()
        faults.reset()
        endpointSets.reset()
    }

    func respond(to request: SimulatorRequest) async -> SimulatorResponse {
        let latency = latency
        if latency > .zero {
            try? await Task.sleep(for: latency)
        }
        let now = configuration.clock()
        let authorization = request.header("Authorization")
        let scheme = authorization.map { String($0.prefix { $0 != " " }) }
        var entry = LoggedRequest(
            method: request.method, path: "", segments: [], rawPath: request.rawPath, query: request.query,
            route: .other, status: nil, authenticated: false, authorizationScheme: scheme, fault: nil, date: now)

        // A path with a malformed escape names nothing, but is still challenged first.
        let segments = request.segments
        entry.segments = segments ?? []
        entry.path = segments.map { "/" + $0.joined(separator: "/") } ?? request.rawPath
        let (route, version) = segments.map { Route.match(method: request.method, segments: $0) } ?? (.unknown, nil)
        entry.route = route.kind

        // An oversized body is refused before anything reads it, as a front end does.
        if request.bodyTooLarge {
            return finish(AtlasErrorResponse.payloadTooLarge(limit: HTTPServer.maximumBodySize), entry: entry, now: now)
        }

        if route == .token {
            let response = tokens.respond(to: request, now: now)
            entry.authenticated = response.status == 200
            return finish(response, entry: entry, now: now)
        }
        if route == .deviceToken {
            let response = userTokens.respond(to: request, now: now)
            entry.authenticated = response.status == 200
            return finish(response, entry: entry, now: now)
        }

        // Authentication comes first, as on Atlas: even unknown paths are challenged.
        switch authenticate(authorization, request: request, now: now) {
        case .rejected(let stale):
            if authorization == nil { entry.route = .challenge }
            var response = SimulatorResponse(
                status: 401, contentType: "application/json", text: DigestAuthenticator.challengeBody)
            response.setHeader("Www-Authenticate", digest.challenge(stale: stale, now: now))
            return finish(response, entry: entry, now: now)
        case .accepted:
            entry.authenticated = true
        }

        guard let version else {
            return finish(AtlasErrorResponse.resourceNotFound(request.rawPath), entry: entry, now: now, route: route)
        }
        if let fault = projectFault(segments ?? []) {
            return finish(FaultResponses.projectFault(fault, path: request.rawPath), entry: entry, now: now, route: route)
        }
        let outcome = faults.nextCall(now: now)
        var response: SimulatorResponse
        switch outcome.decision {
        case .drop:
            entry.fault = .dropped
            return finish(SimulatorResponse(status: 0, delivery: .dropped), entry: entry, now: now)
        case .fail(let html):
            entry.fault = html ? .serviceUnavailable : .serverError
            response = html ? FaultResponses.maintenancePage() : FaultResponses.serverError()
        case .rateLimited(let retryAfter):
            entry.fault = .rateLimited
            response = FaultResponses.rateLimited(
                path: request.rawPath, retryAfter: retryAfter,
                limit: configuration.faults.rateLimit ?? .init(capacity: 0, refillPerSecond: 0))
        case .none:
            let context = AtlasEndpoints.Context(
                request: request, version: version, baseURL: baseURL, now: UTCCalendar.wholeSeconds(now),
                query: request.queryItems)
            response = await endpoints.respond(to: route, context: context)
        }
        if outcome.truncate {
            response.delivery = .truncated
            entry.fault = entry.fault ?? .truncated
        } else if outcome.cut {
            response.delivery = .cut
            entry.fault = entry.fault ?? .cut
        }
        if let bucket = outcome.bucket {
            response.setHeader("Ratelimit-Limit", String(bucket.limit))
            response.setHeader("Ratelimit-Remaining", String(bucket.remaining))
            return finish(response, entry: entry, now: now)
        }
        return finish(response, entry: entry, now: now, route: route)
    }

    /// The configured fault of the project a path names, if any.
    private func projectFault(_ segments: [String]) -> FaultConfiguration.ProjectFault? {
        guard !configuration.faults.projectFaults.isEmpty, let projectID = Self.projectID(in: segments) else { return nil }
        return configuration.faults.projectFaults[projectID]
    }

    /// The project a `/groups/{id}/...` path is about: the scope of its faults and of its
    /// rate-limit counters.
    private static func projectID(in segments: [String]) -> String? {
        guard let index = segments.firstIndex(of: "groups"), index + 1 < segments.count else { return nil }
        return segments[index + 1]
    }

    private enum AuthOutcome {
        case accepted
        case rejected(stale: Bool)
    }

    private func authenticate(_ authorization: String?, request: SimulatorRequest, now: Date) -> AuthOutcome {
        guard let authorization else { return .rejected(stale: false) }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return .rejected(stale: false) }
        switch parts[0].lowercased() {
        case "digest":
            switch digest.verify(parameters: parts[1], method: request.method, target: request.target, now: now) {
            case .accepted: return .accepted
            case .rejected(let stale): return .rejected(stale: stale)
            }
        case "bearer":
            // A service-account token, or a browser login's access token before its `exp`.
            let token = parts[1].drop { $0 == " " }
            return tokens.isValid(token, now: now) || userTokens.isValid(token, now: now) ? .accepted : .rejected(stale: false)
        default:
            return .rejected(stale: false)
        }
    }

    /// Adds the headers every response carries, logs, and hands the response back.
    /// `route` adds Atlas's per-endpoint-set rate-limit headers.
    private func finish(_ response: SimulatorResponse, entry: LoggedRequest, now: Date, route: Route? = nil) -> SimulatorResponse {
        var response = response
        var entry = entry
        if response.delivery != .dropped {
            response.setHeader("Date", HTTPDate.format(now))
            if let set = route?.endpointSet {
                // Atlas limits each endpoint set per scope; calls about one project
                // count against that project's bucket.
                let key = Self.projectID(in: entry.segments).map { set.name + "/" + $0 } ?? set.name
                let remaining = endpointSets.record(set: key, capacity: set.capacity, now: now)
                response.setHeader("Ratelimit-Limit", String(set.capacity))
                response.setHeader("Ratelimit-Remaining", String(remaining))
            }
            if response.status >= 400 { response.setHeader("Vary", "Accept-Encoding") }
            if entry.route != .token, entry.route != .deviceToken, Envelope.isRequested(SimulatorRequest.queryItems(entry.query)) {
                response = Envelope.wrap(response)
            }
            entry.status = response.status
        }
        log.append(entry)
        return response
    }
}

/// RFC 9110 IMF-fixdate, e.g. `Mon, 10 Aug 2026 03:04:17 GMT`.
enum HTTPDate {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func format(_ date: Date) -> String {
        let parts = UTCCalendar.calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        let day = days[((parts.weekday ?? 1) - 1 + 7) % 7]
        let month = months[((parts.month ?? 1) - 1 + 12) % 12]
        return "\(day), \(two(parts.day)) \(month) \(parts.year ?? 1970) \(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) GMT"
    }
}

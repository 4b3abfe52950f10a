import Foundation

/// One method per Atlas endpoint that atlas-certs uses, with authentication, pagination,
/// retries, rate-limit handling and error mapping. Every front end (the TUI, `list`,
/// `check`, `create`) talks to Atlas only through this type.
public final class AtlasClient: Sendable {
    public let configuration: AtlasClientConfiguration
    let transport: any HTTPTransport
    let authorizer: any RequestAuthorizer
    let events: (@Sendable (ClientEvent) -> Void)?
    let gate = RateLimitGate()

    /// - Parameters:
    ///   - authorizer: `DigestAuthorizer` for API keys, `ServiceAccountAuthorizer` for service accounts.
    ///   - events: observer for `--verbose`, progress and tests; called from any task.
    public init(configuration: AtlasClientConfiguration, transport: any HTTPTransport,
                authorizer: any RequestAuthorizer, events: (@Sendable (ClientEvent) -> Void)? = nil) {
        self.configuration = configuration
        self.transport = transport
        self.authorizer = authorizer
        self.events = events
    }

    /// An observer of this task's requests, in addition to `events`: a fleet scan sets it
    /// around its work to count requests, retries and rate-limit waits of its own calls
    /// only (child tasks inherit it), on a client that other work may share.
    ///
    /// The closure travels in a struct: a task-local of function type crashes optimized
    /// builds in `swift_task_localValuePush` (swiftlang/swift#88321; seen with Swift 6.3.1:
    /// every release `list --all` and browser load died with SIGSEGV).
    @TaskLocal public static var taskObserver: ClientEventObserver?

    func emit(_ event: ClientEvent) {
        events?(event)
        Self.taskObserver?.observe(event)
    }

    // MARK: Endpoints

    /// `GET /orgs`: the organizations the credentials can see.
    public func organizations() async throws -> [Organization] {
        try await list(path: "/orgs")
    }

    /// `GET /groups`: every project the credentials can see.
    public func projects() async throws -> [Project] {
        try await list(path: "/groups")
    }

    /// `GET /orgs/{orgId}/groups`: the projects of one organization.
    public func projects(organizationID: String) async throws -> [Project] {
        try await list(path: "/orgs/\(PathSegment.encode(organizationID))/groups")
    }

    /// `GET /groups/{groupId}/databaseUsers`: the database users of a project.
    public func databaseUsers(projectID: String) async throws -> [DatabaseUser] {
        try await list(path: "/groups/\(PathSegment.encode(projectID))/databaseUsers")
    }

    /// `GET /groups/{groupId}/databaseUsers/{databaseName}/{username}`: one database user.
    public func databaseUser(projectID: String, databaseName: String, username: String) async throws -> DatabaseUser {
        let path = "/groups/\(PathSegment.encode(projectID))/databaseUsers/\(PathSegment.encode(databaseName))/\(PathSegment.encode(username))"
        let response = try await send(.get, path: path)
        return try decode(DatabaseUser.self, from: response, endpoint: "GET \(path)")
    }

    /// `GET /groups/{groupId}/databaseUsers/{username}/certs`: a user's unexpired
    /// Atlas-managed certificates (Atlas never lists expired ones). No `databaseName`
    /// segment here: Atlas-managed X.509 users live in `$external`.
    public func certificates(projectID: String, username: String) async throws -> [Certificate] {
        let path = certificatesPath(projectID: projectID, username: username)
        let listed: [Certificate] = try await list(path: path)
        let (kept, duplicates) = Self.mergingDuplicates(listed)
        if duplicates > 0 { emit(.duplicateCertificates(path: configuration.apiVersion.pathPrefix + path, count: duplicates)) }
        return kept
    }

    /// One certificate per ID, in the order first listed. A certificate can appear on two
    /// pages when the list changes while it is read, and a hostile or broken server can
    /// repeat an ID with other dates: the copy that expires soonest is kept (the worst
    /// case; dropping it once made `check` say OK about a certificate with days left).
    /// Returns how many copies were merged.
    static func mergingDuplicates(_ certificates: [Certificate]) -> (kept: [Certificate], duplicates: Int) {
        var index: [CertificateID: Int] = [:]
        var kept: [Certificate] = []
        kept.reserveCapacity(certificates.count)
        var duplicates = 0
        for certificate in certificates {
            if let at = index[certificate.id] {
                duplicates += 1
                if certificate.notAfter < kept[at].notAfter { kept[at] = certificate }
            } else {
                index[certificate.id] = kept.count
                kept.append(certificate)
            }
        }
        return (kept, duplicates)
    }

    /// The validity Atlas allows for a certificate it generates, in months
    /// (`monthsUntilExpiration`): at most two years.
    public static let certificateValidityMonths = 1...24

    /// `POST /groups/{groupId}/databaseUsers/{username}/certs`: asks Atlas for a new
    /// certificate valid `months` calendar months (1...24). Atlas answers with the
    /// certificate and its private key as PEM text, under a JSON content type.
    /// Never retried: a repeated POST could issue two certificates.
    public func createCertificate(projectID: String, username: String, months: Int) async throws -> IssuedCertificatePEM {
        guard Self.certificateValidityMonths.contains(months) else {
            throw AtlasError.invalidInput("monthsUntilExpiration must be between 1 and 24 (Atlas allows at most two years); got \(months).")
        }
        let path = certificatesPath(projectID: projectID, username: username)
        let body = Array("{\"monthsUntilExpiration\":\(months)}".utf8)
        let response = try await send(.post, path: path, body: body)
        let text = String(decoding: response.body, as: UTF8.self)
        guard text.contains("-----BEGIN CERTIFICATE-----") else {
            throw AtlasError(kind: .decoding, message: "Unexpected response from POST \(path): no PEM certificate in the body.", endpoint: "POST \(path)")
        }
        return IssuedCertificatePEM(pem: text)
    }

    func certificatesPath(projectID: String, username: String) -> String {
        "/groups/\(PathSegment.encode(projectID))/databaseUsers/\(PathSegment.encode(username))/certs"
    }

    // MARK: Decoding

    func decode<T: Decodable>(_ type: T.Type, from response: HTTPResponse, endpoint: String) throws -> T {
        do {
            return try AtlasJSON.decode(T.self, from: response.body)
        } catch {
            throw ErrorMapping.error(decoding: error, endpoint: endpoint)
        }
    }
}

/// The PEM text Atlas returns on create: the certificate, then its private key.
///
/// The text holds a private key, so it never describes itself; write it with
/// `withPEM` to a file of mode 0600 and let it go.
public struct IssuedCertificatePEM: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let pem: String

    init(pem: String) { self.pem = pem }

    public func withPEM<T>(_ body: (String) throws -> T) rethrows -> T { try body(pem) }

    /// The certificate block alone (no key), safe to parse and show; nil when there is none,
    /// or when its body holds a dash: base64 has none, so that is another block's BEGIN or
    /// END line (however many dashes), and a key block there would be passed on with it
    /// (found by the pem fuzz target, docs/fuzzing.md).
    public var certificatePEM: String? {
        guard let start = pem.range(of: "-----BEGIN CERTIFICATE-----"),
              let end = pem.range(of: "-----END CERTIFICATE-----", range: start.upperBound..<pem.endIndex),
              !pem[start.upperBound..<end.lowerBound].contains("-")
        else { return nil }
        return String(pem[start.lowerBound..<end.upperBound]) + "\n"
    }

    public var containsPrivateKey: Bool { pem.contains("PRIVATE KEY-----") }
    public var description: String { "<PEM certificate and private key, hidden>" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

/// A closure that observes one task's client events (`AtlasClient.taskObserver`).
public struct ClientEventObserver: Sendable {
    public let observe: @Sendable (ClientEvent) -> Void

    public init(_ observe: @escaping @Sendable (ClientEvent) -> Void) {
        self.observe = observe
    }
}

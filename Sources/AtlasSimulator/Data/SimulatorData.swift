import AtlasAPI
import Foundation

/// Everything the simulator serves: organizations, projects, database users and the
/// certificates of each (project, username).
///
/// It is plain `Codable` data so that a test or a benchmark can build it by hand, load
/// it from a JSON fixture (`atlas-sim --fixture`), or produce it with the deterministic
/// generator (`generate(seed:…)`), and so that `atlas-sim --dump-fixture` can write it.
/// Expired certificates are stored like any other: the server, like Atlas, hides them
/// at request time using its own clock, so moving the clock makes them disappear.
public struct SimulatorData: Codable, Sendable, Equatable {
    public var organizations: [Organization]
    public var projects: [Project]
    public var users: [DatabaseUser]
    public var certificates: [UserCertificates]

    /// The certificates Atlas manages for one username in one project. The certs
    /// endpoint has no authentication-database segment, so the key is (groupId, username).
    public struct UserCertificates: Codable, Sendable, Equatable {
        public var groupId: String
        public var username: String
        public var certificates: [Certificate]

        public init(groupId: String, username: String, certificates: [Certificate]) {
            self.groupId = groupId
            self.username = username
            self.certificates = certificates
        }
    }

    public init(
        organizations: [Organization] = [], projects: [Project] = [], users: [DatabaseUser] = [],
        certificates: [UserCertificates] = []
    ) {
        self.organizations = organizations
        self.projects = projects
        self.users = users
        self.certificates = certificates
    }

    /// The stored certificates of one user, expired ones included.
    public func certificates(groupId: String, username: String) -> [Certificate] {
        certificates.first { $0.groupId == groupId && $0.username == username }?.certificates ?? []
    }

    /// Encodes as the fixture format: sorted keys and whole-second UTC dates, so equal
    /// data gives byte-identical files.
    public func jsonData(pretty: Bool = true) throws -> Data {
        try AtlasJSON.encoder(pretty: pretty).encode(self)
    }

    /// Decodes a fixture; certificate IDs are read as exact 64-bit integers.
    public static func decode(from data: Data) throws -> SimulatorData {
        try AtlasJSON.decode(SimulatorData.self, from: data)
    }

    public static func load(contentsOf url: URL) throws -> SimulatorData {
        try decode(from: Data(contentsOf: url))
    }

    public func write(to url: URL) throws {
        try jsonData().write(to: url, options: .atomic)
    }
}

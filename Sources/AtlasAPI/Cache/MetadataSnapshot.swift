import Foundation

/// What the browser knows about the fleet, as kept in the disk cache so that the next start
/// can show it at once (marked stale) while it refreshes: the fleet engine's data
/// (`FleetData`, as `FleetModel` holds it) and when it was current.
///
/// Metadata only, by construction: organizations, projects, database users and certificate
/// metadata (ID, subject, dates, project). There is no field for a PEM, a private key, a
/// password, an API key or a token, and none of the model types it holds has one, so a
/// snapshot cannot carry a secret to disk. Keep it that way: never add such a field here or
/// to the models it holds.
///
/// The JSON is written with `AtlasJSON`'s encoder, so certificate IDs stay exact 64-bit
/// integers and dates are ISO 8601 UTC to the second (sub-second parts are dropped, which
/// is what Atlas sends anyway; `savedAt` is kept to the second for the same reason).
/// `kind` and `version` let a reader recognise a foreign file and a file of another format.
public struct MetadataSnapshot: Sendable, Equatable, Codable {
    /// The `kind` marker of every cache file atlas-certs writes.
    public static let kindMarker = "atlas-certs-metadata-cache"
    /// The format this build writes and reads. Bump it when a change would make an older
    /// build misread a newer file (or the other way round); older and newer files are ignored.
    public static let formatVersion = 1

    /// Always `kindMarker`.
    public let kind: String
    /// Always `formatVersion`.
    public let version: Int
    /// When the data was current, to the second (a sub-second part is dropped on assignment,
    /// so a snapshot equals itself after a trip through the file).
    public var savedAt: Date {
        get { savedAtSeconds }
        set { savedAtSeconds = Self.wholeSeconds(newValue) }
    }
    private var savedAtSeconds: Date
    /// The fleet engine's data, as `FleetModel.data` holds it.
    public var fleet: FleetData

    public var organizations: [Organization] {
        get { fleet.organizations }
        set { fleet.organizations = newValue }
    }
    public var projects: [Project] {
        get { fleet.projects }
        set { fleet.projects = newValue }
    }
    /// Database users by project ID; a project is present once its users were loaded.
    public var users: [String: [DatabaseUser]] {
        get { fleet.usersByProject }
        set { fleet.usersByProject = newValue }
    }
    /// Certificates by user; a user is present once their certificates were loaded (an empty
    /// list then means the user has none).
    public var certificates: [UserKey: [Certificate]] {
        get { fleet.certificatesByUser }
        set { fleet.certificatesByUser = newValue }
    }

    /// The user a list of certificates belongs to (the same key the browser uses).
    public typealias UserKey = AtlasAPI.UserKey

    /// The fleet engine's data as it stood at `savedAt`.
    public init(savedAt: Date, fleet: FleetData) {
        self.kind = Self.kindMarker
        self.version = Self.formatVersion
        self.savedAtSeconds = Self.wholeSeconds(savedAt)
        self.fleet = fleet
    }

    public init(
        savedAt: Date, organizations: [Organization] = [], projects: [Project] = [],
        users: [String: [DatabaseUser]] = [:], certificates: [UserKey: [Certificate]] = [:]
    ) {
        self.init(savedAt: savedAt, fleet: FleetData(organizations: organizations, projects: projects,
                                                     usersByProject: users, certificatesByUser: certificates))
    }

    /// `date` without its sub-second part, as the JSON keeps it.
    static func wholeSeconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    // MARK: Codable

    enum CodingKeys: String, CodingKey {
        case kind, version, savedAt, organizations, projects, users, certificates
    }

    /// One user's certificates as written in the file: a list of these, sorted by user, since
    /// JSON object keys can only be strings.
    struct UserCertificates: Codable {
        var projectID: String
        var databaseName: String
        var username: String
        var certificates: [Certificate]
    }

    /// Decodes a snapshot, refusing another `kind` or `version` (`MetadataCache.load` checks
    /// those first to say which it was) and a user listed twice.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(String.self, forKey: .kind)
        guard kind == Self.kindMarker else {
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container, debugDescription: "not an atlas-certs metadata cache")
        }
        version = try container.decode(Int.self, forKey: .version)
        guard version == Self.formatVersion else {
            throw DecodingError.dataCorruptedError(
                forKey: .version, in: container, debugDescription: "cache format \(version), expected \(Self.formatVersion)")
        }
        savedAtSeconds = Self.wholeSeconds(try container.decode(Date.self, forKey: .savedAt))
        let organizations = try container.decode([Organization].self, forKey: .organizations)
        let projects = try container.decode([Project].self, forKey: .projects)
        let users = try container.decode([String: [DatabaseUser]].self, forKey: .users)
        let entries = try container.decode([UserCertificates].self, forKey: .certificates)
        var certificates: [UserKey: [Certificate]] = [:]
        certificates.reserveCapacity(entries.count)
        for entry in entries {
            let key = UserKey(projectID: entry.projectID, databaseName: entry.databaseName, username: entry.username)
            guard certificates.updateValue(entry.certificates, forKey: key) == nil else {
                throw DecodingError.dataCorruptedError(
                    forKey: .certificates, in: container, debugDescription: "a user is listed twice")
            }
        }
        fleet = FleetData(organizations: organizations, projects: projects, usersByProject: users,
                          certificatesByUser: certificates)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(version, forKey: .version)
        try container.encode(savedAt, forKey: .savedAt)
        try container.encode(organizations, forKey: .organizations)
        try container.encode(projects, forKey: .projects)
        try container.encode(users, forKey: .users)
        let entries = certificates.sorted { $0.key < $1.key }.map { key, list in
            UserCertificates(projectID: key.projectID, databaseName: key.databaseName, username: key.username, certificates: list)
        }
        try container.encode(entries, forKey: .certificates)
    }
}

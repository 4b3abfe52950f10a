import Foundation

/// A database user of a project (`CloudDatabaseUser`).
///
/// Usernames are unique per authentication database, not per project, so a user is
/// identified by (`databaseName`, `username`).
public struct DatabaseUser: Sendable, Hashable, Codable {
    public var username: String
    public var databaseName: String
    public var groupId: String
    public var roles: [Role]
    public var x509Type: X509Type
    public var awsIAMType: String?
    public var ldapAuthType: String?
    public var oidcAuthType: String?
    public var deleteAfterDate: Date?
    public var description: String?

    public struct Role: Sendable, Hashable, Codable {
        public var roleName: String
        public var databaseName: String
        public var collectionName: String?

        public init(roleName: String, databaseName: String, collectionName: String? = nil) {
            self.roleName = roleName
            self.databaseName = databaseName
            self.collectionName = collectionName
        }
    }

    /// How the user's X.509 certificates are managed. Only `.managed` users have
    /// certificates Atlas can list; an unknown future value is kept, not rejected.
    public enum X509Type: Sendable, Hashable, Codable, CustomStringConvertible {
        case none, customer, managed
        case other(String)

        public init(rawValue: String) {
            switch rawValue {
            case "NONE": self = .none
            case "CUSTOMER": self = .customer
            case "MANAGED": self = .managed
            default: self = .other(rawValue)
            }
        }

        public var rawValue: String {
            switch self {
            case .none: "NONE"
            case .customer: "CUSTOMER"
            case .managed: "MANAGED"
            case .other(let value): value
            }
        }

        public var description: String { rawValue }

        public init(from decoder: any Decoder) throws {
            self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }
    }

    /// True when Atlas manages this user's certificates, i.e. the certs endpoint applies.
    public var hasManagedCertificates: Bool { x509Type == .managed }

    public init(
        username: String, databaseName: String, groupId: String, roles: [Role] = [],
        x509Type: X509Type = .none, awsIAMType: String? = nil, ldapAuthType: String? = nil,
        oidcAuthType: String? = nil, deleteAfterDate: Date? = nil, description: String? = nil
    ) {
        self.username = username
        self.databaseName = databaseName
        self.groupId = groupId
        self.roles = roles
        self.x509Type = x509Type
        self.awsIAMType = awsIAMType
        self.ldapAuthType = ldapAuthType
        self.oidcAuthType = oidcAuthType
        self.deleteAfterDate = deleteAfterDate
        self.description = description
    }

    enum CodingKeys: String, CodingKey {
        case username, databaseName, groupId, roles, x509Type, awsIAMType, ldapAuthType
        case oidcAuthType, deleteAfterDate, description
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        username = try container.decode(String.self, forKey: .username)
        databaseName = try container.decode(String.self, forKey: .databaseName)
        // The spec marks groupId write-only, yet real responses include it; tolerate absence.
        groupId = try container.decodeIfPresent(String.self, forKey: .groupId) ?? ""
        roles = try container.decodeIfPresent([Role].self, forKey: .roles) ?? []
        x509Type = try container.decodeIfPresent(X509Type.self, forKey: .x509Type) ?? .none
        awsIAMType = try container.decodeIfPresent(String.self, forKey: .awsIAMType)
        ldapAuthType = try container.decodeIfPresent(String.self, forKey: .ldapAuthType)
        oidcAuthType = try container.decodeIfPresent(String.self, forKey: .oidcAuthType)
        deleteAfterDate = try container.decodeIfPresent(Date.self, forKey: .deleteAfterDate)
        description = try container.decodeIfPresent(String.self, forKey: .description)
    }
}

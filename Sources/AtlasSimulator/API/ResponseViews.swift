import AtlasAPI
import Foundation

// The JSON shapes Atlas sends, field for field as in the recorded responses. The shared
// models in AtlasAPI hold what a client needs; these views add what Atlas also sends
// (links, empty `labels`/`scopes`/`tags`, defaults) so the wire format matches.

struct LinkView: Encodable, Sendable {
    var href: String
    var rel: String
}

struct PageView<Item: Encodable & Sendable>: Encodable, Sendable {
    var links: [LinkView]
    var results: [Item]
    /// Omitted when the request said `includeCount=false`.
    var totalCount: Int?
}

struct OrganizationView: Encodable, Sendable {
    var id: String
    var isDeleted: Bool
    var links: [LinkView]
    var name: String
    var skipDefaultAlertsSettings = false

    init(_ org: Organization, links: [LinkView]) {
        id = org.id
        isDeleted = org.isDeleted ?? false
        self.links = links
        name = org.name
    }
}

struct GroupView: Encodable, Sendable {
    var clusterCount: Int64
    var created: String
    var id: String
    var links: [LinkView]
    var name: String
    var orgId: String
    var tags: [String] = []
    var withDefaultAlertsSettings = true

    init(_ project: Project, links: [LinkView]) {
        clusterCount = project.clusterCount ?? 0
        created = AtlasJSON.formatDate(project.created ?? Date(timeIntervalSince1970: 0))
        id = project.id
        self.links = links
        name = project.name
        orgId = project.orgId
    }
}

struct DatabaseUserView: Encodable, Sendable {
    struct RoleView: Encodable, Sendable {
        var collectionName: String?
        var databaseName: String
        var roleName: String
    }

    var awsIAMType: String
    var databaseName: String
    var deleteAfterDate: String?
    var description: String?
    var groupId: String
    var labels: [String] = []
    var ldapAuthType: String
    var links: [LinkView]
    var oidcAuthType: String
    var roles: [RoleView]
    var scopes: [String] = []
    var username: String
    var x509Type: String

    init(_ user: DatabaseUser, links: [LinkView]) {
        awsIAMType = user.awsIAMType ?? "NONE"
        databaseName = user.databaseName
        deleteAfterDate = user.deleteAfterDate.map(AtlasJSON.formatDate)
        description = user.description
        groupId = user.groupId
        ldapAuthType = user.ldapAuthType ?? "NONE"
        self.links = links
        oidcAuthType = user.oidcAuthType ?? "NONE"
        roles = user.roles.map { RoleView(collectionName: $0.collectionName, databaseName: $0.databaseName, roleName: $0.roleName) }
        username = user.username
        x509Type = user.x509Type.rawValue
    }
}

/// A certificate list item. Real Atlas sends no `links` here, although the spec lists them.
struct CertificateView: Encodable, Sendable {
    /// Encoded as a bare JSON integer from the exact `UInt64`, never through `Double`.
    var id: UInt64
    var createdAt: String?
    var groupId: String?
    var notAfter: String
    var subject: String

    enum CodingKeys: String, CodingKey {
        case id = "_id"
        case createdAt, groupId, notAfter, subject
    }

    init(_ certificate: Certificate) {
        id = certificate.id.value
        createdAt = certificate.createdAt.map(AtlasJSON.formatDate)
        groupId = certificate.groupId
        notAfter = AtlasJSON.formatDate(certificate.notAfter)
        subject = certificate.subject
    }
}

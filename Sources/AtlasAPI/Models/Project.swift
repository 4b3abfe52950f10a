import Foundation

/// An Atlas project, called a group in the API paths (`Group`).
public struct Project: Sendable, Hashable, Codable, Identifiable {
    public var id: String
    public var name: String
    public var orgId: String
    public var clusterCount: Int64?
    public var created: Date?

    public init(id: String, name: String, orgId: String, clusterCount: Int64? = nil, created: Date? = nil) {
        self.id = id
        self.name = name
        self.orgId = orgId
        self.clusterCount = clusterCount
        self.created = created
    }
}

/// An Atlas organization (`AtlasOrganization`).
public struct Organization: Sendable, Hashable, Codable, Identifiable {
    public var id: String
    public var name: String
    public var isDeleted: Bool?

    public init(id: String, name: String, isDeleted: Bool? = nil) {
        self.id = id
        self.name = name
        self.isDeleted = isDeleted
    }
}

extension AtlasClient {
    /// Finds a project by its 24-hex ID or by its name.
    ///
    /// An ID is used as it is (no request). A name is looked up in the projects the
    /// credentials can see: an exact match first, then a unique case-insensitive one.
    public func project(idOrName: String) async throws -> Project {
        let wanted = idOrName.trimmingCharacters(in: .whitespaces)
        if Self.looksLikeObjectID(wanted) {
            return Project(id: wanted.lowercased(), name: wanted, orgId: "")
        }
        return try Self.project(wanted, in: try await projects())
    }

    /// The project `wanted` names among `projects`: by ID, exact name, or unique
    /// case-insensitive name. An ID that is not listed (a key scoped to one project may
    /// not list it) is used as it is. Shared by `project(idOrName:)` and the fleet scan,
    /// which lists the projects anyway.
    static func project(_ wanted: String, in projects: [Project]) throws -> Project {
        let trimmed = wanted.trimmingCharacters(in: .whitespaces)
        if let byID = projects.first(where: { $0.id.caseInsensitiveCompare(trimmed) == .orderedSame }) { return byID }
        if let exact = projects.first(where: { $0.name == trimmed }) { return exact }
        let folded = projects.filter { $0.name.caseInsensitiveCompare(trimmed) == .orderedSame }
        if folded.count == 1 { return folded[0] }
        if looksLikeObjectID(trimmed) { return Project(id: trimmed.lowercased(), name: trimmed, orgId: "") }
        let safe = TerminalSafe.sanitize(trimmed, maxCharacters: 80)
        if folded.count > 1 {
            throw AtlasError.invalidInput("Several projects are named '\(safe)' when case is ignored; give the project ID instead.")
        }
        throw AtlasError(kind: .notFound, message: "No project named '\(safe)' is visible to these credentials (\(projects.count) projects seen); check the name, or give the 24-character project ID.")
    }

    /// Atlas object IDs: 24 hexadecimal characters.
    public static func looksLikeObjectID(_ text: String) -> Bool {
        text.utf8.count == 24 && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
        }
    }
}

import Foundation

import Foundation

/// The project's read-only test data at ../shared (beside the repository), and the
/// fixtures kept in this test target.
enum SharedData {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// `ATLAS_CERTS_SHARED_DIR` overrides the place: `.ci/run` points it at a missing
    /// folder to run the suite as a user's clone (which has no ../shared) would.
    static let directory: URL = ProcessInfo.processInfo.environment["ATLAS_CERTS_SHARED_DIR"].map { URL(fileURLWithPath: $0) }
        ?? repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
    static let recordings = directory.appendingPathComponent("atlas-recordings")

    static var isAvailable: Bool {
        FileManager.default.fileExists(atPath: recordings.path)
    }

    static func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name))
    }

    /// One recorded HTTP response: status, headers, body.
    struct Recording {
        var name: String
        var status: Int
        var headers: [(name: String, value: String)]
        var body: Data

        func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
    }

    static func recordingNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: recordings.path).filter { $0.hasSuffix(".snaphost") }.sorted()
    }

    static func recording(_ name: String) throws -> Recording {
        let data = try Data(contentsOf: recordings.appendingPathComponent(name))
        let text = String(decoding: data, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n").count > 1 ? text.components(separatedBy: "\r\n\r\n") : text.components(separatedBy: "\n\n")
        let head = parts[0].components(separatedBy: .newlines).filter { !$0.isEmpty }
        let body = parts.dropFirst().joined(separator: "\n\n")
        let statusParts = head[0].split(separator: " ")
        let status = Int(statusParts[1]) ?? 0
        let headers = head.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return Recording(name: name, status: status, headers: headers, body: Data(body.utf8))
    }
}

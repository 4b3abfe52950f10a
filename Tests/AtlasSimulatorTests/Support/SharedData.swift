import Foundation

/// The project's read-only test data in `../shared` beside the repository root: the
/// OpenAPI subset and real Atlas recordings. Read in place, never copied in.
enum SharedData {
    /// `<repo>/Tests/AtlasSimulatorTests/Support/SharedData.swift` → `<repo>/../shared`.
    /// `ATLAS_CERTS_SHARED_DIR` overrides the place: `.ci/run` points it at a missing
    /// folder to run the suite as a user's clone (which has no ../shared) would.
    static let root: URL = ProcessInfo.processInfo.environment["ATLAS_CERTS_SHARED_DIR"].map { URL(fileURLWithPath: $0) } ?? URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared")

    static var specURL: URL { root.appendingPathComponent("atlas-openapi-subset.json") }
    static var recordingsURL: URL { root.appendingPathComponent("atlas-recordings") }

    static var isAvailable: Bool {
        FileManager.default.fileExists(atPath: specURL.path) && FileManager.default.fileExists(atPath: recordingsURL.path)
    }

    static func spec() throws -> JSON {
        try JSON.parse(Array(try Data(contentsOf: specURL)))
    }

    static func recording(_ name: String) throws -> Snaphost {
        try Snaphost.parse(String(decoding: try Data(contentsOf: recordingsURL.appendingPathComponent(name)), as: UTF8.self))
    }

    static func recordingNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: recordingsURL.path).filter { $0.hasSuffix(".snaphost") }.sorted()
    }
}

/// One recorded response: status line, headers, blank line, body.
struct Snaphost {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: String

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    struct Malformed: Error {}

    static func parse(_ text: String) throws -> Snaphost {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
        guard let split = normalized.range(of: "\n\n") else { throw Malformed() }
        let lines = normalized[..<split.lowerBound].split(separator: "\n")
        guard let statusLine = lines.first, let status = statusLine.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { throw Malformed() }
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return Snaphost(status: status, headers: headers, body: String(normalized[split.upperBound...]))
    }
}

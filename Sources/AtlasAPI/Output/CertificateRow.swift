import Foundation

/// One certificate with where it belongs, as the scripting commands print it.
public struct CertificateRow: Sendable, Hashable {
    public var certificate: Certificate
    public var projectID: String
    public var projectName: String?
    public var username: String
    public var databaseName: String?

    public init(certificate: Certificate, projectID: String, projectName: String? = nil, username: String, databaseName: String? = nil) {
        self.certificate = certificate
        self.projectID = projectID
        self.projectName = projectName
        self.username = username
        self.databaseName = databaseName
    }

    /// Soonest expiry first, then by ID, so output is stable between runs.
    public static func byExpiry(_ lhs: CertificateRow, _ rhs: CertificateRow) -> Bool {
        if lhs.certificate.notAfter != rhs.certificate.notAfter { return lhs.certificate.notAfter < rhs.certificate.notAfter }
        return lhs.certificate.id < rhs.certificate.id
    }
}

/// The output formats of `list` (and later `check`).
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, json, csv, ndjson
}

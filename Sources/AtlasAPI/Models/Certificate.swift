import Foundation

/// One Atlas-managed X.509 certificate of a database user (`UserCert` in the Atlas spec).
///
/// The list endpoint returns only unexpired certificates; `createdAt` equals the
/// certificate's notBefore, which Atlas back-dates by one hour.
public struct Certificate: Sendable, Hashable, Codable, Identifiable {
    /// The serial number, which is also the Atlas ID.
    public var id: CertificateID
    /// RFC 2253 subject, e.g. `CN=user389`. Untrusted server text.
    public var subject: String
    public var createdAt: Date?
    public var notAfter: Date
    /// The project the certificate belongs to.
    public var groupId: String?

    public init(id: CertificateID, subject: String, createdAt: Date?, notAfter: Date, groupId: String?) {
        self.id = id
        self.subject = subject
        self.createdAt = createdAt
        self.notAfter = notAfter
        self.groupId = groupId
    }

    enum CodingKeys: String, CodingKey {
        case id = "_id"
        case subject, createdAt, notAfter, groupId
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(CertificateID.self, forKey: .id)
        notAfter = try container.decode(Date.self, forKey: .notAfter)
        subject = try container.decodeIfPresent(String.self, forKey: .subject) ?? ""
        createdAt = try container.decodeIfPresent(Date.self, forKey: .createdAt)
        groupId = try container.decodeIfPresent(String.self, forKey: .groupId)
    }
}

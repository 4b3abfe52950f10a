import Foundation
import X509

/// What a newly issued certificate says about itself, read from its PEM with
/// swift-certificates: the serial (which is the certificate's Atlas ID), the subject and
/// the validity period. Only the certificate block is parsed; the private key is never read.
public struct IssuedCertificateDetails: Sendable, Hashable {
    /// The serial number, exact; Atlas uses it as the certificate's `_id`.
    public var id: CertificateID
    /// The subject as RFC 4514 text (e.g. `CN=user389`). Untrusted: sanitise before display.
    public var subject: String
    public var notBefore: Date
    public var notAfter: Date

    public init(id: CertificateID, subject: String, notBefore: Date, notAfter: Date) {
        self.id = id
        self.subject = subject
        self.notBefore = notBefore
        self.notAfter = notAfter
    }

    /// Reads the certificate block of what Atlas returned on create.
    public init(_ issued: IssuedCertificatePEM) throws {
        guard let certificatePEM = issued.certificatePEM else {
            throw AtlasError(kind: .decoding, message: "The answer to create holds no PEM certificate block.")
        }
        try self.init(certificatePEM: certificatePEM)
    }

    /// Parses one PEM `CERTIFICATE` block (text holding a private key must not be passed:
    /// use `init(_: IssuedCertificatePEM)`, which parses the certificate block alone).
    public init(certificatePEM: String) throws {
        let certificate: X509.Certificate
        do {
            certificate = try X509.Certificate(pemEncoded: certificatePEM)
        } catch {
            throw AtlasError(kind: .decoding, message: "The certificate Atlas returned could not be parsed as X.509: \(String(describing: error)).")
        }
        guard let id = Self.certificateID(serialBytes: certificate.serialNumber.bytes) else {
            throw AtlasError(kind: .decoding, message: "The certificate's serial number (\(certificate.serialNumber.bytes.count) bytes) does not fit in 64 bits, so it cannot be an Atlas certificate ID.")
        }
        self.init(id: id, subject: certificate.subject.description,
                  notBefore: certificate.notValidBefore, notAfter: certificate.notValidAfter)
    }

    /// The serial as an exact unsigned 64-bit integer from its big-endian DER bytes.
    ///
    /// A DER INTEGER whose top bit is set carries a leading 0x00 so that it stays positive
    /// (0x8000000000000001 is nine bytes: `00 80 00 … 01`); leading zero bytes are dropped
    /// here, so any positive serial of up to eight significant bytes fits. Nil when more
    /// than eight significant bytes remain.
    public static func certificateID<Bytes: Collection>(serialBytes: Bytes) -> CertificateID? where Bytes.Element == UInt8 {
        let significant = serialBytes.drop { $0 == 0 }
        guard significant.count <= 8 else { return nil }
        var value: UInt64 = 0
        for byte in significant { value = value << 8 | UInt64(byte) }
        return CertificateID(value)
    }
}

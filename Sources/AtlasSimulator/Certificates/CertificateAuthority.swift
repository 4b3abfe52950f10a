import Crypto
import Foundation
import SwiftASN1
import X509
import CryptoExtras

/// The key algorithm of the certificates the simulator issues.
///
/// Real Atlas issues RSA-4096 keys signed with sha256WithRSAEncryption. Generating an
/// RSA-4096 key takes around a second, which would dominate every test and benchmark
/// that creates certificates, so the simulator defaults to ECDSA P-256 (microseconds)
/// and offers RSA-2048 for clients that must see an RSA key. Nothing else about the
/// certificate (serial, names, validity, extensions, PEM layout) depends on the choice.
public enum IssuedKeyType: String, Sendable, CaseIterable {
    case p256
    case rsa2048
}

/// A throwaway certificate authority created when the simulator starts; it signs the
/// certificates handed out by `POST …/certs`, as Atlas's internal CA does.
///
/// The issuer name follows Atlas: `CN=<24 hex>,OU=Atlas,O=MongoDB Inc`.
final class CertificateAuthority: Sendable {
    let keyType: IssuedKeyType
    let certificate: Certificate
    private let privateKey: Certificate.PrivateKey

    init(keyType: IssuedKeyType, now: Date) throws {
        self.keyType = keyType
        var rng = SystemRandomNumberGenerator()
        let identifier = hex(rng.next() & 0xFFFF_FFFF, digits: 8) + hex(rng.next(), digits: 16)
        // Atlas's issuer has CN first in DER order (openssl shows `CN=…, OU=Atlas, O=MongoDB
        // Inc`; RFC 4514 text, which reverses DER order, reads `O=MongoDB Inc,OU=Atlas,CN=…`).
        let name = Self.distinguishedName([
            .init(type: "O", value: "MongoDB Inc"), .init(type: "OU", value: "Atlas"), .init(type: "CN", value: identifier),
        ])
        let key: Certificate.PrivateKey
        switch keyType {
        case .p256: key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        case .rsa2048: key = Certificate.PrivateKey(try _RSA.Signing.PrivateKey(keySize: .bits2048))
        }
        self.privateKey = key
        self.certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: key.publicKey, notValidBefore: now.addingTimeInterval(-86_400),
            notValidAfter: UTCCalendar.adding(months: 120, to: now), issuer: name, subject: name,
            signatureAlgorithm: Self.signatureAlgorithm(for: keyType),
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: key)
    }

    /// The CA certificate as PEM, so tests can verify the signatures of issued certificates.
    var certificatePEM: String {
        get throws { try certificate.serializeAsPEM().pemString }
    }

    struct Issued: Sendable {
        var certificatePEM: String
        var privateKeyPEM: String
        var notBefore: Date
        var notAfter: Date

        /// The create-certificate response body: certificate then PKCS#8 key, as Atlas sends.
        var responseBody: String { certificatePEM + "\n" + privateKeyPEM + "\n" }
    }

    /// Issues a client certificate for `username`, valid from one hour before `now` (as
    /// Atlas back-dates it) until `now` plus `months` calendar months.
    func issue(serial: UInt64, username: String, now: Date, months: Int) throws -> Issued {
        let now = UTCCalendar.wholeSeconds(now)
        let notBefore = now.addingTimeInterval(-3_600)
        let notAfter = UTCCalendar.adding(months: months, to: now)
        let (publicKey, keyPEM) = try Self.makeSubjectKey(keyType)
        let issued = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(serial), publicKey: publicKey,
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: certificate.subject,
            subject: Self.subjectName(forUsername: username),
            signatureAlgorithm: Self.signatureAlgorithm(for: keyType),
            extensions: try Certificate.Extensions {
                Critical(KeyUsage(digitalSignature: true))
                Critical(try ExtendedKeyUsage([.clientAuth]))
            },
            issuerPrivateKey: privateKey)
        return Issued(
            certificatePEM: try issued.serializeAsPEM().pemString, privateKeyPEM: keyPEM, notBefore: notBefore,
            notAfter: notAfter)
    }

    private static func signatureAlgorithm(for keyType: IssuedKeyType) -> Certificate.SignatureAlgorithm {
        switch keyType {
        case .p256: .ecdsaWithSHA256
        case .rsa2048: .sha256WithRSAEncryption
        }
    }

    private static func makeSubjectKey(_ keyType: IssuedKeyType) throws -> (Certificate.PublicKey, String) {
        switch keyType {
        case .p256:
            let key = P256.Signing.PrivateKey()
            return (Certificate.PublicKey(key.publicKey), key.pemRepresentation)
        case .rsa2048:
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            return (Certificate.PublicKey(key.publicKey), key.pkcs8PEMRepresentation)
        }
    }

    /// The subject for `username`: its own DN for DN usernames, else `CN=<username>`.
    static func subjectName(forUsername username: String) -> DistinguishedName {
        distinguishedName(DistinguishedNameText.subjectAttributes(forUsername: username))
    }

    /// Builds a name from attributes in text order. RDNs are stored least specific first,
    /// the reverse of the text order. Values use PrintableString when they fit, as Atlas's
    /// certificates do, and UTF8String otherwise (accents, CJK, `@`, `+`…).
    static func distinguishedName(_ attributes: [DistinguishedNameText.Attribute]) -> DistinguishedName {
        DistinguishedName(
            attributes.reversed().map { attribute in
                let type = oid(for: attribute.type)
                let value =
                    (try? RelativeDistinguishedName.Attribute(type: type, printableString: attribute.value))
                    ?? RelativeDistinguishedName.Attribute(type: type, utf8String: attribute.value)
                return RelativeDistinguishedName(value)
            })
    }

    private static func oid(for type: String) -> ASN1ObjectIdentifier {
        switch type {
        case "OU": .RDNAttributeType.organizationalUnitName
        case "O": .RDNAttributeType.organizationName
        case "C": .RDNAttributeType.countryName
        case "L": .RDNAttributeType.localityName
        case "ST": .RDNAttributeType.stateOrProvinceName
        case "DC": .RDNAttributeType.domainComponent
        case "STREET": .RDNAttributeType.streetAddress
        default: .RDNAttributeType.commonName
        }
    }
}

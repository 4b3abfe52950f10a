@testable import AtlasAPI
@testable import AtlasSimulator
import Foundation
import Testing

/// Reading a newly issued certificate: serial (= Atlas ID, exact), subject, validity.
/// The PEMs come from the simulator's certificate authority, which issues certificates
/// shaped like Atlas's with any serial we ask for.
@Suite("Issued certificate details")
struct IssuedCertificateDetailsTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18

    static func issue(serial: UInt64, username: String = "svc-orders", months: Int = 3) throws -> CertificateAuthority.Issued {
        try CertificateAuthority(keyType: .p256, now: now).issue(serial: serial, username: username, now: now, months: months)
    }

    /// The DER bytes of the first PEM block of `pem`.
    static func der(_ pem: String) throws -> [UInt8] {
        let base64 = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return try #require(Data(base64Encoded: base64).map(Array.init))
    }

    @Test("the serial is the exact 64-bit ID, also above 2^53 and with the top bit set",
          arguments: [UInt64(0x1B6E_BA83_4890_4A92), 0x8000_0000_0000_0001, .max, (1 << 53) + 1, 1, 0x00FF_FFFF_FFFF_FFFF])
    func serial(_ serial: UInt64) throws {
        let issued = try Self.issue(serial: serial)
        let details = try IssuedCertificateDetails(certificatePEM: issued.certificatePEM)
        #expect(details.id.value == serial)
        #expect(details.id == CertificateID(serial))
        #expect(details.id.hexSerial == {
            let hex = String(serial, radix: 16, uppercase: true)
            return hex.count % 2 == 1 ? "0" + hex : hex
        }())
    }

    @Test("the openssl example: 0x1B6EBA8348904A92 is 1976722359483124370")
    func recordedSerial() throws {
        let details = try IssuedCertificateDetails(certificatePEM: try Self.issue(serial: 1_976_722_359_483_124_370).certificatePEM)
        #expect(details.id.decimal == "1976722359483124370")
        #expect(details.id.hexSerial == "1B6EBA8348904A92")
    }

    @Test("a serial with the top bit set is nine DER bytes with a leading 0x00, and reads back exactly")
    func leadingZeroByte() throws {
        for serial: UInt64 in [0x8000_0000_0000_0001, .max] {
            let issued = try Self.issue(serial: serial)
            let der = try Self.der(issued.certificatePEM)
            // INTEGER, length 9, 0x00, then the eight big-endian bytes.
            let encoded: [UInt8] = [0x02, 0x09, 0x00] + (0..<8).reversed().map { UInt8(truncatingIfNeeded: serial >> ($0 * 8)) }
            #expect(der.indices.contains { index in der[index...].starts(with: encoded) }, "serial \(serial) not DER-encoded with a leading zero")
            #expect(try IssuedCertificateDetails(certificatePEM: issued.certificatePEM).id.value == serial)
        }
    }

    @Test("serial bytes: leading zeros dropped, more than eight significant bytes refused")
    func serialBytes() {
        #expect(IssuedCertificateDetails.certificateID(serialBytes: [0x00] + [UInt8](repeating: 0xFF, count: 8))?.value == .max)
        #expect(IssuedCertificateDetails.certificateID(serialBytes: [0x00, 0x80, 0, 0, 0, 0, 0, 0, 0x01])?.value == 0x8000_0000_0000_0001)
        #expect(IssuedCertificateDetails.certificateID(serialBytes: [0, 0, 0x01])?.value == 1)
        #expect(IssuedCertificateDetails.certificateID(serialBytes: [UInt8]())?.value == 0)
        #expect(IssuedCertificateDetails.certificateID(serialBytes: [0x01, 0, 0, 0, 0, 0, 0, 0, 0]) == nil)
        #expect(IssuedCertificateDetails.certificateID(serialBytes: [UInt8](repeating: 0x7F, count: 20)) == nil)
    }

    @Test("subject as RFC 4514 text and validity as issued", arguments: ["svc-orders", "CN=Ana Lima,OU=Payments,O=Acme"])
    func subjectAndValidity(_ username: String) throws {
        let issued = try Self.issue(serial: 0x1234_5678_9ABC_DEF0, username: username, months: 6)
        let details = try IssuedCertificateDetails(certificatePEM: issued.certificatePEM)
        #expect(details.subject == (username.hasPrefix("CN=") ? username : "CN=" + username))
        #expect(details.notBefore == issued.notBefore)
        #expect(details.notAfter == issued.notAfter)
    }

    @Test("from the whole create answer: only the certificate block is read, the key stays hidden")
    func fromIssuedPEM() throws {
        let issued = try Self.issue(serial: 0x9000_0000_0000_0009)
        let pem = IssuedCertificatePEM(pem: issued.responseBody)
        #expect(pem.containsPrivateKey)
        let details = try IssuedCertificateDetails(pem)
        #expect(details.id.value == 0x9000_0000_0000_0009)
        #expect(!"\(details)".contains("PRIVATE KEY"))
    }

    @Test("text that is not a certificate: a decoding error, no PEM in the message")
    func garbage() throws {
        let notACertificate = "-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"
        let error = #expect(throws: AtlasError.self) { try IssuedCertificateDetails(certificatePEM: notACertificate) }
        #expect(error?.kind == .decoding)
        #expect(error?.message.contains("Tm90IGEgY2VydGlmaWNhdGU") == false)
        let noBlock = #expect(throws: AtlasError.self) { try IssuedCertificateDetails(IssuedCertificatePEM(pem: "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n")) }
        #expect(noBlock?.kind == .decoding)
    }
}

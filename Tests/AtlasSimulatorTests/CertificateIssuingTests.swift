import AtlasSimulator
import Foundation
import Testing
import X509

@Suite("Creating certificates")
struct CertificateIssuingTests {
    struct Created {
        var certificate: Certificate
        var certificatePEM: String
        var keyPEM: String
        var response: RawHTTPResponse
    }

    /// POSTs to the certs endpoint and splits the PEM body into certificate and key.
    static func create(_ harness: Harness, usernameSegment: String, months: Int?) async throws -> Created {
        let target = "/api/atlas/v2/groups/\(Fixtures.project)/databaseUsers/\(usernameSegment)/certs"
        let body = months.map(Harness.monthsBody) ?? []
        let response = try await harness.digest(
            "POST", target, accept: "application/vnd.atlas.2023-01-01+json",
            headers: [("Content-Type", "application/vnd.atlas.2023-01-01+json")], body: body)
        #expect(response.status == 201)
        #expect(response.header("Content-Type") == "application/vnd.atlas.2023-01-01+json;charset=utf-8")
        let text = response.text
        #expect(text.hasPrefix("-----BEGIN CERTIFICATE-----\n"))
        let end = "-----END CERTIFICATE-----\n"
        let split = try #require(text.range(of: end))
        let certificatePEM = String(text[..<split.upperBound])
        let keyPEM = String(text[split.upperBound...])
        return Created(
            certificate: try Certificate(pemEncoded: certificatePEM), certificatePEM: certificatePEM, keyPEM: keyPEM,
            response: response)
    }

    static func serial(_ certificate: Certificate) -> UInt64 {
        certificate.serialNumber.bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    static func date(_ text: String) throws -> Date {
        try #require(try? Date(text, strategy: .iso8601))
    }

    static func listed(_ harness: Harness, usernameSegment: String) async throws -> [JSON] {
        let response = try await harness.digest("GET", "/api/atlas/v2/groups/\(Fixtures.project)/databaseUsers/\(usernameSegment)/certs")
        #expect(response.status == 200)
        return try response.json()["results"]?.array ?? []
    }

    @Test("POST issues a real certificate: serial = listed _id > 2^60, CN, validity, extensions, issuer, PKCS#8 key")
    func issuesCertificate() async throws {
        try await Harness.with { harness in
            let created = try await Self.create(harness, usernameSegment: "user389", months: 3)
            let certificate = created.certificate
            let serial = Self.serial(certificate)
            #expect(serial > 1 << 60)
            #expect(certificate.subject.description == "CN=user389")
            // Fixtures.now is 2026-08-10T03:06:40Z: back-dated one hour, valid 3 calendar months.
            #expect(certificate.notValidBefore == (try Self.date("2026-08-10T02:06:40Z")))
            #expect(certificate.notValidAfter == (try Self.date("2026-11-10T03:06:40Z")))
            // RFC 4514 text reverses DER order; openssl shows this as CN=…, OU=Atlas, O=MongoDB Inc.
            #expect(certificate.issuer.description.wholeMatch(of: #/O=MongoDB Inc,OU=Atlas,CN=[0-9a-f]{24}/#) != nil)
            #expect(try certificate.extensions.keyUsage?.digitalSignature == true)
            #expect(certificate.extensions[oid: .X509ExtensionID.keyUsage]?.critical == true)
            #expect(try certificate.extensions.extendedKeyUsage?.contains(.clientAuth) == true)
            #expect(certificate.extensions[oid: .X509ExtensionID.extendedKeyUsage]?.critical == true)

            #expect(created.keyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
            let key = try Certificate.PrivateKey(pemEncoded: created.keyPEM)
            #expect(key.publicKey == certificate.publicKey)

            let authority = try Certificate(pemEncoded: try harness.simulator.certificateAuthorityPEM)
            #expect(authority.publicKey.isValidSignature(certificate.signature, for: certificate))
            #expect(authority.subject == certificate.issuer)

            let items = try await Self.listed(harness, usernameSegment: "user389")
            let item = try #require(items.first { $0["_id"]?.uint64 == serial })
            #expect(item["subject"]?.string == "CN=user389")
            #expect(item["createdAt"]?.string == "2026-08-10T02:06:40Z")
            #expect(item["notAfter"]?.string == "2026-11-10T03:06:40Z")
            #expect(item["groupId"]?.string == Fixtures.project)
            #expect(item["links"] == nil)
        }
    }

    @Test("without a body the certificate lasts 3 months; 24 months is the maximum accepted")
    func defaultAndMaximum() async throws {
        try await Harness.with { harness in
            let standard = try await Self.create(harness, usernameSegment: "user389", months: nil)
            #expect(standard.certificate.notValidAfter == (try Self.date("2026-11-10T03:06:40Z")))
            let longest = try await Self.create(harness, usernameSegment: "user389", months: 24)
            #expect(longest.certificate.notValidAfter == (try Self.date("2028-08-10T03:06:40Z")))
            #expect(Self.serial(standard.certificate) != Self.serial(longest.certificate))
        }
    }

    @Test("a DN username gets its own DN as subject, and the listed subject matches")
    func distinguishedNameSubject() async throws {
        try await Harness.with { harness in
            let segment = "CN=Ana%20Lima%2COU=Payments%2CO=Acme"
            let created = try await Self.create(harness, usernameSegment: segment, months: 1)
            #expect(created.certificate.subject.description == Fixtures.dnUser)
            let items = try await Self.listed(harness, usernameSegment: segment)
            #expect(items.map { $0["subject"]?.string } == [Fixtures.dnUser])
            #expect(items.first?["_id"]?.uint64 == Self.serial(created.certificate))
        }
    }

    @Test("a '+' in a username is escaped in the subject exactly as the certificate prints it")
    func escapedSubject() async throws {
        try await Harness.with { harness in
            let created = try await Self.create(harness, usernameSegment: "ci+deploy@acme.io", months: 2)
            let items = try await Self.listed(harness, usernameSegment: "ci+deploy@acme.io")
            #expect(items.first?["subject"]?.string == created.certificate.subject.description)
            #expect(created.certificate.subject.description == #"CN=ci\+deploy@acme.io"#)
        }
    }

    @Test("RSA-2048 keys on request, signed with sha256WithRSAEncryption")
    func rsaKeys() async throws {
        try await Harness.with(configure: { $0.keyType = .rsa2048 }) { harness in
            let created = try await Self.create(harness, usernameSegment: "user389", months: 3)
            #expect(created.certificate.signatureAlgorithm == .sha256WithRSAEncryption)
            let key = try Certificate.PrivateKey(pemEncoded: created.keyPEM)
            #expect(key.publicKey == created.certificate.publicKey)
            #expect(created.keyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        }
    }
}

@Suite("Certificate expiry")
struct CertificateExpiryTests {
    @Test("expired certificates are stored but never listed; moving the clock hides more")
    func expiredHidden() async throws {
        try await Harness.with { harness in
            let path = "/api/atlas/v2/groups/\(Fixtures.project)/databaseUsers/user389/certs"
            let body = try await harness.digest("GET", path).json()
            let ids = body["results"]?.array?.compactMap { $0["_id"]?.uint64 }
            #expect(ids == [2_558_523_591_213_958_694, 1_976_722_359_483_124_370])
            #expect(body["totalCount"]?.int == 2)
            #expect(harness.simulator.data.certificates(groupId: Fixtures.project, username: "user389").count == 3)
            harness.clock.advance(by: 24 * 86_400)
            let later = try await harness.digest("GET", path).json()
            #expect(later["results"]?.array?.compactMap { $0["_id"]?.uint64 } == [1_976_722_359_483_124_370])
        }
    }
}

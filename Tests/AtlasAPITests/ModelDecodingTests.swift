import AtlasAPI
import Foundation
import Testing

@Suite("Decoding Atlas responses")
struct ModelDecodingTests {
    @Test("the documented example response decodes exactly as printed, leading zero included")
    func documentedExample() throws {
        let data = try SharedData.fixture("example-response.json")
        let page = try AtlasJSON.decode(Page<Certificate>.self, from: data)
        #expect(page.totalCount == 2)
        #expect(page.results.map(\.id.decimal) == ["5433027191242719574", "946028664465903704"])
        #expect(page.results[0].subject == "CN=myX509User")
        #expect(page.results[0].groupId == "ec13d5f09d521a5206e5d726")
        #expect(AtlasJSON.formatDate(page.results[0].createdAt!) == "2019-12-03T21:00:42Z")
        #expect(AtlasJSON.formatDate(page.results[1].notAfter) == "2020-03-05T14:50:49Z")
        #expect(page.links.first?.rel == "self")
    }

    @Test("IDs above 2^53 survive decoding exactly", arguments: [
        "9223372036854775807", "5433027191242719574", "2558523591213958694", "1976722359483124370", "9007199254740993",
    ])
    func largeIDs(_ digits: String) throws {
        let json = #"{"results":[{"_id":\#(digits),"notAfter":"2030-01-01T00:00:00Z","subject":"CN=a"}]}"#
        let page = try AtlasJSON.decode(Page<Certificate>.self, from: Array(json.utf8))
        #expect(page.results[0].id.decimal == digits)
        // Round trip through our own encoder keeps the digits too.
        let encoded = String(decoding: try AtlasJSON.encoder().encode(page.results[0].id), as: UTF8.self)
        #expect(encoded == digits)
    }

    @Test("an ID printed as a string of digits, as the v1.0 docs once did, decodes")
    func stringID() throws {
        let json = #"{"_id":"0946028664465903704","notAfter":"2030-01-01T00:00:00Z","subject":"CN=a"}"#
        let certificate = try AtlasJSON.decode(Certificate.self, from: Array(json.utf8))
        #expect(certificate.id.value == 946_028_664_465_903_704)
    }

    @Test("hex serial matches what openssl prints")
    func hexSerial() {
        // The recording's certificate: openssl x509 -serial printed 1B6EBA8348904A92.
        #expect(CertificateID(1_976_722_359_483_124_370).hexSerial == "1B6EBA8348904A92")
        #expect(CertificateID(946_028_664_465_903_704).hexSerial == "0D20F80EDCD3D058")
        #expect(CertificateID(UInt64(Int64.max)).hexSerial == "7FFFFFFFFFFFFFFF")
        #expect(CertificateID(255).colonHexSerial == "FF")
        #expect(CertificateID(0x1B6E).colonHexSerial == "1B:6E")
    }

    @Test("leading zeros are removed only from numbers, never from strings")
    func leadingZeroScanner() throws {
        let json = #"{"a":"0012","b":[007,0,0.5,-0012],"c":10,"d":"x\"00"}"#
        struct Shape: Decodable { var a: String; var b: [Double]; var c: Int; var d: String }
        let shape = try AtlasJSON.decode(Shape.self, from: Array(json.utf8))
        #expect(shape.a == "0012")
        #expect(shape.b == [7, 0, 0.5, -12])
        #expect(shape.c == 10)
        #expect(shape.d == "x\"00")
        // A string ending in an escaped backslash closes there; the number after it is repaired.
        struct Pair: Decodable { var d: String; var e: Int }
        let pair = try AtlasJSON.decode(Pair.self, from: Array(#"{"d":"a\\","e":007}"#.utf8))
        #expect(pair.d == "a\\" && pair.e == 7)
    }

    @Test("timestamps with and without fractional seconds, and with offsets")
    func timestamps() throws {
        let plain = try #require(AtlasJSON.parseDate("2026-11-10T03:06:35Z"))
        let fractional = try #require(AtlasJSON.parseDate("2026-11-10T03:06:35.250Z"))
        let offset = try #require(AtlasJSON.parseDate("2026-11-10T05:06:35+02:00"))
        #expect(fractional.timeIntervalSince(plain) == 0.25)
        #expect(offset == plain)
        #expect(AtlasJSON.parseDate("10 Nov 2026") == nil)
    }

    @Test("unknown fields are ignored and unknown enum values kept")
    func unknownFields() throws {
        let json = #"{"username":"u","databaseName":"$external","groupId":"g","roles":[],"x509Type":"SOMETHING_NEW","futureField":{"x":[1,2]}}"#
        let user = try AtlasJSON.decode(DatabaseUser.self, from: Array(json.utf8))
        #expect(user.x509Type == .other("SOMETHING_NEW"))
        #expect(!user.hasManagedCertificates)
    }

    @Test("every 2xx recording of the real API decodes", .enabled(if: SharedData.isAvailable, "../shared/atlas-recordings not found: recordings not checked"))
    func recordings() throws {
        var decoded = 0
        for name in try SharedData.recordingNames() {
            let recording = try SharedData.recording(name)
            guard (200..<300).contains(recording.status) else { continue }
            if name.contains("_certs_") && name.contains("__POST_") {
                let text = String(decoding: recording.body, as: UTF8.self)
                #expect(text.hasPrefix("-----BEGIN CERTIFICATE-----"), "\(name)")
                #expect(recording.header("Content-Type")?.hasPrefix("application/vnd.atlas.2023-01-01+json") == true)
            } else if name.contains("_certs_") {
                let page = try AtlasJSON.decode(Page<Certificate>.self, from: recording.body)
                #expect(page.results.map(\.id.decimal) == ["2558523591213958694", "1976722359483124370"], "\(name)")
                #expect(page.results.allSatisfy { $0.subject == "CN=user389" })
            } else if name.contains("GET_api_atlas_v2_orgs_") {
                let page = try AtlasJSON.decode(Page<Organization>.self, from: recording.body)
                #expect(page.results.count == page.totalCount)
            } else if name.contains("GET_api_atlas_v2_groups_1") {
                let page = try AtlasJSON.decode(Page<Project>.self, from: recording.body)
                #expect(page.results.count == 37 && page.totalCount == 37)
                #expect(page.results.allSatisfy { $0.orgId == "a0123456789abcdef012345a" })
            } else if name.contains("__Describe__") || name.contains("Create_DBUser") {
                let user = try AtlasJSON.decode(DatabaseUser.self, from: recording.body)
                #expect(!user.username.isEmpty, "\(name)")
            } else if name.contains("_databaseUsers_1") {
                let page = try AtlasJSON.decode(Page<DatabaseUser>.self, from: recording.body)
                #expect(page.results.count == page.totalCount, "\(name)")
                #expect(page.results.contains { $0.username.contains("/") }, "OIDC usernames with a slash are present")
            } else {
                continue
            }
            decoded += 1
        }
        #expect(decoded >= 9)
    }
}

@testable import AtlasAPI
@testable import AtlasSimulator
import Foundation
import Testing

/// What a hostile or broken Atlas answers a create with (no key, HTML, JSON, corrupt or
/// cut-short PEM, a timeout): always a failure that says a certificate may have been
/// issued, with its ID when the certificate block can be read; the POST is sent once.
@Suite("Creating a certificate: answers that are not a certificate and key")
struct IssuedAnswerTests {
    static let serial: UInt64 = 0x1B6E_BA83_4890_4A92

    static func issued() throws -> CertificateAuthority.Issued {
        try CertificateAuthority(keyType: .p256, now: IssuedCertificateDetailsTests.now)
            .issue(serial: serial, username: "CN=app", now: IssuedCertificateDetailsTests.now, months: 3)
    }

    /// POSTs once to a transport that answers `body` (status 201, `contentType`).
    static func post(_ body: String, contentType: String = "application/json") async throws -> (Result<IssuedCertificatePEM, any Error>, Int) {
        let transport = ScriptedTransport { _, _ in
            HTTPResponse(status: 201, reason: "Created", headers: [("Content-Type", contentType)], body: Array(body.utf8))
        }
        let client = makeClient(transport)
        let result: Result<IssuedCertificatePEM, any Error>
        do {
            result = .success(try await client.createCertificate(projectID: "5e2211c17a3e5a48f5497de3", username: "CN=app", months: 3))
        } catch {
            result = .failure(error)
        }
        return (result, await transport.count)
    }

    /// The one line `create` prints for `body`, or nil when it would write the PEM.
    static func failureLine(_ body: String, contentType: String = "application/json") async throws -> String? {
        let (result, count) = try await post(body, contentType: contentType)
        #expect(count == 1, "the POST is sent once")
        switch result {
        case .failure(let error):
            #expect(CertificateCreationReport.mayHaveIssued(after: error), "\(error)")
            let reason = (error as? AtlasError)?.message ?? "\(error)"
            return CertificateCreationReport.createUncertain(username: "CN=app", reason: reason)
        case .success(let issued):
            switch IssuedAnswerCheck.check(issued) {
            case .success: return nil
            case .failure(let problem): return CertificateCreationReport.badAnswer(problem, username: "CN=app")
            }
        }
    }

    @Test("Atlas's real answer (certificate then PKCS#8 key) passes, with the serial as ID")
    func goodAnswer() async throws {
        let issued = try Self.issued()
        let (result, _) = try await Self.post(issued.responseBody)
        let details = try IssuedAnswerCheck.check(try result.get()).get()
        #expect(details.id.value == Self.serial)
        #expect(try await Self.failureLine(issued.responseBody) == nil)
        // CRLF line ends and trailing whitespace are PEM too.
        #expect(try await Self.failureLine(issued.responseBody.replacingOccurrences(of: "\n", with: "\r\n")) == nil)
    }

    @Test("a certificate without its private key is a failure naming the issued certificate's ID")
    func noPrivateKey() async throws {
        let issued = try Self.issued()
        let line = try #require(try await Self.failureLine(issued.certificatePEM + "\n"))
        #expect(line.contains("Atlas issued certificate \(CertificateID(Self.serial).decimal)"), "\(line)")
        #expect(line.contains("holds no private key"), "\(line)")
        #expect(line.contains("Nothing was written"))
        #expect(!line.contains("\n"))
        let twoKeys = try #require(try await Self.failureLine(issued.responseBody + issued.privateKeyPEM + "\n"))
        #expect(twoKeys.contains("2 private keys"), "\(twoKeys)")
    }

    @Test("HTML, JSON or text around the PEM: a failure that says a certificate may have been issued",
          arguments: [
            ("<html><body><h1>MongoDB Cloud Manager Unavailable</h1></body></html>", "text/html"),
            (#"{"detail":"ok","results":[]}"#, "application/json"),
            ("", "application/json"),
          ])
    func notPEM(_ body: String, _ contentType: String) async throws {
        let line = try #require(try await Self.failureLine(body, contentType: contentType))
        #expect(line.contains("Atlas may have issued a certificate"), "\(line)")
        #expect(line.contains("atlas-certs list --user"))
        #expect(!line.contains("\n"))
    }

    @Test("a PEM wrapped in HTML or JSON, or followed by text, is refused, with the ID when the certificate can be read")
    func wrappedPEM() async throws {
        let issued = try Self.issued()
        let html = try #require(try await Self.failureLine("<pre>\n" + issued.responseBody + "</pre>\n", contentType: "text/html"))
        #expect(html.contains("not PEM text"), "\(html)")
        #expect(html.contains("Atlas issued certificate \(CertificateID(Self.serial).decimal)"), "\(html)")
        let json = String(data: try JSONEncoder().encode(["pem": issued.responseBody]), encoding: .utf8)!
        let jsonLine = try #require(try await Self.failureLine(json))
        #expect(jsonLine.contains("certificate"), "\(jsonLine)")
        let trailing = try #require(try await Self.failureLine(issued.responseBody + "<!-- proxy -->\n"))
        #expect(trailing.contains("not PEM after a block"), "\(trailing)")
    }

    @Test("a corrupt or cut-short PEM is refused")
    func corruptPEM() async throws {
        let issued = try Self.issued()
        // The key's base64 damaged.
        let keyLines = issued.privateKeyPEM.split(separator: "\n")
        let damagedKey = ([keyLines[0], "@@not*base64@@"] + keyLines[1...]).joined(separator: "\n")
        let damaged = try #require(try await Self.failureLine(issued.certificatePEM + "\n" + damagedKey + "\n"))
        #expect(damaged.contains("corrupt"), "\(damaged)")
        #expect(damaged.contains("Atlas issued certificate \(CertificateID(Self.serial).decimal)"), "\(damaged)")
        // Cut inside the key.
        let body = issued.responseBody
        let cut = try #require(try await Self.failureLine(String(body.prefix(body.count - 40))))
        #expect(cut.contains("cut short") || cut.contains("not terminated"), "\(cut)")
        // The certificate itself corrupt: its ID cannot be known.
        let certificateLines = issued.certificatePEM.split(separator: "\n")
        let badCertificate = ([certificateLines[0], "AAAA"] + certificateLines[2...]).joined(separator: "\n")
        let unreadable = try #require(try await Self.failureLine(badCertificate + "\n" + issued.privateKeyPEM + "\n"))
        #expect(unreadable.contains("A certificate may have been issued (its ID could not be read"), "\(unreadable)")
        // Mislabelled END.
        let mislabelled = issued.responseBody.replacingOccurrences(of: "-----END PRIVATE KEY-----", with: "-----END CERTIFICATE-----")
        #expect(try await Self.failureLine(mislabelled)?.contains("ends under another label") == true)
    }

    @Test("a POST that times out or is reset is reported as possibly issued, and is not retried",
          arguments: [TransportFailure.timeout, .connectionReset, .truncatedBody])
    func postTimesOut(_ failure: TransportFailure) async throws {
        let transport = ScriptedTransport { _, _ in throw TransportError(failure) }
        let client = makeClient(transport)
        let error = await #expect(throws: (any Error).self) {
            _ = try await client.createCertificate(projectID: "5e2211c17a3e5a48f5497de3", username: "CN=app", months: 3)
        }
        #expect(await transport.count == 1, "a POST is never retried")
        let unwrapped = try #require(error)
        #expect(CertificateCreationReport.mayHaveIssued(after: unwrapped))
        let line = CertificateCreationReport.createUncertain(username: "CN=app", reason: (unwrapped as? AtlasError)?.message ?? "\(unwrapped)")
        #expect(line.contains("Atlas may have issued a certificate anyway"))
        #expect(!line.contains("\n"))
    }

    @Test("a 5xx may have issued one; Atlas's 4xx refusals and a refused connection did not")
    func certainty() async throws {
        #expect(CertificateCreationReport.mayHaveIssued(after: AtlasError(kind: .serverError, message: "HTTP 500")))
        #expect(CertificateCreationReport.mayHaveIssued(after: AtlasError(kind: .transport(.timeout), message: "t")))
        #expect(!CertificateCreationReport.mayHaveIssued(after: AtlasError(kind: .badRequest, message: "No certificate was created")))
        #expect(!CertificateCreationReport.mayHaveIssued(after: AtlasError(kind: .transport(.connectionRefused(host: "127.0.0.1")), message: "r")))
        #expect(!CertificateCreationReport.mayHaveIssued(after: AtlasError(kind: .unauthorized, message: "u")))
        let refused = await CreateCertificateTests.createError("ATLAS_GENERATED_CERTS_LIMIT_EXCEEDED")
        #expect(refused.map { CertificateCreationReport.mayHaveIssued(after: $0) } == false)
    }
}

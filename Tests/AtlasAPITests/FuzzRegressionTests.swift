@testable import AtlasAPI
import Testing

/// Inputs the fuzz targets (Fuzz/, docs/fuzzing.md) found, kept as ordinary tests so the
/// fix stays fixed without a fuzzing toolchain.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    /// pem target: a key block between the certificate's BEGIN and END lines was handed to
    /// the X.509 parser as part of "the certificate block alone".
    @Test("a key block inside the certificate block is never passed on as the certificate")
    func keyInsideCertificateBlock() {
        let text = "-----BEGIN CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n-----END CERTIFICATE-----\n"
        let issued = IssuedCertificatePEM(pem: text)
        #expect(issued.certificatePEM == nil)
        guard case .failure(let problem) = IssuedAnswerCheck.check(issued) else {
            Issue.record("the answer was accepted")
            return
        }
        #expect(!problem.reason.contains("PRIVATE KEY"))
        #expect(!problem.reason.contains("AAAA"))
    }

    /// pem target, after the first fix: a key body under a BEGIN line with four dashes.
    @Test("a malformed key block inside the certificate block is not passed on either")
    func malformedKeyInsideCertificateBlock() {
        let text = "-----BEGIN CERTIFICATE-----\n----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY----\n-----END CERTIFICATE-----\n"
        #expect(IssuedCertificatePEM(pem: text).certificatePEM == nil)
    }

    @Test("a certificate block without another block inside is still found")
    func plainCertificateBlock() {
        let text = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nBBBB\n-----END PRIVATE KEY-----\n"
        #expect(IssuedCertificatePEM(pem: text).certificatePEM == "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    }
}

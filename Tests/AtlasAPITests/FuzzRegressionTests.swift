@testable import AtlasAPI
@testable import AtlasSimulator
import Foundation
import Testing

/// Inputs the fuzz targets (Fuzz/, docs/fuzzing.md) found, kept as ordinary tests so the
/// fix stays fixed without a fuzzing toolchain.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    /// sanitizer target (its own invariant, out of date): since a backslash that could read
    /// as an escape is doubled, `sanitize` twice doubles it twice; what must hold is that
    /// `neutralize`, which the canvas and every composed line apply, leaves `sanitize`'s
    /// output as it is and is idempotent. This committed seed broke the old invariant.
    @Test("neutralize leaves sanitize's output alone and is idempotent, backslashes and escapes included")
    func neutralizeOnSanitizedText() {
        let text = "dev\u{1B}]52;c;aGk=\u{07} \u{1B}[2J\r\nname\u{202E}gnp.exe \\x1B C:\\new"
        let safe = TerminalSafe.sanitize(text)
        #expect(TerminalSafe.neutralize(safe) == safe)
        #expect(!safe.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x202E })
        #expect(safe.contains("\\\\x1B"), "the literal backslash before x1B is doubled: \(safe)")
        let neutral = TerminalSafe.neutralize(text)
        #expect(TerminalSafe.neutralize(neutral) == neutral)
        #expect(TerminalSafe.sanitize(safe) != safe, "sanitize is for raw text only: a second pass doubles again")
    }

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

    /// pem target (Fuzz/Findings/pem-swift-crypto-rsa-publickey-abort): a certificate whose
    /// RSA key swift-asn1 accepts but BoringSSL refuses (there, an even modulus) killed the
    /// process: swift-crypto 3's `_RSA.Signing.PublicKey(derRepresentation:)` freed its
    /// EVP_PKEY on the failed parse and again in its deinit (a refcount abort). swift-crypto
    /// 4.5.2 frees it once; the answer is then refused with one line, like any unreadable
    /// certificate. An RSA-2048 certificate from the simulator's CA, its key altered.
    @Test("a certificate whose RSA key BoringSSL refuses is an unreadable answer, not a crash", arguments: [
        "an even modulus", "an even exponent",
    ])
    func refusedRSAKey(alteration: String) throws {
        let issued = try CertificateAuthority(keyType: .rsa2048, now: IssuedCertificateDetailsTests.now)
            .issue(serial: 0x1B6E_BA83_4890_4A92, username: "CN=app", now: IssuedCertificateDetailsTests.now, months: 3)
        var der = try IssuedCertificateDetailsTests.der(issued.certificatePEM)
        // The subject key's modulus (INTEGER of 257 bytes: 0x00 then 256) and exponent
        // (INTEGER 65537); the issued certificate holds no other key, the CA's signature is a
        // BIT STRING.
        let modulus = try #require(Self.offset(of: [0x02, 0x82, 0x01, 0x01, 0x00], in: der))
        let exponent = try #require(Self.offset(of: [0x02, 0x03, 0x01, 0x00, 0x01], in: der))
        if alteration == "an even modulus" {
            der[modulus + 4 + 256] &= 0xFE
        } else {
            der[exponent + 4] = 0x00
        }
        let lines = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        let pem = "-----BEGIN CERTIFICATE-----\n\(lines)\n-----END CERTIFICATE-----\n" + issued.privateKeyPEM + "\n"
        #expect(throws: AtlasError.self) { try IssuedCertificateDetails(certificatePEM: IssuedCertificatePEM(pem: pem).certificatePEM ?? "") }
        guard case .failure(let problem) = IssuedAnswerCheck.check(IssuedCertificatePEM(pem: pem)) else {
            Issue.record("an answer with a refused key was accepted")
            return
        }
        #expect(problem.reason.hasPrefix("the certificate in Atlas's answer cannot be read"), "\(problem.reason)")
        #expect(!problem.reason.contains("\n") && !problem.reason.contains("-----BEGIN"))
        // The same certificate unaltered reads: the alteration is what is refused.
        #expect(try IssuedCertificateDetails(certificatePEM: issued.certificatePEM).id.value == 0x1B6E_BA83_4890_4A92)
    }

    static func offset(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        bytes.indices.first { bytes[$0...].starts(with: needle) }
    }

    /// width target: a spacing mark (U+119DF) at the start of right-aligned text joined the
    /// last padding space, so the padded text was one column short.
    @Test("padding holds when a space would join the text's first or last grapheme", arguments: [
        ("\u{119DF}\u{FFFD}x", true), ("a\u{600}", false), ("\u{0903}ab", true),
    ])
    func paddingHoldsItsWidth(text: String, alignRight: Bool) {
        for width in 4...12 {
            #expect(TextWidth.of(TextFit.padded(text, to: width, alignRight: alignRight)) == width, "\(width)")
        }
    }

    /// config target: toml++ asserts (aborts) on a table header whose key starts with
    /// another character; it must be one "not valid TOML" line naming the position.
    @Test("a table header starting with a comma is a syntax error, not an abort", arguments: [
        "version = 2\n[,efault]\norg_id = \"x\"\n", "[[ ,a]]\n", "a = 1\n  [ {x]\n", "[=]\n",
    ])
    func tomlHeaderTypo(text: String) {
        #expect(TOMLReading.unparsableHeader(in: text) != nil)
        #expect(throws: TOMLReading.SyntaxError.self) { _ = try TOMLReading.table(text) }
    }

    @Test("lines that start with a bracket inside values, strings and comments are not headers", arguments: [
        "a = [\n  [1, 2],\n  [ {x = 1} ],\n]\n", "s = \"\"\"\n[,x]\n\"\"\"\n", "# [,x]\n[ok]\nb = 'it\\s'\n",
        "[\"quoted key\"]\nx = 1\n[[arr]]\n[ spaced . key ]\n",
    ])
    func tomlValuesAreNotHeaders(text: String) throws {
        #expect(TOMLReading.unparsableHeader(in: text) == nil)
        _ = try TOMLReading.table(text)
    }

    @Test("the Atlas CLI config reader says which file and where, for the fuzzer's input")
    func configTypoMessage() {
        let error = #expect(throws: AtlasError.self) {
            _ = try AtlasCLIConfig.parse("version = 2\n[,efault]\npublic_api_key = \"k\"\n", path: "/x/config.toml")
        }
        #expect(error?.message.hasPrefix("The Atlas CLI config file /x/config.toml is not valid TOML (line 2, column 2)") == true, "\(error?.message ?? "")")
    }
}

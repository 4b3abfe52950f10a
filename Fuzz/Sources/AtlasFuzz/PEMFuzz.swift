@_spi(Fuzzing) import AtlasAPI

/// The PEM splitter and checker of Atlas's answer to create: the block labels, the
/// certificate block on its own, and the whole check, which never lets a refusal reason
/// carry any of the PEM.
enum PEMFuzz {
    static func run(_ bytes: [UInt8]) {
        let text = bytes.text
        let labels = ParserEntryPoints.pemBlockLabels(text)
        if case .success(let found) = labels {
            Invariant.require(!found.isEmpty, "success with no blocks")
            Invariant.require(found.allSatisfy { !$0.isEmpty }, "a block with an empty label")
        }
        let issued = ParserEntryPoints.issuedCertificatePEM(text)
        if let certificate = issued.certificatePEM {
            Invariant.require(certificate.hasPrefix("-----BEGIN CERTIFICATE-----"), "the certificate block does not start with BEGIN")
            // Nothing but the block's own BEGIN and END lines: no other block's line inside.
            let body = certificate.dropFirst("-----BEGIN CERTIFICATE-----".count).dropLast("-----END CERTIFICATE-----\n".count)
            Invariant.require(!body.contains("-"), "the certificate block holds another block's line: \(certificate.prefix(160).debugDescription)")
        }
        switch IssuedAnswerCheck.check(issued) {
        case .success(let details):
            Invariant.require((try? labels.get())?.first == "CERTIFICATE", "accepted without a leading certificate block")
            Invariant.requireTerminalSafe(TerminalSafe.sanitize(details.subject), "the subject")
        case .failure(let problem):
            Invariant.require(!problem.reason.isEmpty, "an empty reason")
            Invariant.require(!problem.reason.contains("-----BEGIN"), "the reason quotes PEM")
            Invariant.requireTerminalSafe(problem.reason, "the reason")
        }
    }
}

@_spi(Fuzzing) import AtlasAPI

/// The Digest challenge parser: each input line is one `WWW-Authenticate` header value.
enum DigestFuzz {
    static func run(_ bytes: [UInt8]) {
        let lines = bytes.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let joined = lines.joined(separator: ", ")
        let challenge = DigestChallenge.parse(joined)
        // Reading the header lines one by one must agree with reading them joined.
        Invariant.require(ParserEntryPoints.digestChallenge(lines) == challenge, "per-line and joined parses differ")

        let syntax = ParserEntryPoints.digestChallengeSyntax(joined)
        for (_, parameters) in syntax {
            for (name, _) in parameters {
                Invariant.require(name == name.lowercased(), "parameter name \(name.debugDescription) is not lower-cased")
            }
        }
        if let challenge {
            Invariant.require(!challenge.nonce.isEmpty, "a challenge with an empty nonce was accepted")
            Invariant.require(syntax.contains { $0.scheme.lowercased() == "digest" }, "a challenge without a Digest scheme")
            Invariant.require(challenge.qopOptions.allSatisfy { !$0.isEmpty && $0 == $0.lowercased() }, "qop options not lower-cased")
        } else {
            let reason = ParserEntryPoints.digestUnanswerableReason(lines)
            Invariant.require(!reason.isEmpty, "no reason for an unanswerable challenge")
        }
    }
}

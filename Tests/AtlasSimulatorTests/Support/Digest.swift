import Foundation

/// The test's own view of a digest challenge and how to answer it.
struct DigestChallenge: Equatable {
    /// Parameter names in the order the server sent them.
    var names: [String]
    var values: [String: String]
    /// Whether each value was quoted.
    var quoted: [String: Bool]

    var nonce: String { values["nonce"] ?? "" }
    var stale: Bool { values["stale"] == "true" }

    /// Parses `Digest a="b", c=d` as Atlas sends it (values never contain `", "`).
    static func parse(_ header: String?) -> DigestChallenge? {
        guard let header, header.hasPrefix("Digest ") else { return nil }
        var challenge = DigestChallenge(names: [], values: [:], quoted: [:])
        for part in header.dropFirst("Digest ".count).components(separatedBy: ", ") {
            guard let equals = part.firstIndex(of: "=") else { return nil }
            let name = String(part[..<equals])
            var value = String(part[part.index(after: equals)...])
            let isQuoted = value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2
            if isQuoted { value = String(value.dropFirst().dropLast()) }
            challenge.names.append(name)
            challenge.values[name] = value
            challenge.quoted[name] = isQuoted
        }
        return challenge
    }
}

enum DigestSigner {
    /// The `Authorization` value for one request (MD5, qop=auth), computed with the
    /// test's own MD5.
    static func authorization(
        method: String, uri: String, nonce: String, nc: Int, cnonce: String = "0a4f113b0a4f113b",
        username: String, password: String, realm: String = "MMS Public API", responseOverride: String? = nil
    ) -> String {
        let ncText = String(format: "%08x", nc)
        let ha1 = MD5.hex("\(username):\(realm):\(password)")
        let ha2 = MD5.hex("\(method):\(uri)")
        let response = responseOverride ?? MD5.hex("\(ha1):\(nonce):\(ncText):\(cnonce):auth:\(ha2)")
        return "Digest username=\"\(username)\", realm=\"\(realm)\", nonce=\"\(nonce)\", uri=\"\(uri)\", "
            + "response=\"\(response)\", algorithm=\"MD5\", qop=auth, nc=\(ncText), cnonce=\"\(cnonce)\""
    }
}

import Crypto

/// The answer to a Digest challenge for one request: the `response` hash and the whole
/// `Authorization` header value. Neither contains the password.
public struct DigestAuthorization: Sendable, Equatable {
    /// Lower-case hex digest (RFC 7616 §3.4.1).
    public var response: String
    /// `Digest username="…", realm="…", nonce="…", uri="…", response="…", algorithm=…, …`
    public var headerValue: String
    /// `auth`, or nil when the server offered no `qop` this client answers (RFC 2069 form).
    public var qop: String?
}

extension DigestChallenge {
    /// Answers this challenge for one request. Pure: the same inputs give the same header.
    ///
    /// Only `qop=auth` is answered: `auth-int` would hash the body, which nothing in
    /// atlas-certs needs, so a server offering only `auth-int` (or no `qop`) gets the
    /// RFC 2069 form without `qop`, `nc` and `cnonce`.
    ///
    /// - Parameters:
    ///   - uri: the request-target exactly as sent, path and query (`/api/atlas/v2/groups?pageNum=2`).
    ///   - nonceCount: how many times this nonce has been used, this request included (1 for the first).
    ///   - cnonce: the client nonce; also used by the `-sess` algorithms when there is no `qop`.
    public func authorization(username: String, password: Secret, method: String, uri: String,
                              nonceCount: UInt32, cnonce: String) -> DigestAuthorization {
        let hash = algorithm.hexDigest
        let qop: String? = qopOptions.contains("auth") ? "auth" : nil
        let nc = Self.formatNonceCount(nonceCount)

        var ha1 = password.withValue { hash("\(username):\(realm):\($0)") }
        if algorithm.isSession {
            ha1 = hash("\(ha1):\(nonce):\(cnonce)")
        }
        let ha2 = hash("\(method):\(uri)")
        let response = qop == nil
            ? hash("\(ha1):\(nonce):\(ha2)")
            : hash("\(ha1):\(nonce):\(nc):\(cnonce):auth:\(ha2)")

        let shownUsername = userhash ? hash("\(username):\(realm)") : username
        var parts = [
            "username=\(Self.quoted(shownUsername))",
            "realm=\(Self.quoted(realm))",
            "nonce=\(Self.quoted(nonce))",
            "uri=\(Self.quoted(uri))",
            "response=\(Self.quoted(response))",
            "algorithm=\(algorithm.rawValue)",
        ]
        if qop != nil {
            parts += ["qop=auth", "nc=\(nc)", "cnonce=\(Self.quoted(cnonce))"]
        } else if algorithm.isSession {
            // The server needs the cnonce to recompute a -sess A1 even without qop.
            parts.append("cnonce=\(Self.quoted(cnonce))")
        }
        if let opaque { parts.append("opaque=\(Self.quoted(opaque))") }
        if userhash { parts.append("userhash=true") }
        return DigestAuthorization(response: response, headerValue: "Digest " + parts.joined(separator: ", "), qop: qop)
    }

    /// Eight lower-case hex digits, as RFC 7616 §3.4 requires for `nc`.
    static func formatNonceCount(_ count: UInt32) -> String {
        let hex = String(count, radix: 16)
        return String(repeating: "0", count: max(0, 8 - hex.count)) + hex
    }

    /// A quoted-string: `"` and `\` escaped (RFC 9110 §5.6.4).
    static func quoted(_ value: String) -> String {
        var out = "\""
        for character in value {
            if character == "\"" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out + "\""
    }
}

extension DigestChallenge.Algorithm {
    /// H(data) of RFC 7616 §3.4.1 as lower-case hex of the UTF-8 bytes.
    var hexDigest: @Sendable (String) -> String {
        switch self {
        case .md5, .md5Session: { DigestHex.encode(Insecure.MD5.hash(data: Array($0.utf8))) }
        case .sha256, .sha256Session: { DigestHex.encode(SHA256.hash(data: Array($0.utf8))) }
        }
    }
}

/// Lower-case hex, for digests and client nonces.
enum DigestHex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

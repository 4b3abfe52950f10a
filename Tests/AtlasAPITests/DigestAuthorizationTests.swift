@testable import AtlasAPI
import Testing

/// RFC 7616 §3.9.1 worked example; the -sess, RFC 2069, nc and userhash values were computed
/// independently (Python hashlib) from the same inputs.
@Suite("Answering Digest challenges (RFC 7616)")
struct DigestAuthorizationTests {
    static let nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
    static let cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
    static let opaque = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
    static let password = Secret("Circle of Life")

    static func challenge(_ algorithm: DigestChallenge.Algorithm, qop: [String] = ["auth"], userhash: Bool = false) -> DigestChallenge {
        DigestChallenge(realm: "http-auth@example.org", nonce: nonce, qopOptions: qop, algorithm: algorithm, opaque: opaque, userhash: userhash)
    }

    static func answer(_ challenge: DigestChallenge, nc: UInt32 = 1) -> DigestAuthorization {
        challenge.authorization(username: "Mufasa", password: password, method: "GET", uri: "/dir/index.html", nonceCount: nc, cnonce: cnonce)
    }

    @Test("RFC 7616 §3.9.1 response values", arguments: [
        (DigestChallenge.Algorithm.md5, "8ca523f5e9506fed4657c9700eebdbec"),
        (.sha256, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
        (.md5Session, "e783283f46242139c486a698fec7211d"),
        (.sha256Session, "2fd51b3a77ad75bad6afad6003e818d767133c46d9e2749e7f5232ae1ea3efd7"),
    ])
    func rfcVectors(_ algorithm: DigestChallenge.Algorithm, _ expected: String) {
        let answer = Self.answer(Self.challenge(algorithm))
        #expect(answer.response == expected)
        #expect(answer.qop == "auth")
        #expect(answer.headerValue.contains("algorithm=\(algorithm.rawValue),"))
    }

    @Test("the whole MD5 header, in the order the Go clients send")
    func md5Header() {
        let answer = Self.answer(Self.challenge(.md5))
        #expect(answer.headerValue == #"Digest username="Mufasa", realm="http-auth@example.org", nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", uri="/dir/index.html", response="8ca523f5e9506fed4657c9700eebdbec", algorithm=MD5, qop=auth, nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#)
        #expect(!answer.headerValue.contains("Circle of Life"))
    }

    @Test("no opaque parameter when the server sent none (as Atlas does)")
    func withoutOpaque() {
        var challenge = Self.challenge(.md5)
        challenge.opaque = nil
        let header = Self.answer(challenge).headerValue
        #expect(!header.contains("opaque"))
        #expect(header.hasSuffix(#"cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ""#))
    }

    @Test("the nonce count changes the response and is eight hex digits")
    func nonceCount() {
        let second = Self.answer(Self.challenge(.md5), nc: 2)
        #expect(second.response == "4b5d595ecf2db9df612ea5b45cd97101")
        #expect(second.headerValue.contains("nc=00000002,"))
        #expect(Self.answer(Self.challenge(.sha256), nc: 2).response == "8c8db27f49ff1c202f9fb49fa9d2e9eabf078dcc93db40dfd6527010091d1c8e")
        #expect(DigestChallenge.formatNonceCount(0x1ff) == "000001ff")
        #expect(DigestChallenge.formatNonceCount(.max) == "ffffffff")
    }

    @Test("only auth-int or no qop: the RFC 2069 form", arguments: [[String](), ["auth-int"]])
    func rfc2069(_ qop: [String]) {
        let md5 = Self.answer(Self.challenge(.md5, qop: qop))
        #expect(md5.response == "7b2cc3b30e75b4777ea31027084363fd")
        #expect(md5.qop == nil)
        #expect(!md5.headerValue.contains("qop=") && !md5.headerValue.contains("nc=") && !md5.headerValue.contains("cnonce="))
        #expect(Self.answer(Self.challenge(.sha256, qop: qop)).response == "a1306b0595a6c7fe96c448631fb5cfbd5107bd1fe1da729d978dd7446b812363")
    }

    @Test("auth is chosen when offered beside auth-int")
    func prefersAuth() {
        #expect(Self.answer(Self.challenge(.md5, qop: ["auth-int", "auth"])).response == "8ca523f5e9506fed4657c9700eebdbec")
    }

    @Test("userhash sends H(username:realm) and leaves the response alone")
    func userhash() {
        let answer = Self.answer(Self.challenge(.md5, userhash: true))
        #expect(answer.headerValue.hasPrefix(#"Digest username="4238f3a16167373febb9bc4d43db9cc4", "#))
        #expect(answer.headerValue.hasSuffix("userhash=true"))
        #expect(answer.response == "8ca523f5e9506fed4657c9700eebdbec")
    }

    @Test("quotes in values are escaped; the query string is part of uri")
    func quoting() {
        let challenge = DigestChallenge(realm: #"a "b""#, nonce: "n")
        let header = challenge.authorization(username: #"x\y"#, password: Secret("p"), method: "GET",
                                             uri: "/api/atlas/v2/groups?pageNum=2&itemsPerPage=500", nonceCount: 1, cnonce: "c").headerValue
        #expect(header.contains(#"username="x\\y""#))
        #expect(header.contains(#"realm="a \"b\"""#))
        #expect(header.contains(#"uri="/api/atlas/v2/groups?pageNum=2&itemsPerPage=500""#))
    }

    @Test("the default client nonce is 16 random bytes in hex")
    func randomCnonce() {
        let first = DigestAuthorizer.randomCnonce()
        #expect(first.count == 32)
        #expect(first.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(first != DigestAuthorizer.randomCnonce())
    }
}

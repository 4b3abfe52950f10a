@testable import AtlasAPI
import Foundation
import Testing

@Suite("Parsing Digest challenges")
struct DigestChallengeTests {
    static let atlasHeader = #"Digest realm="MMS Public API", domain="", nonce="669gyxpgL6MGDuSZvQ80Spv3k+Jc99ed", algorithm=MD5, qop="auth", stale=false"#

    @Test("the exact Atlas challenge")
    func atlasChallenge() throws {
        let challenge = try #require(DigestChallenge.parse(Self.atlasHeader))
        #expect(challenge == DigestChallenge(realm: "MMS Public API", nonce: "669gyxpgL6MGDuSZvQ80Spv3k+Jc99ed",
                                             qopOptions: ["auth"], algorithm: .md5, opaque: nil, stale: false,
                                             domain: [], charset: nil, userhash: false))
    }

    /// The 401 first legs Atlas sent to the Atlas CLI, read from ../shared at test time.
    @Test("every recorded Atlas challenge parses",
          .enabled(if: SharedData.isAvailable, "../shared/atlas-recordings not found: recorded challenges not checked"))
    func recordedChallenges() throws {
        let directory = SharedData.recordings
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".snaphost") }
        var parsed: [String: DigestChallenge] = [:]
        for name in names {
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            let headerLines = text.components(separatedBy: .newlines)
                .prefix(while: { !$0.isEmpty })
                .filter { $0.lowercased().hasPrefix("www-authenticate:") }
            for line in headerLines {
                let value = String(line.dropFirst("www-authenticate:".count)).trimmingCharacters(in: .whitespaces)
                let challenge = try #require(DigestChallenge.parse(value), "\(name)")
                parsed[name] = challenge
            }
        }
        #expect(parsed.count >= 3)
        for (name, challenge) in parsed {
            #expect(challenge.realm == "MMS Public API", "\(name)")
            #expect(challenge.algorithm == .md5 && challenge.qopOptions == ["auth"], "\(name)")
            #expect(!challenge.stale && challenge.domain.isEmpty && challenge.opaque == nil, "\(name)")
            #expect(challenge.nonce.count == 32, "\(name)")
        }
        let invalidPrivateKey = try #require(parsed.first(where: { $0.key.contains("Invalid_Private_Key") })?.value)
        #expect(invalidPrivateKey.nonce == "669gyxpgL6MGDuSZvQ80Spv3k+Jc99ed")
    }

    @Test("unquoted values keep base64 characters")
    func unquoted() throws {
        let challenge = try #require(DigestChallenge.parse("Digest realm=atlas, nonce=ab/c+d==, qop=auth, algorithm=SHA-256, stale=TRUE"))
        #expect(challenge.realm == "atlas")
        #expect(challenge.nonce == "ab/c+d==")
        #expect(challenge.qopOptions == ["auth"])
        #expect(challenge.algorithm == .sha256)
        #expect(challenge.stale)
    }

    @Test("commas inside quoted strings and several qop options")
    func commasInQuotes() throws {
        let challenge = try #require(DigestChallenge.parse(#"Digest realm="a, b", nonce="n,1", qop="auth-int, auth", opaque="x,y""#))
        #expect(challenge.realm == "a, b")
        #expect(challenge.nonce == "n,1")
        #expect(challenge.qopOptions == ["auth-int", "auth"])
        #expect(challenge.opaque == "x,y")
    }

    @Test("escaped quotes and backslashes")
    func escapes() throws {
        let challenge = try #require(DigestChallenge.parse(#"Digest realm="say \"hi\" \\ ok", nonce="n""#))
        #expect(challenge.realm == #"say "hi" \ ok"#)
    }

    @Test("domain lists and the empty domain")
    func domains() throws {
        #expect(DigestChallenge.parse(#"Digest realm="r", domain="", nonce="n""#)?.domain == [])
        #expect(DigestChallenge.parse(#"Digest realm="r", domain="/api /other", nonce="n""#)?.domain == ["/api", "/other"])
    }

    @Test("parameter names, the scheme and flags in any case")
    func caseInsensitive() throws {
        let challenge = try #require(DigestChallenge.parse(
            #"digest REALM="r", Nonce="n", ALGORITHM=md5-SESS, QOP="AUTH", Stale=True, UserHash=TRUE, Charset=UTF-8, Opaque="o""#))
        #expect(challenge == DigestChallenge(realm: "r", nonce: "n", qopOptions: ["auth"], algorithm: .md5Session,
                                             opaque: "o", stale: true, domain: [], charset: "UTF-8", userhash: true))
    }

    @Test("MD5 when no algorithm is named; no qop is an empty list")
    func defaults() throws {
        let challenge = try #require(DigestChallenge.parse(#"Digest realm="r", nonce="n""#))
        #expect(challenge.algorithm == .md5)
        #expect(challenge.qopOptions.isEmpty)
        #expect(!challenge.stale && !challenge.userhash)
    }

    @Test("the Digest challenge among other schemes", arguments: [
        #"Basic realm="x", Digest realm="r", nonce="n", qop="auth""#,
        #"Negotiate YWJj/ZGVm==, Digest realm="r", nonce="n", qop="auth""#,
        #"Bearer realm="x", error="invalid_token", Digest realm="r", nonce="n", qop="auth", Basic realm="y""#,
        #"Digest realm="r", nonce="n", qop="auth", Basic realm="y", charset="UTF-8""#,
    ])
    func severalSchemes(_ header: String) throws {
        let challenge = try #require(DigestChallenge.parse(header))
        #expect(challenge.realm == "r")
        #expect(challenge.nonce == "n")
        #expect(challenge.charset == nil)
    }

    @Test("the strongest supported algorithm wins; among equals, the first")
    func strongest() throws {
        let header = #"Digest realm="r", nonce="md5", algorithm=MD5, Digest realm="r", nonce="sha", algorithm=SHA-256, Digest realm="r", nonce="sha-sess", algorithm=SHA-256-sess"#
        #expect(DigestChallenge.parse(header)?.nonce == "sha")
        let unsupported = #"Digest realm="r", nonce="512", algorithm=SHA-512-256, Digest realm="r", nonce="md5", algorithm=MD5"#
        #expect(DigestChallenge.parse(unsupported)?.nonce == "md5")
    }

    @Test("no usable challenge", arguments: [
        "",
        #"Basic realm="x""#,
        #"Digest realm="r""#,
        #"Digest nonce="n""#,
        #"Digest realm="r", nonce="""#,
        #"Digest realm="r", nonce="n", algorithm=SHA-512-256"#,
        #"realm="r", nonce="n""#,
    ])
    func unusable(_ header: String) {
        #expect(DigestChallenge.parse(header) == nil)
    }

    @Test("several WWW-Authenticate lines of one response are read together")
    func severalHeaderLines() throws {
        let response = HTTPResponse(status: 401, headers: [
            ("WWW-Authenticate", #"Basic realm="x""#),
            ("www-authenticate", #"Digest realm="r", nonce="n", algorithm=SHA-256, qop="auth""#),
        ])
        #expect(DigestChallenge.parse(response)?.algorithm == .sha256)
        #expect(DigestChallenge.parse(HTTPResponse(status: 401)) == nil)
    }
}

import Foundation

/// A Digest challenge from a `WWW-Authenticate` header (RFC 7616 §3.3).
///
/// Atlas sends exactly
/// `Digest realm="MMS Public API", domain="", nonce="…", algorithm=MD5, qop="auth", stale=false`,
/// but the parser accepts what other servers and proxies send too, so a simulator or an
/// Ops Manager in front of it does not break authentication.
public struct DigestChallenge: Sendable, Equatable {
    /// The hash algorithms of RFC 7616 §3.3 this client can answer.
    public enum Algorithm: String, Sendable, Equatable, CaseIterable {
        case md5 = "MD5"
        case md5Session = "MD5-sess"
        case sha256 = "SHA-256"
        case sha256Session = "SHA-256-sess"

        /// Matches the token case-insensitively, as RFC 7616 says algorithm names are.
        public init?(token: String) {
            guard let match = Self.allCases.first(where: { $0.rawValue.caseInsensitiveCompare(token) == .orderedSame }) else {
                return nil
            }
            self = match
        }

        /// The `-sess` variants hash the client nonce into A1 (RFC 7616 §3.4.2).
        public var isSession: Bool { self == .md5Session || self == .sha256Session }

        /// Used to choose among several challenges: any SHA-256 beats any MD5.
        var strength: Int { self == .sha256 || self == .sha256Session ? 2 : 1 }
    }

    public var realm: String
    public var nonce: String
    /// The `qop` options offered, lower-cased (`["auth"]`, `["auth", "auth-int"]`); empty
    /// for an RFC 2069 server that sends no `qop`.
    public var qopOptions: [String]
    /// MD5 when the server names none, as RFC 7616 §3.3 says.
    public var algorithm: Algorithm
    public var opaque: String?
    /// True when the server rejected the previous nonce only for its age: the password was right.
    public var stale: Bool
    /// The protection space URIs; empty for `domain=""` or no domain.
    public var domain: [String]
    public var charset: String?
    /// True when the server wants the username hashed (RFC 7616 §3.4.4).
    public var userhash: Bool

    public init(realm: String, nonce: String, qopOptions: [String] = ["auth"], algorithm: Algorithm = .md5,
                opaque: String? = nil, stale: Bool = false, domain: [String] = [], charset: String? = nil,
                userhash: Bool = false) {
        self.realm = realm
        self.nonce = nonce
        self.qopOptions = qopOptions
        self.algorithm = algorithm
        self.opaque = opaque
        self.stale = stale
        self.domain = domain
        self.charset = charset
        self.userhash = userhash
    }

    /// The usable Digest challenge in a `WWW-Authenticate` value, or nil.
    ///
    /// Other schemes in the same header (`Basic`, `Bearer`, `Negotiate`) are skipped, as
    /// are Digest challenges without a realm or nonce or with an algorithm this client does
    /// not implement. When several remain, the strongest algorithm wins, and among equals
    /// the server's first (RFC 7616 §3.7: servers list challenges in preference order).
    /// Several `WWW-Authenticate` header lines can be joined with ", " and parsed at once.
    public static func parse(_ wwwAuthenticate: String) -> DigestChallenge? {
        let candidates = DigestHeaderSyntax.challenges(in: wwwAuthenticate)
            .filter { $0.scheme.caseInsensitiveCompare("Digest") == .orderedSame }
            .compactMap(DigestChallenge.init(syntax:))
        var best: DigestChallenge?
        for candidate in candidates where candidate.algorithm.strength > (best?.algorithm.strength ?? 0) {
            best = candidate
        }
        return best
    }

    /// The challenge in a 401 response, reading every `WWW-Authenticate` line.
    static func parse(_ response: HTTPResponse) -> DigestChallenge? {
        let lines = response.headers(named: "WWW-Authenticate")
        return lines.isEmpty ? nil : parse(lines.joined(separator: ", "))
    }

    /// Why a 401 offers no challenge this client can answer, as a clause for a message:
    /// no `WWW-Authenticate` at all, an empty one, only other schemes (`Basic`), or Digest
    /// with an algorithm not implemented here or without a realm or nonce. Server text is
    /// shortened; `AtlasError` makes it safe for the terminal.
    static func unanswerableReason(_ response: HTTPResponse) -> String {
        let lines = response.headers(named: "WWW-Authenticate")
        guard !lines.isEmpty else { return "the 401 carries no WWW-Authenticate header" }
        let challenges = DigestHeaderSyntax.challenges(in: lines.joined(separator: ", "))
        guard !challenges.isEmpty else { return "the WWW-Authenticate header is empty" }
        func short(_ text: String) -> String { text.count > 40 ? String(text.prefix(40)) + "…" : text }
        let digests = challenges.filter { $0.scheme.caseInsensitiveCompare("Digest") == .orderedSame }
        guard !digests.isEmpty else {
            var schemes: [String] = []
            for scheme in challenges.map({ short($0.scheme) }) where !schemes.contains(scheme) { schemes.append(scheme) }
            return "it offers only \(schemes.joined(separator: ", ")), not Digest"
        }
        let algorithms = digests.compactMap { $0.value("algorithm") }.filter { Algorithm(token: $0) == nil }
        if !algorithms.isEmpty {
            return "Digest with algorithm \(algorithms.map(short).joined(separator: ", ")), which atlas-certs does not implement (it answers "
                + Algorithm.allCases.map(\.rawValue).joined(separator: ", ") + ")"
        }
        return "its Digest challenge lacks a realm or nonce"
    }

    private init?(syntax: DigestHeaderSyntax.Challenge) {
        guard let realm = syntax.value("realm"), let nonce = syntax.value("nonce"), !nonce.isEmpty else { return nil }
        var algorithm = Algorithm.md5
        if let token = syntax.value("algorithm") {
            guard let known = Algorithm(token: token) else { return nil }
            algorithm = known
        }
        func flag(_ name: String) -> Bool {
            syntax.value(name)?.caseInsensitiveCompare("true") == .orderedSame
        }
        self.init(
            realm: realm,
            nonce: nonce,
            qopOptions: (syntax.value("qop") ?? "")
                .split(separator: ",")
                .map { $0.trimmingWhitespace().lowercased() }
                .filter { !$0.isEmpty },
            algorithm: algorithm,
            opaque: syntax.value("opaque"),
            stale: flag("stale"),
            domain: (syntax.value("domain") ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init),
            charset: syntax.value("charset"),
            userhash: flag("userhash")
        )
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}

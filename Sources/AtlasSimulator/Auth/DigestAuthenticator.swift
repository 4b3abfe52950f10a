import Crypto
import Foundation

/// HTTP Digest (RFC 7616 subset) exactly as Atlas offers it: realm "MMS Public API",
/// MD5, `qop="auth"`, an empty `domain`, no `opaque`, 32-character base64 nonces.
///
/// This is a separate implementation from the client's on purpose: if both sides
/// shared code, a bug in it would pass every test.
///
/// Nonces may be reused with any `nc` not yet seen for that nonce, in any order, because
/// concurrent requests from one client reach the server out of order. After
/// `nonceLifetime` a nonce is stale: a correctly signed request gets a new challenge with
/// `stale=true`, which tells a client to retry with the new nonce without asking for
/// credentials. A wrong signature, user, realm or `uri` gets `stale=false`.
final class DigestAuthenticator: Sendable {
    static let realm = "MMS Public API"

    /// The body Atlas sends with every challenge (Jackson's pretty printer, verbatim).
    static let challengeBody = """
        {
          "error" : 401,
          "reason" : "Unauthorized",
          "detail" : "You are not authorized for this resource.",
          "errorCode" : "UNEXPECTED_ERROR"
        }
        """

    enum Outcome: Equatable {
        case accepted
        case rejected(stale: Bool)
    }

    private struct NonceRecord {
        var issued: Date
        var usedCounts: Set<UInt32>
    }

    private let publicKey: String
    private let privateKey: String
    private let lifetime: TimeInterval
    private struct NonceTable {
        var records: [String: NonceRecord] = [:]
        var issuedSincePrune = 0
    }

    private let nonces = Locked(NonceTable())

    init(publicKey: String, privateKey: String, lifetime: TimeInterval) {
        self.publicKey = publicKey
        self.privateKey = privateKey
        self.lifetime = lifetime
    }

    /// A fresh `Www-Authenticate` value; the nonce is remembered from `now`.
    func challenge(stale: Bool, now: Date) -> String {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<24).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let nonce = Data(bytes).base64EncodedString()
        let lifetime = lifetime
        nonces.withLock { table in
            // A client that challenges on every call (the Go digest library does) creates
            // a nonce per request; forgetting expired ones every 1,024 challenges keeps the
            // table bounded at amortised constant cost.
            table.issuedSincePrune += 1
            if table.issuedSincePrune >= 1_024 {
                table.records = table.records.filter { now.timeIntervalSince($0.value.issued) <= lifetime }
                table.issuedSincePrune = 0
            }
            table.records[nonce] = NonceRecord(issued: now, usedCounts: [])
        }
        return "Digest realm=\"\(Self.realm)\", domain=\"\", nonce=\"\(nonce)\", algorithm=MD5, qop=\"auth\", stale=\(stale)"
    }

    /// Checks the parameters of a `Digest` Authorization header for `method` and `target`.
    func verify(parameters text: Substring, method: String, target: String, now: Date) -> Outcome {
        guard let fields = Self.parseParameters(text),
              fields["username"] == publicKey, fields["realm"] == Self.realm, fields["uri"] == target,
              (fields["algorithm"]?.uppercased() ?? "MD5") == "MD5", fields["qop"] == "auth",
              let nonce = fields["nonce"], let ncText = fields["nc"], ncText.utf8.count == 8,
              let nc = UInt32(ncText, radix: 16), let cnonce = fields["cnonce"], !cnonce.isEmpty,
              let response = fields["response"]
        else { return .rejected(stale: false) }
        let ha1 = Self.md5Hex("\(publicKey):\(Self.realm):\(privateKey)")
        let ha2 = Self.md5Hex("\(method):\(target)")
        let expected = Self.md5Hex("\(ha1):\(nonce):\(ncText):\(cnonce):auth:\(ha2)")
        guard response.lowercased() == expected else { return .rejected(stale: false) }
        let lifetime = lifetime
        return nonces.withLock { table in
            // Signed correctly with a nonce we no longer know (expired and pruned, or from
            // before a restart): the credentials are right, so ask for a retry.
            guard var record = table.records[nonce] else { return .rejected(stale: true) }
            if now.timeIntervalSince(record.issued) > lifetime { return .rejected(stale: true) }
            // A repeated nc is a replay, not staleness.
            guard record.usedCounts.insert(nc).inserted else { return .rejected(stale: false) }
            table.records[nonce] = record
            return .accepted
        }
    }

    static func md5Hex(_ text: String) -> String {
        Insecure.MD5.hash(data: Data(text.utf8)).map { hex(UInt64($0), digits: 2) }.joined()
    }

    /// Parses `name=value, name="quoted, value"` lists; nil if malformed.
    static func parseParameters(_ text: Substring) -> [String: String]? {
        var fields: [String: String] = [:]
        var characters = Array(text)[...]
        func skipSeparators() {
            while let first = characters.first, first == " " || first == "," || first == "\t" { characters.removeFirst() }
        }
        skipSeparators()
        while !characters.isEmpty {
            guard let equals = characters.firstIndex(of: "=") else { return nil }
            let name = String(characters[..<equals]).trimmingCharacters(in: .whitespaces).lowercased()
            characters = characters[characters.index(after: equals)...]
            var value = ""
            if characters.first == "\"" {
                characters.removeFirst()
                var closed = false
                while let character = characters.popFirst() {
                    if character == "\\", let escaped = characters.popFirst() {
                        value.append(escaped)
                    } else if character == "\"" {
                        closed = true
                        break
                    } else {
                        value.append(character)
                    }
                }
                guard closed else { return nil }
            } else {
                while let character = characters.first, character != "," {
                    value.append(character)
                    characters.removeFirst()
                }
                value = value.trimmingCharacters(in: .whitespaces)
            }
            guard !name.isEmpty else { return nil }
            fields[name] = value
            skipSeparators()
        }
        return fields
    }
}

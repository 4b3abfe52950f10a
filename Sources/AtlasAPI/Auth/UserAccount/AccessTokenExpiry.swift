import Foundation

/// The `exp` claim of a browser-login access token (a JWT), read without verifying the
/// signature: it only decides whether to refresh before the first request. The token is
/// untrusted input; a malformed one gives a `Failure` that never contains the token.
public enum AccessTokenExpiry {
    /// Why the token's expiry could not be read. Descriptions name the problem, never the token.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case notThreeParts
        case payloadNotBase64URL
        case payloadNotJSONObject
        case noExpClaim
        case expNotANumber

        public var description: String {
            switch self {
            case .notThreeParts: "the access token is not a JWT (expected three dot-separated parts)"
            case .payloadNotBase64URL: "the access token's payload is not base64url"
            case .payloadNotJSONObject: "the access token's payload is not a JSON object"
            case .noExpClaim: "the access token has no exp claim"
            case .expNotANumber: "the access token's exp claim is not a finite number of seconds"
            }
        }
    }

    /// Tokens longer than this are refused before decoding (a JWT from Atlas is ~1-2 KB).
    static let maximumLength = 64 * 1024

    /// The instant in `token`'s `exp` claim.
    public static func expiry(of token: Secret) throws(Failure) -> Date {
        let result: Result<Date, Failure> = token.withValue { value in
            Result { () throws(Failure) -> Date in try expiry(ofValue: value) }
        }
        return try result.get()
    }

    /// Whether `token` must be refreshed at `now`: its `exp` is past or within `margin`.
    /// A token whose expiry cannot be read counts as expired only through the thrown error.
    public static func needsRefresh(_ token: Secret, now: Date, margin: TimeInterval = 60) throws(Failure) -> Bool {
        try expiry(of: token).timeIntervalSince(now) <= margin
    }

    static func expiry(ofValue value: String) throws(Failure) -> Date {
        guard value.utf8.count <= maximumLength else { throw .notThreeParts }
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[1].isEmpty else { throw .notThreeParts }
        guard let payload = decodeBase64URL(parts[1]) else { throw .payloadNotBase64URL }
        let claims: Claims
        do {
            claims = try JSONDecoder().decode(Claims.self, from: payload)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .payloadNotJSONObject
        }
        guard let seconds = claims.exp else { throw .noExpClaim }
        guard seconds.isFinite, seconds >= 0, seconds < 253_402_300_800 else { throw .expNotANumber }
        return Date(timeIntervalSince1970: seconds)
    }

    /// The one claim read; a boolean, string or object `exp` is `Failure.expNotANumber`.
    private struct Claims: Decodable {
        var exp: Double?

        private enum Keys: String, CodingKey { case exp }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            guard container.contains(.exp) else { exp = nil; return }
            if (try? container.decode(Bool.self, forKey: .exp)) != nil { throw Failure.expNotANumber }
            guard let value = try? container.decode(Double.self, forKey: .exp) else { throw Failure.expNotANumber }
            exp = value
        }
    }

    static func decodeBase64URL(_ text: Substring) -> Data? {
        var base64 = ""
        base64.reserveCapacity(text.utf8.count + 3)
        for character in text.unicodeScalars {
            switch character {
            case "-": base64.append("+")
            case "_": base64.append("/")
            case "A"..."Z", "a"..."z", "0"..."9": base64.unicodeScalars.append(character)
            default: return nil
            }
        }
        switch base64.utf8.count % 4 {
        case 0: break
        case 2: base64 += "=="
        case 3: base64 += "="
        default: return nil
        }
        return Data(base64Encoded: base64)
    }
}

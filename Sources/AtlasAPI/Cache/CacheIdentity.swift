import Crypto

/// Whose view of Atlas a cache file holds: the base URL, the public identifier of the
/// credentials and the profile. Two identities that differ in any part get different files,
/// and a file is only read back for the identity that wrote it.
///
/// There is deliberately no place for a secret (private API key, client secret, token): the
/// public API key or the service account's client ID identifies the credentials well enough.
/// Neither the identifiers nor the profile name appear in the file name or in the file: both
/// carry only `digest`, a SHA-256 of the parts.
public struct CacheIdentity: Sendable, Hashable {
    /// The Atlas base URL the data came from, e.g. `https://cloud.mongodb.com`.
    public var baseURL: String
    /// The public API key or the service account's client ID; never the secret. See
    /// `Credentials.cacheIdentifier`.
    public var credentialIdentifier: String
    /// The Atlas CLI profile (`--profile`), or nil when the credentials did not come from a
    /// named profile (the environment, or the profile the CLI picks by default).
    public var profile: String?

    public init(baseURL: String, credentialIdentifier: String, profile: String?) {
        self.baseURL = baseURL
        self.credentialIdentifier = credentialIdentifier
        self.profile = profile
    }

    /// The base URL without trailing slashes, so `https://cloud.mongodb.com/` and
    /// `https://cloud.mongodb.com` share a cache.
    var normalizedBaseURL: String {
        var url = Substring(baseURL)
        while url.hasSuffix("/") { url = url.dropLast() }
        return String(url)
    }

    /// Lowercase hex SHA-256 of the parts, each length-prefixed after a domain tag (so no
    /// two different identities hash the same bytes, whatever characters they contain).
    public var digest: String {
        var bytes = Array("atlas-certs metadata cache identity v1".utf8)
        func append(_ text: String?) {
            guard let text else { bytes.append(0); return }
            bytes.append(1)
            let utf8 = Array(text.utf8)
            withUnsafeBytes(of: UInt64(utf8.count).bigEndian) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: utf8)
        }
        append(normalizedBaseURL)
        append(credentialIdentifier)
        append(profile)
        return SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 0x10 ? "0" + hex : hex
        }.joined()
    }

    /// The cache file's name: `metadata-` and the first 32 hex digits of `digest`.
    public var fileName: String {
        "metadata-" + digest.prefix(32) + ".json"
    }
}

extension Credentials {
    /// The public part that identifies these credentials in a `CacheIdentity`: the API key's
    /// public key or the service account's client ID, with the kind, e.g. `api-key:abcdefgh`.
    /// Never the secret.
    public var cacheIdentifier: String {
        switch self {
        case .apiKey(let publicKey, _): "api-key:" + publicKey
        case .serviceAccount(let clientID, _): "service-account:" + clientID
        case .userAccount(let login): "user-account:" + login.profile
        }
    }
}

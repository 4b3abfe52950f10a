@_spi(Fuzzing) import AtlasAPI
import Foundation

/// The cache loader's decoding of a file's bytes. The fuzzer cannot guess a SHA-256, so
/// the token `@IDENTITY@` in the input stands for the identity's digest (the seeds use
/// it), which lets mutated files get past the identity check to the snapshot decoder.
enum CacheFuzz {
    static let identity = CacheIdentity(baseURL: "https://cloud.mongodb.com", credentialIdentifier: "fuzzpublickey", profile: nil)
    static let cache = MetadataCache(identity: identity, directory: "/nonexistent/atlas-certs-fuzz")
    static let token = Array("@IDENTITY@".utf8)
    static let digest = Array(identity.digest.utf8)

    static func run(_ bytes: [UInt8]) {
        switch cache.result(decoding: Data(substitutingIdentity(bytes))) {
        case .hit(let snapshot):
            // A snapshot that loaded can be saved and loaded again.
            Invariant.require((try? AtlasJSON.encoder().encode(snapshot)) != nil, "a loaded snapshot does not encode")
        case .miss:
            Invariant.require(false, "decoding bytes reported no file")
        case .ignored(let reason):
            Invariant.require(!reason.isEmpty, "an empty reason")
            Invariant.requireTerminalSafe(reason, "the ignored reason")
        }
    }

    static func substitutingIdentity(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= token.count else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + digest.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == token[0], index + token.count <= bytes.count, bytes[index..<(index + token.count)].elementsEqual(token) {
                out.append(contentsOf: digest)
                index += token.count
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }
}

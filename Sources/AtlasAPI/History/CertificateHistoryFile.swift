#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The certificate history of one identity on disk: `history-<digest>.json` in the cache
/// directory (see `MetadataCache` for the directory and the checks), mode 0600, replaced
/// atomically. Nothing in it but ``CertificateHistory`` metadata.
///
/// `load` never throws: a missing, corrupt, foreign-owned, linked or oversized file is an
/// empty history (it is rebuilt from the next scans). `save` throws a one-line
/// `MetadataCacheError`.
public struct CertificateHistoryFile: Sendable {
    public let identity: CacheIdentity
    public let directory: String
    /// A history of 200,000 entries is about 60 MB of JSON; larger files are ignored.
    public static let maximumFileSize = 128 << 20

    public init(identity: CacheIdentity, directory: String) {
        self.identity = identity
        var directory = directory
        while directory.count > 1, directory.hasSuffix("/") { directory.removeLast() }
        self.directory = directory
    }

    /// The history of `identity` in the usual cache directory for this environment.
    public init(identity: CacheIdentity, environment: [String: String]) {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        self.init(identity: identity,
                  directory: MetadataCache.directory(environment: environment, homeDirectory: home, platform: .current))
    }

    public var fileName: String { "history-" + identity.digest.prefix(32) + ".json" }
    public var path: String { (directory == "/" ? "" : directory) + "/" + fileName }

    public func load() -> CertificateHistory {
        guard case .open(let directoryFD) = CacheDirectory.openExisting(directory) else { return CertificateHistory() }
        defer { close(directoryFD) }
        let fd = openat(directoryFD, fileName, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return CertificateHistory() }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_mode & mode_t(0o170000) == mode_t(0o100000),
              status.st_uid == geteuid(), CacheDirectory.writableByOthers(status.st_mode) == nil,
              status.st_size <= Self.maximumFileSize,
              let data = try? handle.read(upToCount: Self.maximumFileSize + 1), data.count <= Self.maximumFileSize
        else { return CertificateHistory() }
        return CertificateHistory.decode(data) ?? CertificateHistory()
    }

    public func save(_ history: CertificateHistory) throws(MetadataCacheError) {
        guard let data = try? history.encoded() else {
            throw MetadataCacheError(path: path, message: "Cannot save the certificate history: it could not be encoded.")
        }
        let directoryFD = try CacheDirectory.create(directory)
        defer { close(directoryFD) }
        try CacheDirectory.replaceAtomically(fileName, with: data, temporaryPrefix: "." + fileName + ".", in: directoryFD, path: path)
        _ = fsync(directoryFD)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// What `MetadataCache.load()` found.
public enum CacheLoadResult: Sendable, Equatable {
    /// A cache file of this identity, in this build's format.
    case hit(MetadataSnapshot)
    /// No cache file (the first start for this profile).
    case miss
    /// A file is there but cannot be used: corrupt, truncated, empty, foreign, of another
    /// format version, of another identity, too large, not a regular file, a symbolic link,
    /// owned by another user, writable by other users, or unreadable; or the directory is
    /// refused (see `MetadataCache`). `reason` is one sanitised line to show the user, e.g.
    /// `Ignored the cache file /home/u/.cache/atlas-certs/metadata-….json: not valid JSON.`
    /// The next `save` replaces the file (a refused directory it refuses too).
    case ignored(reason: String)
}

/// Why the cache could not be saved: one sanitised line naming the path and the reason.
/// Saving is best effort for a front end; show the message and carry on.
public struct MetadataCacheError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path that could not be created or written.
    public var path: String
    /// The `errno` of the system call that failed, when one did.
    public var errno: Int32?
    public var message: String

    init(path: String, operation: String, errno code: Int32) {
        self.path = path
        self.errno = code
        self.message = TerminalSafe.sanitize(
            "Cannot save the metadata cache: cannot \(operation) \(path): \(String(cString: strerror(code))).",
            maxCharacters: 400)
    }

    /// A failed system call of `PrivateFile`.
    init(path: String, failure: PrivateFile.Failure) {
        self.init(path: path, operation: failure.operation, errno: failure.errno)
    }

    init(path: String, message: String) {
        self.path = path
        self.errno = nil
        self.message = TerminalSafe.sanitize(message, maxCharacters: 400)
    }

    public var description: String { message }
}

/// The disk cache of what the browser last knew (`MetadataSnapshot`), one file per
/// `CacheIdentity`, so the next start can show data at once and refresh in the background.
///
/// Location: `$XDG_CACHE_HOME/atlas-certs/` when `XDG_CACHE_HOME` is an absolute path, else
/// `~/.cache/atlas-certs/` (on macOS `~/Library/Caches/atlas-certs/`). The directory, and
/// any missing parent, is made with `mkdir` mode 0700, the file with 0600. The file name is
/// a hash of the identity (`CacheIdentity.fileName`), so no key, client ID, profile or URL
/// appears in it; the file holds the identity's digest, and a file whose digest does not
/// match is ignored.
///
/// Nothing found on disk is trusted (`CacheDirectory`): before use the directory must be a
/// real directory (not a symbolic link), owned by the effective user and not writable by
/// group or others, or both `load` and `save` refuse it; an existing directory is never
/// chmod'ed. The cache file is opened with `O_NOFOLLOW` inside the verified directory
/// (`openat`), and `load` ignores one that is a symbolic link, not a regular file, owned by
/// another user or writable by group or others.
///
/// `load` never throws and never crashes: anything but a valid file of this identity and
/// format is `.miss` or `.ignored(reason:)`. `save` is atomic: a temporary file in the same
/// directory (`O_CREAT|O_EXCL|O_NOFOLLOW`, 0600), written, `fsync`ed, then renamed over the
/// cache file; on failure the temporary file is removed.
///
/// Both do blocking file I/O: call them off the input loop (in a task).
public struct MetadataCache: Sendable {
    public let identity: CacheIdentity
    /// The directory of the cache file (created by `save`).
    public let directory: String
    /// Files larger than this are ignored unread, so a hostile file cannot exhaust memory.
    public let maximumFileSize: Int

    /// 256 MiB: far above any real fleet (20 projects of 200 users is about 5 MB).
    public static let defaultMaximumFileSize = 256 << 20
    public static let directoryMode: mode_t = CacheDirectory.mode
    public static let fileMode: mode_t = PrivateFile.mode
    /// Temporary files of this identity older than this are leftovers of a killed process,
    /// removed by the next `save`.
    static let staleTemporaryAge: TimeInterval = 600

    /// A cache in an explicit directory (tests, or a front end that chose one).
    public init(identity: CacheIdentity, directory: String, maximumFileSize: Int = defaultMaximumFileSize) {
        self.identity = identity
        var directory = directory
        while directory.count > 1, directory.hasSuffix("/") { directory.removeLast() }
        self.directory = directory
        self.maximumFileSize = maximumFileSize
    }

    /// The cache of `identity` in the usual place for this environment (see the type).
    ///
    /// - Parameters:
    ///   - environment: read for `XDG_CACHE_HOME` and `HOME`; pass
    ///     `ProcessInfo.processInfo.environment` in production.
    ///   - homeDirectory: the home directory; nil for `HOME`, else the account's.
    public init(
        identity: CacheIdentity, environment: [String: String], homeDirectory: String? = nil,
        platform: CredentialResolver.Platform = .current, maximumFileSize: Int = defaultMaximumFileSize
    ) {
        let home = homeDirectory ?? environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        self.init(
            identity: identity,
            directory: Self.directory(environment: environment, homeDirectory: home, platform: platform),
            maximumFileSize: maximumFileSize)
    }

    /// `$XDG_CACHE_HOME/atlas-certs` when it is absolute (the XDG spec says to ignore a
    /// relative one), else `~/.cache/atlas-certs`, or `~/Library/Caches/atlas-certs` on macOS.
    public static func directory(environment: [String: String], homeDirectory: String, platform: CredentialResolver.Platform) -> String {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return (xdg.hasSuffix("/") ? String(xdg.dropLast()) : xdg) + "/atlas-certs"
        }
        let home = homeDirectory.hasSuffix("/") ? String(homeDirectory.dropLast()) : homeDirectory
        switch platform {
        case .macOS: return home + "/Library/Caches/atlas-certs"
        case .linux: return home + "/.cache/atlas-certs"
        }
    }

    /// The cache file of this identity.
    public var path: String {
        (directory == "/" ? "" : directory) + "/" + identity.fileName
    }

    // MARK: Loading

    /// Reads the cache file; see `CacheLoadResult`. Never throws.
    public func load() -> CacheLoadResult {
        let directoryFD: Int32
        switch CacheDirectory.openExisting(directory) {
        case .missing: return .miss
        case .refused(let what):
            return .ignored(reason: TerminalSafe.sanitize("Ignored the cache directory \(directory): it \(what).", maxCharacters: 400))
        case .open(let fd): directoryFD = fd
        }
        let outcome = readFile(in: directoryFD)
        close(directoryFD)
        switch outcome {
        case .missing: return .miss
        case .problem(let why): return ignored(why)
        case .data(let bytes): return result(decoding: bytes)
        }
    }

    /// What `load()` makes of the bytes it read from the cache file: a hit, or the reason
    /// they are ignored. Separate from the file handling so the fuzz package (Fuzz/) can
    /// feed it bytes without a file system.
    @_spi(Fuzzing)
    public func result(decoding data: Data) -> CacheLoadResult {
        let file: CacheFile
        do {
            file = try AtlasJSON.decoder().decode(CacheFile.self, from: data)
        } catch let problem as CacheFile.Problem {
            return ignored(problem.reason)
        } catch {
            // Anything else failed before our decoding began: the JSON parser.
            return ignored("not valid JSON")
        }
        guard file.identity == identity.digest else {
            return ignored("it belongs to another profile, key or base URL")
        }
        return .hit(file.snapshot)
    }

    private func ignored(_ why: String) -> CacheLoadResult {
        .ignored(reason: TerminalSafe.sanitize("Ignored the cache file \(path): \(why).", maxCharacters: 400))
    }

    private enum ReadOutcome {
        case missing
        case problem(String)
        case data(Data)
    }

    /// The file's bytes, refusing symbolic links, directories, FIFOs and devices (opened
    /// non-blocking, so a FIFO cannot hang the start), files of another user or writable by
    /// group or others, and anything over the size cap.
    private func readFile(in directoryFD: Int32) -> ReadOutcome {
        let fd = openat(directoryFD, identity.fileName, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            switch code {
            case ENOENT: return .missing
            case ELOOP: return .problem("it is a symbolic link")
            case ENOTDIR: return .problem("a part of its directory is not a directory")
            default: return .problem("it cannot be opened (\(String(cString: strerror(code))))")
            }
        }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            return .problem("it cannot be examined (\(String(cString: strerror(errno))))")
        }
        let type = status.st_mode & mode_t(0o170000)
        if type == mode_t(0o040000) { return .problem("it is a directory") }
        guard type == mode_t(0o100000) else { return .problem("it is not a regular file") }
        guard status.st_uid == geteuid() else { return .problem("it is owned by another user (uid \(status.st_uid))") }
        if let writable = CacheDirectory.writableByOthers(status.st_mode) { return .problem("it is " + writable) }
        let tooLarge = "it is larger than \(Self.sizeText(maximumFileSize))"
        guard status.st_size <= maximumFileSize else { return .problem(tooLarge) }
        guard status.st_size > 0 else { return .problem("it is empty") }

        // Read to the end (the file may have changed since fstat), never past the cap.
        var data = Data(count: Int(status.st_size) + 1)
        var length = 0
        while true {
            if length == data.count {
                guard length <= maximumFileSize else { return .problem(tooLarge) }
                data.count = min(data.count * 2, maximumFileSize + 1)
            }
            let capacity = data.count - length
            let count = data.withUnsafeMutableBytes { buffer in
                Self.systemRead(fd, buffer.baseAddress! + length, capacity)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return .problem("it cannot be read (\(String(cString: strerror(errno))))")
            }
            if count == 0 { break }
            length += count
        }
        guard length <= maximumFileSize else { return .problem(tooLarge) }
        guard length > 0 else { return .problem("it is empty") }
        data.count = length
        return .data(data)
    }

    static func sizeText(_ bytes: Int) -> String {
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }

    private static func systemRead(_ fd: Int32, _ pointer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.read(fd, pointer, count)
        #else
        Darwin.read(fd, pointer, count)
        #endif
    }

    // MARK: Saving

    /// Writes `snapshot` as this identity's cache file, atomically (see the type).
    /// Creates the directory (0700) when needed and replaces whatever file was there,
    /// corrupt, foreign or not; a directory in the file's place, and a cache directory
    /// that fails the checks (see the type), are errors.
    public func save(_ snapshot: MetadataSnapshot) throws(MetadataCacheError) {
        let data: Data
        do {
            data = try AtlasJSON.encoder().encode(CacheFile(identity: identity.digest, snapshot: snapshot))
        } catch {
            throw MetadataCacheError(path: path, message: "Cannot save the metadata cache: it could not be encoded as JSON.")
        }
        let directoryFD = try CacheDirectory.create(directory)
        defer { close(directoryFD) }
        try CacheDirectory.replaceAtomically(identity.fileName, with: data, temporaryPrefix: temporaryPrefix, in: directoryFD, path: path)
        _ = fsync(directoryFD)
        removeStaleTemporaryFiles(in: directoryFD, now: Date())
    }

    /// The prefix of this identity's temporary files: `.metadata-….json.`
    private var temporaryPrefix: String { "." + identity.fileName + "." }

    /// Removes this identity's temporary files older than `staleTemporaryAge`: what a
    /// process killed in the middle of `save` left. Younger ones may be another instance's
    /// save in progress. Best effort; examined and removed through the verified directory,
    /// without following links.
    func removeStaleTemporaryFiles(in directoryFD: Int32, now: Date) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        let prefix = temporaryPrefix
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
            var status = stat()
            guard fstatat(directoryFD, name, &status, AT_SYMLINK_NOFOLLOW) == 0,
                  status.st_mode & mode_t(0o170000) == mode_t(0o100000)
            else { continue }
            #if canImport(Darwin)
            let modified = TimeInterval(status.st_mtimespec.tv_sec)
            #else
            let modified = TimeInterval(status.st_mtim.tv_sec)
            #endif
            guard now.timeIntervalSince1970 - modified > Self.staleTemporaryAge else { continue }
            unlinkat(directoryFD, name, 0)
        }
    }
}

/// The file's JSON: a `MetadataSnapshot`'s fields plus `identity`, the digest of the
/// `CacheIdentity` that wrote it. Decoding checks `kind`, `version` and `identity` before
/// the rest, so `load` can say which of them was wrong.
struct CacheFile: Codable {
    var identity: String
    var snapshot: MetadataSnapshot

    init(identity: String, snapshot: MetadataSnapshot) {
        self.identity = identity
        self.snapshot = snapshot
    }

    enum Problem: Error {
        case notJSON
        case notACacheFile
        case foreignKind(String)
        case newerVersion(Int)
        case olderVersion(Int)
        case invalid(String)

        var reason: String {
            switch self {
            case .notJSON:
                "not valid JSON"
            case .notACacheFile:
                "it is not an atlas-certs cache file"
            case .foreignKind(let kind):
                "it is not an atlas-certs metadata cache (kind \"\(kind.prefix(60))\")"
            case .newerVersion(let version):
                "it was written by a newer atlas-certs (format \(version); this one reads \(MetadataSnapshot.formatVersion))"
            case .olderVersion(let version):
                "it is in an older format (\(version); this one reads \(MetadataSnapshot.formatVersion))"
            case .invalid(let what):
                "its contents are not valid (\(what))"
            }
        }
    }

    enum Keys: String, CodingKey { case kind, version, identity }

    init(from decoder: any Decoder) throws {
        guard let container = try? decoder.container(keyedBy: Keys.self),
              let kind = try? container.decode(String.self, forKey: .kind)
        else { throw Problem.notACacheFile }
        guard kind == MetadataSnapshot.kindMarker else { throw Problem.foreignKind(kind) }
        guard let version = try? container.decode(Int.self, forKey: .version) else {
            throw Problem.invalid("no format version")
        }
        if version > MetadataSnapshot.formatVersion { throw Problem.newerVersion(version) }
        if version < MetadataSnapshot.formatVersion { throw Problem.olderVersion(version) }
        guard let identity = try? container.decode(String.self, forKey: .identity) else {
            throw Problem.invalid("no identity")
        }
        self.identity = identity
        do {
            snapshot = try MetadataSnapshot(from: decoder)
        } catch let error as DecodingError {
            throw Problem.invalid(Self.describe(error))
        } catch {
            // The parser reads strings lazily: invalid UTF-8 inside one surfaces here.
            throw Problem.notJSON
        }
    }

    func encode(to encoder: any Encoder) throws {
        try snapshot.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(identity, forKey: .identity)
    }

    /// A short note on what was wrong and where, e.g. `missing projects`, `wrong type at
    /// users.5f…[3].x509Type`.
    static func describe(_ error: DecodingError) -> String {
        func place(_ path: [any CodingKey]) -> String {
            var out = ""
            for key in path {
                if let index = key.intValue { out += "[\(index)]" } else { out += (out.isEmpty ? "" : ".") + key.stringValue.prefix(40) }
            }
            return out.isEmpty ? "the top level" : out
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing " + place(context.codingPath + [key])
        case .valueNotFound(_, let context):
            return "missing value at " + place(context.codingPath)
        case .typeMismatch(_, let context):
            return "wrong type at " + place(context.codingPath)
        case .dataCorrupted(let context):
            return String(context.debugDescription.prefix(80)) + " at " + place(context.codingPath)
        @unknown default:
            return "unreadable"
        }
    }
}

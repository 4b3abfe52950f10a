import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The cache directory, opened and verified before anything in it is read or written:
/// a real directory (not a symbolic link), owned by the effective user, and not writable
/// by its group or by others. A directory that fails is refused, never repaired: only a
/// directory `create` has just made is ever given mode 0700.
///
/// Both return a descriptor of the verified directory (`O_DIRECTORY|O_NOFOLLOW`), so the
/// file operations that follow (`openat`, `renameat`) act on that directory even if its
/// path is changed meanwhile. The caller closes it.
enum CacheDirectory {
    static let mode: mode_t = 0o700

    enum Outcome {
        /// Open and verified.
        case open(Int32)
        /// The directory, or one of its parents, does not exist.
        case missing
        /// Refused; `what` completes "<directory> …", e.g. `is a symbolic link`.
        case refused(what: String)
    }

    /// Opens and verifies an existing directory; creates nothing.
    static func openExisting(_ path: String) -> Outcome {
        let fd = openDirectory(path)
        guard fd >= 0 else { return classifyFailure(path, errno: errno) }
        if let what = problem(fd, justCreated: false) {
            close(fd)
            return .refused(what: what)
        }
        return .open(fd)
    }

    /// Opens and verifies `path`, first creating it and any missing parent with `mkdir`
    /// mode 0700 when it does not exist. Parents that exist are left as they are; of the
    /// directory itself, only one made here is given mode 0700 (the umask may have removed
    /// bits). Throws a one-line `MetadataCacheError`.
    static func create(_ path: String) throws(MetadataCacheError) -> Int32 {
        switch openExisting(path) {
        case .open(let fd): return fd
        case .refused(let what): throw refusal(path, what)
        case .missing: break
        }
        var prefix = path.hasPrefix("/") ? "/" : ""
        var created = false
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            if mkdir(prefix, mode) == 0 {
                created = true
            } else if errno == EEXIST {
                created = false
            } else {
                throw MetadataCacheError(path: prefix, operation: "create the directory", errno: errno)
            }
        }
        let fd = openDirectory(path)
        guard fd >= 0 else {
            switch classifyFailure(path, errno: errno) {
            case .refused(let what): throw refusal(path, what)
            default: throw MetadataCacheError(path: path, operation: "open the directory", errno: ENOENT)
            }
        }
        if let what = problem(fd, justCreated: created) {
            close(fd)
            throw refusal(path, what)
        }
        return fd
    }

    private static func refusal(_ path: String, _ what: String) -> MetadataCacheError {
        MetadataCacheError(path: path, message: "Cannot save the metadata cache: \(path) \(what).")
    }

    private static func openDirectory(_ path: String) -> Int32 {
        open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    }

    /// Why `open` failed, from `lstat` of the path (which does not follow a final link).
    private static func classifyFailure(_ path: String, errno code: Int32) -> Outcome {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            let lstatCode = errno
            switch lstatCode {
            case ENOENT: return .missing
            case ENOTDIR: return .refused(what: "has a part that is not a directory")
            default: return .refused(what: "cannot be examined (\(String(cString: strerror(lstatCode))))")
            }
        }
        let type = status.st_mode & mode_t(0o170000)
        if type == mode_t(0o120000) { return .refused(what: "is a symbolic link") }
        if type != mode_t(0o040000) { return .refused(what: "is not a directory") }
        return .refused(what: "cannot be opened (\(String(cString: strerror(code))))")
    }

    /// What is wrong with the open directory `fd`, or nil. A directory made by this
    /// process (`justCreated`) is set to mode 0700 through `fd` first.
    private static func problem(_ fd: Int32, justCreated: Bool) -> String? {
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            return "cannot be examined (\(String(cString: strerror(errno))))"
        }
        guard status.st_mode & mode_t(0o170000) == mode_t(0o040000) else { return "is not a directory" }
        guard status.st_uid == geteuid() else { return "is owned by another user (uid \(status.st_uid))" }
        if justCreated, status.st_mode & 0o7777 != mode {
            guard fchmod(fd, mode) == 0 else { return "cannot be given mode 0700 (\(String(cString: strerror(errno))))" }
            status.st_mode = (status.st_mode & ~0o7777) | mode
        }
        if let writable = writableByOthers(status.st_mode) { return "is " + writable }
        return nil
    }

    /// `writable by other users (mode 1777)` when group or other may write, else nil.
    static func writableByOthers(_ mode: mode_t) -> String? {
        guard mode & 0o022 != 0 else { return nil }
        return "writable by other users (mode \(octal(mode & 0o7777)))"
    }

    /// Four octal digits: `0666`, `1777`.
    static func octal(_ mode: mode_t) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

extension CacheDirectory {
    /// Writes `data` to a private (0600, `O_EXCL`) temporary file in the verified
    /// directory and renames it over `fileName`, so a reader sees the old file or the new
    /// one, never half of one. The one home of the cache's and the history's writes.
    static func replaceAtomically(_ fileName: String, with data: Data, temporaryPrefix: String, in directoryFD: Int32,
                                  path: String) throws(MetadataCacheError) {
        let temporary: String
        let fd: Int32
        do {
            (temporary, fd) = try PrivateFile.createTemporary(directoryFD: directoryFD, prefix: temporaryPrefix)
        } catch {
            throw MetadataCacheError(path: path, failure: error)
        }
        var failure: MetadataCacheError?
        do {
            try PrivateFile.fill(fd, with: data)
        } catch {
            failure = MetadataCacheError(path: path, failure: error)
        }
        if close(fd) != 0, failure == nil {
            failure = MetadataCacheError(path: path, operation: "write", errno: errno)
        }
        if failure == nil, renameat(directoryFD, temporary, directoryFD, fileName) != 0 {
            let code = errno
            failure = code == EISDIR
                ? MetadataCacheError(path: path, message: "Cannot save \(path): it is a directory.")
                : MetadataCacheError(path: path, operation: "replace", errno: code)
        }
        if let failure {
            unlinkat(directoryFD, temporary, 0)
            throw failure
        }
    }
}

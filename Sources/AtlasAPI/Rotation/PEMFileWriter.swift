#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Where `create` puts the PEM (certificate and private key): a file, or standard output
/// when the user explicitly asked for it with `-` (or named it: `/dev/stdout`, `/dev/fd/1`,
/// `/proc/self/fd/1`, which are written as `-` is, never replaced by a file).
public enum PEMDestination: Sendable, Hashable {
    case standardOutput
    case file(path: String)

    /// The paths that mean standard output.
    public static let standardOutputPaths: Set<String> = ["-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"]

    /// `-` (or a name of standard output) is standard output; anything else is a file path.
    public init(argument: String) {
        self = Self.standardOutputPaths.contains(argument) ? .standardOutput : .file(path: argument)
    }
}

/// Why a PEM file cannot be, or was not, written. The message names the path (sanitised)
/// and the reason; it never holds any of the PEM.
public struct PEMWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The file exists and `replace` was not asked for.
        case exists
        case directoryMissing
        case notADirectory
        case isDirectory
        /// The path is a symbolic link: never followed, never replaced, even with `replace`.
        case symbolicLink
        /// The path is a device, FIFO or socket (`type` in words): never replaced.
        case notRegularFile(type: String)
        /// A system call failed (`errno`).
        case system(operation: String, errno: Int32)
    }

    public var kind: Kind
    public var path: String
    public var message: String

    /// A failed system call of `PrivateFile`.
    init(_ failure: PrivateFile.Failure, path: String) {
        self.init(.system(operation: failure.operation, errno: failure.errno), path: path)
    }

    init(_ kind: Kind, path: String) {
        self.kind = kind
        self.path = path
        let shown = TerminalSafe.sanitize(path, maxCharacters: 200)
        switch kind {
        case .exists:
            message = "\(shown) already exists; choose another --out, or add --force to replace it."
        case .directoryMissing:
            message = "The directory of \(shown) does not exist; create it first or choose another --out."
        case .notADirectory:
            message = "\(shown) cannot be created: a component of its directory is not a directory."
        case .isDirectory:
            message = "\(shown) is a directory; give --out a file name."
        case .symbolicLink:
            message = "\(shown) is a symbolic link; atlas-certs neither follows nor replaces links, even with --force: give --out the file itself, or - for standard output."
        case .notRegularFile(let type):
            message = "\(shown) is a \(type), not a regular file; --force replaces only regular files: choose another --out, or - for standard output."
        case .system(let operation, let code):
            message = "Cannot \(operation) \(shown): \(String(cString: strerror(code)))."
        }
    }

    public var description: String { message }
}

/// Writes a PEM file the way a private key deserves: never visible with wrong permissions,
/// never half-written, never over an existing file unless asked.
///
/// The text goes to a temporary file in the same directory, created with
/// `open(O_CREAT|O_EXCL|O_NOFOLLOW, 0600)` (and `fchmod` 0600 whatever the umask), written
/// and `fsync`ed. Then, with `replace`, `rename` puts it in place atomically; without it,
/// `link` puts it in place only if the name is still free (`EEXIST` otherwise, so a file
/// that appears meanwhile is never overwritten), and the temporary name is removed. On a
/// file system without hard links the target itself is created with `O_EXCL` instead.
/// On any failure the temporary file is removed.
///
/// Only a regular file is ever replaced: a directory, a symbolic link (even to a regular
/// file: it is neither followed nor replaced), a device, a FIFO or a socket is refused,
/// by `preflight` and again by `write` before the temporary file is made and just before
/// the `rename`.
public struct PEMFileWriter: Sendable {
    public let path: String
    public let replace: Bool
    /// Test hook: pretend the file system has no hard links.
    let hardLinks: Bool

    public init(path: String, replace: Bool) {
        self.init(path: path, replace: replace, hardLinks: true)
    }

    init(path: String, replace: Bool, hardLinks: Bool) {
        self.path = path
        self.replace = replace
        self.hardLinks = hardLinks
    }

    /// The mode of every file this writer creates.
    public static let fileMode: mode_t = PrivateFile.mode

    /// The directory the file goes in (`.` for a bare name).
    public var directory: String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }

    /// The path made absolute against the current directory, for messages.
    public var absolutePath: String {
        if path.hasPrefix("/") { return path }
        let current = FileManager.default.currentDirectoryPath
        return (current.hasSuffix("/") ? current : current + "/") + (path.hasPrefix("./") ? String(path.dropFirst(2)) : path)
    }

    // MARK: Checks

    /// Checks that the write can succeed, before anything irreversible happens: the
    /// directory exists and is writable, the target is not a directory, and it does not
    /// exist unless `replace`. (The final step still refuses a file that appears later.)
    public func preflight() throws(PEMWriteError) {
        guard !path.isEmpty, !path.hasSuffix("/") else { throw PEMWriteError(.isDirectory, path: path) }
        var status = stat()
        if stat(directory, &status) != 0 {
            let code = errno
            throw PEMWriteError(code == ENOENT ? .directoryMissing : code == ENOTDIR ? .notADirectory : .system(operation: "reach the directory of", errno: code), path: path)
        }
        guard Self.isDirectory(status) else { throw PEMWriteError(.notADirectory, path: path) }
        guard access(directory, W_OK | X_OK) == 0 else {
            throw PEMWriteError(.system(operation: "write in the directory of", errno: errno), path: path)
        }
        if let refusal = try existingRefusal() { throw refusal }
    }

    /// What is at `path` now, as a refusal: nil when nothing is there, or a regular file
    /// with `replace`. A symbolic link, a directory or any other non-regular file is
    /// refused whatever `replace` says; a regular file without `replace` is `.exists`.
    func existingRefusal() throws(PEMWriteError) -> PEMWriteError? {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            let code = errno
            if code == ENOENT { return nil }
            throw PEMWriteError(.system(operation: "check", errno: code), path: path)
        }
        switch status.st_mode & mode_t(0o170000) {
        case mode_t(0o100000): return replace ? nil : PEMWriteError(.exists, path: path)
        case mode_t(0o040000): return PEMWriteError(.isDirectory, path: path)
        case mode_t(0o120000): return PEMWriteError(.symbolicLink, path: path)
        case mode_t(0o020000): return PEMWriteError(.notRegularFile(type: "character device"), path: path)
        case mode_t(0o060000): return PEMWriteError(.notRegularFile(type: "block device"), path: path)
        case mode_t(0o010000): return PEMWriteError(.notRegularFile(type: "FIFO (named pipe)"), path: path)
        case mode_t(0o140000): return PEMWriteError(.notRegularFile(type: "socket"), path: path)
        default: return PEMWriteError(.notRegularFile(type: "special file"), path: path)
        }
    }

    private static func isDirectory(_ status: stat) -> Bool {
        (status.st_mode & mode_t(0o170000)) == mode_t(0o040000)
    }

    // MARK: Writing

    /// Writes `text` to `path` with mode 0600 (see the type's description).
    /// It does not call `preflight` (call that first for friendlier errors): `link`, `rename`
    /// and `O_EXCL` alone decide, at the last moment, what may be replaced.
    public func write(_ text: String) throws(PEMWriteError) {
        // Nothing is created beside a device, FIFO, socket or link (e.g. in /dev).
        if replace, let refusal = try existingRefusal() { throw refusal }
        let temporary = try createTemporaryFile()
        do throws(PEMWriteError) {
            try Self.fill(temporary.fd, with: text, path: path)
            let closed = close(temporary.fd)
            temporary.closed()
            guard closed == 0 else { throw PEMWriteError(.system(operation: "write", errno: errno), path: path) }
            if replace {
                // Checked again at the last moment: only a regular file (or nothing) is replaced.
                if let refusal = try existingRefusal() { throw refusal }
                guard rename(temporary.path, path) == 0 else {
                    let code = errno
                    throw PEMWriteError(code == EISDIR ? .isDirectory : .system(operation: "replace", errno: code), path: path)
                }
                temporary.consumed()
            } else if hardLinks, link(temporary.path, path) == 0 {
                // The target now names the same inode; the temporary name goes below.
            } else {
                let code = hardLinks ? errno : EPERM
                if code == EEXIST { throw (try? existingRefusal()).flatMap { $0 } ?? PEMWriteError(.exists, path: path) }
                guard Self.noHardLinks(code) else { throw PEMWriteError(.system(operation: "create", errno: code), path: path) }
                try writeExclusively(text)
            }
        } catch {
            temporary.cleanUp()
            throw error
        }
        temporary.cleanUp()
        PrivateFile.syncDirectory(directory)
    }

    /// Errors of `link` that mean the file system does not do hard links.
    private static func noHardLinks(_ code: Int32) -> Bool {
        code == EPERM || code == ENOTSUP || code == EOPNOTSUPP || code == ENOSYS
    }

    /// The fallback without hard links: create the target itself with O_EXCL (never over an
    /// existing file), write, flush; remove it again if anything fails.
    private func writeExclusively(_ text: String) throws(PEMWriteError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, Self.fileMode)
        guard fd >= 0 else {
            let code = errno
            if code == EEXIST { throw (try? existingRefusal()).flatMap { $0 } ?? PEMWriteError(.exists, path: path) }
            throw PEMWriteError(.system(operation: "create", errno: code), path: path)
        }
        var failure: PEMWriteError?
        do throws(PEMWriteError) {
            try Self.fill(fd, with: text, path: path)
        } catch {
            failure = error
        }
        let closed = close(fd)
        if failure == nil, closed != 0 { failure = PEMWriteError(.system(operation: "write", errno: errno), path: path) }
        if let failure {
            unlink(path)
            throw failure
        }
    }

    /// Sets mode 0600 (the umask can only remove bits), writes every byte, flushes to disk.
    private static func fill(_ fd: Int32, with text: String, path: String) throws(PEMWriteError) {
        do {
            try PrivateFile.fill(fd, with: text)
        } catch {
            throw PEMWriteError(error, path: path)
        }
    }

    /// A temporary file beside the target, open for writing, mode 0600.
    private final class TemporaryFile {
        let path: String
        private(set) var fd: Int32
        private var exists = true

        init(path: String, fd: Int32) {
            self.path = path
            self.fd = fd
        }

        func closed() { fd = -1 }
        func consumed() { exists = false }

        func cleanUp() {
            if fd >= 0 { close(fd); fd = -1 }
            if exists { unlink(path); exists = false }
        }
    }

    private func createTemporaryFile() throws(PEMWriteError) -> TemporaryFile {
        let name = path.lastIndex(of: "/").map { path[path.index(after: $0)...] } ?? path[...]
        do {
            let (temporary, fd) = try PrivateFile.createTemporary(directory: directory, prefix: "." + String(name.prefix(80)) + ".")
            return TemporaryFile(path: temporary, fd: fd)
        } catch {
            throw PEMWriteError(error, path: path)
        }
    }

    /// Writes `text` to standard output (for `--out -`, and only then).
    public static func writeToStandardOutput(_ text: String) throws(PEMWriteError) {
        do {
            try PrivateFile.writeAll(text, to: STDOUT_FILENO)
        } catch {
            throw PEMWriteError(error, path: "standard output")
        }
    }
}

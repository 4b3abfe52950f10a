import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes refreshed browser-login tokens back into the Atlas CLI's config.toml, so that
/// `atlas` stays signed in too: a targeted edit (`ConfigTokenEdit`) written to a 0600
/// temporary file beside it and renamed over it. Refused, with nothing written, when the
/// file is not a regular file, belongs to another user, or changed since it was read.
public enum ConfigTokenWriteBack {
    /// Why the tokens were not written. Never holds a token.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case unreadable(errno: Int32)
        case notARegularFile
        case ownedByAnotherUser
        case changedMeanwhile
        case edit(ConfigTokenEdit.Failure)
        case write(operation: String, errno: Int32)

        public var description: String {
            let reason = switch self {
            case .unreadable(let code): "config.toml could not be read (\(String(cString: strerror(code))))"
            case .notARegularFile: "config.toml is not a regular file"
            case .ownedByAnotherUser: "config.toml belongs to another user"
            case .changedMeanwhile: "config.toml changed while atlas-certs was reading it"
            case .edit(let failure): failure.description
            case .write(let operation, let code): "could not \(operation) config.toml (\(String(cString: strerror(code))))"
            }
            return "\(reason); the browser login cannot be refreshed safely: run `atlas auth login`"
        }
    }

    /// The file as read, with what identifies this version of it.
    public struct Snapshot: Sendable, Equatable {
        public var text: String
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: timespec_pair

        struct timespec_pair: Sendable, Equatable { var seconds: Int; var nanoseconds: Int }
    }

    /// Reads `path` (not following a symlink) and checks it can be edited safely.
    public static func read(_ path: String) throws(Failure) -> Snapshot {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            throw errno == ELOOP ? .notARegularFile : .unreadable(errno: errno)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(errno: errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .notARegularFile }
        guard info.st_uid == geteuid() else { throw .ownedByAnotherUser }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(errno: errno)
            }
            if count == 0 { break }
            data.append(contentsOf: buffer[..<count])
            guard data.count <= 16 * 1024 * 1024 else { throw .notARegularFile }
        }
        guard let text = String(data: data, encoding: .utf8) else { throw .edit(.tableNotFound(profile: "(file is not UTF-8)")) }
        return Snapshot(
            text: text, device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modified: modificationTime(info))
    }

    /// `read(2)`, named apart from `read(_:)` above.
    private static func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        #if canImport(Darwin)
        Darwin.read(fd, buffer, count)
        #else
        Glibc.read(fd, buffer, count)
        #endif
    }

    /// The modification time: `st_mtim` on Linux, `st_mtimespec` on Darwin.
    private static func modificationTime(_ info: stat) -> Snapshot.timespec_pair {
        #if canImport(Darwin)
        .init(seconds: Int(info.st_mtimespec.tv_sec), nanoseconds: Int(info.st_mtimespec.tv_nsec))
        #else
        .init(seconds: Int(info.st_mtim.tv_sec), nanoseconds: Int(info.st_mtim.tv_nsec))
        #endif
    }

    /// Checks that `path` can be rewritten (readable, regular, the user's, in a writable folder, one-line token
    /// strings in the profile's table) without writing anything: call before refreshing,
    /// so a refresh that could not be saved does not rotate the CLI's refresh token away.
    public static func check(_ path: String, profile: String) throws(Failure) -> Snapshot {
        let snapshot = try read(path)
        // The new file is made beside the old one and renamed over it: the folder must let us.
        let directory = (path as NSString).deletingLastPathComponent
        guard access(directory.isEmpty ? "." : directory, W_OK | X_OK) == 0 else {
            throw .write(operation: "write the folder of", errno: errno)
        }
        do {
            _ = try ConfigTokenEdit.replacingTokens(
                in: snapshot.text, profile: profile, accessToken: Secret("x"), refreshToken: Secret("x"))
        } catch {
            throw .edit(error)
        }
        return snapshot
    }

    /// Replaces the two tokens of `profile` in `path`, if the file is still `snapshot`.
    public static func write(
        _ path: String, snapshot: Snapshot, profile: String, accessToken: Secret, refreshToken: Secret
    ) throws(Failure) {
        let edited: String
        do {
            edited = try ConfigTokenEdit.replacingTokens(
                in: snapshot.text, profile: profile, accessToken: accessToken, refreshToken: refreshToken)
        } catch {
            throw .edit(error)
        }
        let directory = (path as NSString).deletingLastPathComponent
        let temporary: (path: String, fd: Int32)
        do {
            temporary = try PrivateFile.createTemporary(directory: directory.isEmpty ? "." : directory, prefix: ".config.toml.")
        } catch {
            throw .write(operation: error.operation, errno: error.errno)
        }
        var renamed = false
        defer {
            close(temporary.fd)
            if !renamed { unlink(temporary.path) }
        }
        do {
            try PrivateFile.fill(temporary.fd, with: edited)
        } catch {
            throw .write(operation: error.operation, errno: error.errno)
        }
        // The last look before the rename: the same file, unchanged.
        let current = try read(path)
        guard current == snapshot else { throw .changedMeanwhile }
        guard rename(temporary.path, path) == 0 else { throw .write(operation: "replace", errno: errno) }
        renamed = true
        PrivateFile.syncDirectory(directory.isEmpty ? "." : directory)
    }
}

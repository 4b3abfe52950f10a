import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The low-level steps shared by every file atlas-certs writes for the user's eyes only
/// (a private key with its certificate, the metadata cache): a temporary file beside the
/// target that nobody else can open, filled and flushed before it takes the target's name.
///
/// `PEMFileWriter` and `MetadataCache` decide how the temporary file takes its place
/// (`link` never over an existing file, or `rename` over it) and word their own errors;
/// the system calls and their order live here once.
enum PrivateFile {
    /// Mode of every file written this way, whatever the umask.
    static let mode: mode_t = 0o600

    /// A system call that failed: what it was doing, and `errno`.
    struct Failure: Error, Sendable, Equatable {
        var operation: String
        var errno: Int32
    }

    /// A new, empty file `<directory>/<prefix><random>.tmp`, created with
    /// `O_CREAT|O_EXCL|O_NOFOLLOW` and mode 0600 (so no other user, and no symlink planted
    /// in the directory, can get at it), open for writing. Retries a name that is taken.
    static func createTemporary(directory: String, prefix: String) throws(Failure) -> (path: String, fd: Int32) {
        let base = (directory == "/" ? "" : directory) + "/"
        let (name, fd) = try createTemporary(prefix: prefix) { name in
            open(base + name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        }
        return (base + name, fd)
    }

    /// The same inside the directory open as `directoryFD` (`openat`), so the file lands in
    /// the directory that was verified, whatever happens to its path meanwhile. Returns the
    /// file's name in that directory.
    static func createTemporary(directoryFD: Int32, prefix: String) throws(Failure) -> (name: String, fd: Int32) {
        try createTemporary(prefix: prefix) { name in
            openat(directoryFD, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        }
    }

    private static func createTemporary(prefix: String, _ create: (String) -> Int32) throws(Failure) -> (name: String, fd: Int32) {
        var generator = SystemRandomNumberGenerator()
        var code = EEXIST
        for _ in 0..<16 {
            let candidate = prefix + String(generator.next() & 0xFFFF_FFFF_FFFF, radix: 16) + ".tmp"
            let fd = create(candidate)
            if fd >= 0 { return (candidate, fd) }
            code = errno
            if code != EEXIST { break }
        }
        throw Failure(operation: "create a temporary file for", errno: code)
    }

    /// Sets mode 0600 on `fd` (the umask can only have removed bits), writes `text` from
    /// the string's own storage (a private key is not copied again), and flushes to disk.
    static func fill(_ fd: Int32, with text: String) throws(Failure) {
        try withBytes(of: text) { bytes throws(Failure) in try fill(fd, with: bytes) }
    }

    /// The same for `data`.
    static func fill(_ fd: Int32, with data: Data) throws(Failure) {
        let failure: Failure? = data.withUnsafeBytes { bytes in
            do throws(Failure) { try fill(fd, with: bytes) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// Writes every byte of `text` to `fd`, from the string's own storage.
    static func writeAll(_ text: String, to fd: Int32) throws(Failure) {
        try withBytes(of: text) { bytes throws(Failure) in try writeAll(bytes, to: fd) }
    }

    private static func fill(_ fd: Int32, with bytes: UnsafeRawBufferPointer) throws(Failure) {
        guard fchmod(fd, mode) == 0 else { throw Failure(operation: "set the mode of", errno: errno) }
        try writeAll(bytes, to: fd)
        guard fsync(fd) == 0 else { throw Failure(operation: "flush", errno: errno) }
    }

    /// `body` over `text`'s UTF-8 storage, its typed error carried out of `withUTF8`.
    private static func withBytes(of text: String, _ body: (UnsafeRawBufferPointer) throws(Failure) -> Void) throws(Failure) {
        var text = text
        let failure: Failure? = text.withUTF8 { buffer in
            do throws(Failure) { try body(UnsafeRawBufferPointer(buffer)) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// Writes every byte to `fd`, through short writes and `EINTR`.
    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32) throws(Failure) {
        guard let start = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            #if canImport(Glibc)
            let written = Glibc.write(fd, start + offset, bytes.count - offset)
            #else
            let written = Darwin.write(fd, start + offset, bytes.count - offset)
            #endif
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure(operation: "write", errno: errno)
            }
            offset += written
        }
    }

    /// Flushes a directory, so that a rename or link into it survives a crash. Best effort.
    static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AtlasAPI
import Synchronization

/// Writes to stdout and stderr without buffering surprises, and ends commands the same
/// way everywhere: one clear line on stderr and a non-zero exit status on failure.
enum Console {
    static func out(_ text: String) {
        // After a failed write, stdout is not written to again: the output is already lost.
        guard stdoutFailure.withLock({ $0 }) == nil else { return }
        if let error = write(fd: STDOUT_FILENO, text), error != EPIPE {
            stdoutFailure.withLock { $0 = $0 ?? error }
        }
    }

    static func err(_ line: String) {
        guard !stderrLost.withLock({ $0 }) else { return }
        _ = write(fd: STDERR_FILENO, line.hasSuffix("\n") ? line : line + "\n")
    }

    /// Writes to stderr as it is (a progress line redrawn with a carriage return).
    static func errRaw(_ text: String) {
        guard !stderrLost.withLock({ $0 }) else { return }
        _ = write(fd: STDERR_FILENO, text)
    }

    /// The `errno` of the first failed write to stdout (`EBADF` when it was closed at the
    /// start); nil while every write has succeeded.
    private static let stdoutFailure = Mutex<Int32?>(nil)

    /// Throws when output was lost: stdout was closed, or a write failed (a full disk,
    /// `/dev/full`, an I/O error). A closed pipe (`| head`) is not a failure.
    static func checkStdout() throws(OutputWriteError) {
        if let error = stdoutFailure.withLock({ $0 }) { throw OutputWriteError(errno: error) }
    }

    /// True when stderr was closed when the process started: nothing is written to it then.
    private static let stderrLost = Mutex(false)

    /// Finds out whether stdin, stdout and stderr were open when the process started, and
    /// reopens a closed one on /dev/null so that no file or socket opened later takes its
    /// number. A descriptor 0-2 that is marked close-on-exec was opened by this process (none
    /// survives an exec with that mark): the one inherited was closed and something else,
    /// such as the event loop's epoll descriptor, took the number; it is never written to.
    /// A closed stdout counts as a failed write, which `checkStdout()` then reports.
    static func claimStandardStreams() {
        for fd in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] {
            let flags = fcntl(fd, F_GETFD)
            let closed = flags == -1 && errno == EBADF
            let taken = flags != -1 && flags & FD_CLOEXEC != 0
            guard closed || taken else { continue }
            if closed {
                let opened = open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY)
                if opened >= 0, opened != fd {
                    _ = dup2(opened, fd)
                    _ = close(opened)
                }
            }
            if fd == STDOUT_FILENO { stdoutFailure.withLock { $0 = $0 ?? EBADF } }
            if fd == STDERR_FILENO { stderrLost.withLock { $0 = true } }
        }
    }

    /// Unbuffered write of the whole text; returns the `errno` of a failed write.
    private static func write(fd: Int32, _ text: String) -> Int32? {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { buffer in
                #if canImport(Glibc)
                Glibc.write(fd, buffer.baseAddress, buffer.count)
                #else
                Darwin.write(fd, buffer.baseAddress, buffer.count)
                #endif
            }
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            bytes = bytes.dropFirst(written)
        }
        return nil
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// One line for any error: an `AtlasError`'s or `PEMWriteError`'s message, or a sanitised description.
    static func message(for error: any Error) -> String {
        if let atlas = error as? AtlasError { return atlas.message }
        if let write = error as? PEMWriteError { return write.message }
        if let output = error as? OutputWriteError { return output.message }
        if error is CancellationError { return "Cancelled." }
        return TerminalSafe.neutralize(String(describing: error), maxCharacters: 300)
    }
}

/// Thrown after the error line was printed, to exit with a status and nothing more.
struct Failure: Error {
    var status: Int32
}

/// Output to stdout was lost: it was closed, or a write to it failed.
struct OutputWriteError: Error {
    var errno: Int32

    var message: String {
        errno == EBADF ? "Cannot write the output: standard output is closed."
            : "Cannot write the output to standard output: \(String(cString: strerror(errno)))."
    }
}

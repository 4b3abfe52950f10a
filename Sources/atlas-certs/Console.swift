#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AtlasAPI

/// Writes to stdout and stderr without buffering surprises, and ends commands the same
/// way everywhere: one clear line on stderr and a non-zero exit status on failure.
enum Console {
    static func out(_ text: String) {
        write(fd: STDOUT_FILENO, text)
    }

    static func err(_ line: String) {
        write(fd: STDERR_FILENO, line.hasSuffix("\n") ? line : line + "\n")
    }

    /// Writes to stderr as it is (a progress line redrawn with a carriage return).
    static func errRaw(_ text: String) {
        write(fd: STDERR_FILENO, text)
    }

    /// Unbuffered write of the whole text; a closed pipe ends the output quietly.
    private static func write(fd: Int32, _ text: String) {
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
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// One line for any error: an `AtlasError`'s or `PEMWriteError`'s message, or a sanitised description.
    static func message(for error: any Error) -> String {
        if let atlas = error as? AtlasError { return atlas.message }
        if let write = error as? PEMWriteError { return write.message }
        if error is CancellationError { return "Cancelled." }
        return TerminalSafe.sanitize(String(describing: error), maxCharacters: 300)
    }
}

/// Thrown after the error line was printed, to exit with a status and nothing more.
struct Failure: Error {
    var status: Int32
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends stderr to a temporary file while curses owns the screen (htop does the same).
///
/// Anything written to stderr then (a library's warning, a verbose request log, the
/// Swift runtime's last words) would be drawn over the screen and lost when curses
/// repaints or leaves the alternate screen. It is replayed on the real stderr after the
/// terminal is restored, by `release`, or by the crash handler.
enum StderrCapture {
    /// Starts capturing; does nothing if a capture is active or no file can be made.
    static func begin() {
        guard SignalTrap.savedStderr.load(ordering: .sequentiallyConsistent) < 0 else { return }
        guard let file = tmpfile() else { return }
        let captured = dup(fileno(file))
        fclose(file)
        guard captured >= 0 else { return }
        let saved = dup(STDERR_FILENO)
        guard saved >= 0, dup2(captured, STDERR_FILENO) >= 0 else {
            close(captured)
            if saved >= 0 { close(saved) }
            return
        }
        SignalTrap.capturedStderr.store(captured, ordering: .sequentiallyConsistent)
        SignalTrap.savedStderr.store(saved, ordering: .sequentiallyConsistent)
    }

    /// Restores stderr and replays the captured text onto it.
    static func end() {
        let captured = SignalTrap.capturedStderr.load(ordering: .sequentiallyConsistent)
        SignalTrap.releaseStderr()
        if captured >= 0 { close(captured) }
    }
}

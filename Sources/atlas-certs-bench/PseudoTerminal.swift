#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A program running on a pseudo-terminal of a given size, for counting the bytes it
/// writes to its screen. Blocking: use it from a Dispatch thread, never the cooperative pool.
final class PseudoTerminal {
    let pid: pid_t
    private let master: Int32
    /// Every byte the program wrote, in order.
    private(set) var total = 0

    /// Starts `executable` with `arguments` and exactly `environment` on a new pty of
    /// `columns`×`rows`, as the leader of a new session whose controlling terminal it is.
    init(executable: String, arguments: [String], environment: [String: String], columns: Int, rows: Int) throws {
        // /dev/ptmx and its ioctls: posix_openpt, unlockpt and ptsname are not imported
        // into Swift on Linux (they sit behind _XOPEN_SOURCE), and grantpt is a no-op with devpts.
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        guard master >= 0 else {
            throw BenchError("no pseudo-terminal: \(String(cString: strerror(errno)))")
        }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        let TIOCSPTLCK: UInt = 0x4004_5431, TIOCGPTN: UInt = 0x8004_5430  // _IOW('T', 0x31, int), _IOR('T', 0x30, unsigned)
        guard ioctl(master, TIOCSPTLCK, &unlock) == 0, ioctl(master, TIOCGPTN, &number) == 0 else {
            close(master)
            throw BenchError("could not unlock the pseudo-terminal: \(String(cString: strerror(errno)))")
        }
        let name = "/dev/pts/\(number)"
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)

        var attributes = posix_spawnattr_t()
        var actions = posix_spawn_file_actions_t()
        posix_spawnattr_init(&attributes)
        posix_spawn_file_actions_init(&actions)
        defer {
            posix_spawnattr_destroy(&attributes)
            posix_spawn_file_actions_destroy(&actions)
        }
        // POSIX_SPAWN_SETSID (glibc, a GNU extension Swift does not import): setsid()
        // runs before the file actions, so opening the pty makes it the controlling terminal.
        let setsid: Int16 = 0x80
        posix_spawnattr_setflags(&attributes, setsid | Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawn_file_actions_addclose(&actions, master)
        posix_spawn_file_actions_addopen(&actions, 0, name, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            close(master)
            throw BenchError("could not start \(executable): \(String(cString: strerror(status)))")
        }
        self.pid = child
        self.master = master
    }

    deinit {
        close(master)
    }

    /// Types `text` (keys as the terminal sends them, e.g. "\u{1B}[6~" for PgDn).
    func send(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { write(master, $0.baseAddress! + offset, $0.count - offset) }
            if written <= 0 { if errno == EINTR { continue } else { return } }
            offset += written
        }
    }

    /// Reads what the program writes until it has been silent for `quiet`, or until
    /// `limit` has passed (then `nil`). Returns the bytes read.
    func readUntilQuiet(_ quiet: Duration, limit: Duration) -> [UInt8]? {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        var collected: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let now = clock.now
            if now >= deadline { return nil }
            let wait = min(quiet, deadline - now)
            var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(max(1, wait.milliseconds.rounded(.up))))
            if ready < 0 {
                if errno == EINTR { continue }
                return collected
            }
            if ready == 0 {
                if wait >= quiet { return collected }
                continue
            }
            let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            if count <= 0 { return collected }  // the program closed the terminal (exited)
            collected += buffer[0..<count]
            total += count
        }
    }

    /// Waits up to `limit` for the program to exit; ends it with SIGTERM (then SIGKILL)
    /// if it does not. Returns its wait status.
    func waitForExit(limit: Duration) -> Int32 {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        var status: Int32 = 0
        while clock.now < deadline {
            _ = readUntilQuiet(.milliseconds(20), limit: .milliseconds(50))  // keep the pty drained
            if waitpid(pid, &status, WNOHANG) == pid { return status }
        }
        kill(pid, SIGTERM)
        Thread.sleep(forTimeInterval: 1)
        if waitpid(pid, &status, WNOHANG) == pid { return status }
        kill(pid, SIGKILL)
        waitpid(pid, &status, 0)
        return status
    }
}

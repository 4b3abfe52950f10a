#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing

/// Drives a program inside a private tmux server, the way a user's terminal would.
///
/// Each harness has its own socket (`tmux -L <unique>`), so tests never see each other's
/// panes or the developer's tmux, and its own scratch directory (tmux config, raw pane
/// output, clipboard file). `kill` ends the server; tests call it in a `defer` so a
/// failing test leaves nothing running.
final class TmuxHarness {
    let socket = "atlas-e2e-" + UUID().uuidString.prefix(8).lowercased()
    let directory: URL
    let tmux: String
    let width: Int
    let height: Int

    /// The tmux found on this machine, nil when there is none.
    static let executable = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"]
        .first(where: { FileManager.default.isExecutableFile(atPath: $0) })
    static let missingReason = "tmux is not installed; .ci/run installs it (apt-get install tmux)."
    /// For tests that run tmux only in part of their work: not run, with the reason, without tmux.
    static var required: ConditionTrait { .enabled(if: executable != nil, Comment(rawValue: missingReason)) }

    init(width: Int = 100, height: Int = 30) throws {
        guard let tmux = Self.executable else {
            throw HarnessError(Self.missingReason)
        }
        self.tmux = tmux
        self.width = width
        self.height = height
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(socket)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // No status line (the pane is the whole window); keep a dead pane so its exit
        // status and final terminal modes can be inspected after the program quits.
        try "set -g status off\nset -g remain-on-exit on\n"
            .write(to: configFile, atomically: true, encoding: .utf8)
    }

    var configFile: URL { directory.appendingPathComponent("tmux.conf") }
    var rawOutputFile: URL { directory.appendingPathComponent("pane.raw") }
    var clipboardFile: URL { directory.appendingPathComponent("clipboard.txt") }

    /// Starts `command` (a shell command line) in a detached session. The command first
    /// waits for one line on stdin, so raw-output capture is attached before the
    /// program writes anything; `release` sends that line.
    func start(_ command: String) throws {
        try run(["-f", configFile.path, "new-session", "-d", "-s", "e2e", "-x", String(width), "-y", String(height),
                 "read -r _ && " + command])
        try run(["pipe-pane", "-o", "-t", socketTarget, "cat >> " + Shell.quote(rawOutputFile.path)])
        try run(["send-keys", "-t", socketTarget, "Enter"])
    }

    let socketTarget = "e2e"

    /// Presses tmux key names (`Enter`, `Escape`, `Down`, `C-c`) or single characters.
    func press(_ keys: String...) throws {
        try run(["send-keys", "-t", socketTarget] + keys)
    }

    /// Types text literally.
    func type(_ text: String) throws {
        try run(["send-keys", "-t", socketTarget, "-l", text])
    }

    /// The visible pane as text (with SGR escapes when `escapes` is true).
    func screen(escapes: Bool = false) -> String {
        (try? run(["capture-pane", "-p", "-t", socketTarget] + (escapes ? ["-e"] : []))) ?? ""
    }

    /// A tmux format value for the pane, e.g. `#{alternate_on}`.
    func format(_ format: String) -> String {
        ((try? run(["display-message", "-p", "-t", socketTarget, format])) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits until the pane's program has exited and tmux has its exit status.
    ///
    /// Debian's tmux is built with libutempter, which puts in its own SIGCHLD handler
    /// while it removes the utmp record of a pane whose pty closed. When the program's
    /// SIGCHLD arrives in that window, tmux never reaps it: the program is a zombie and
    /// `pane_dead_status` stays empty for ever (tmux issue #311; the maintainer's advice
    /// is to send the server another SIGCHLD). So each poll nudges the server, which
    /// only makes it call waitpid(WNOHANG): a program still running is not affected.
    func waitForExit(timeout: Duration) async -> Bool {
        let serverPID = Int32(format("#{pid}"))
        return await waitUntil(timeout: timeout) {
            if !format("#{pane_dead_status}").isEmpty { return true }
            if let serverPID { signal(serverPID, SIGCHLD) }
            return false
        }
    }

    func resize(width: Int, height: Int) throws {
        try run(["resize-window", "-t", socketTarget, "-x", String(width), "-y", String(height)])
    }

    /// Every byte the program wrote to the pane so far.
    var rawOutput: [UInt8] {
        (try? [UInt8](Data(contentsOf: rawOutputFile))) ?? []
    }

    /// Polls `condition` until it holds or `timeout` passes; the pause between polls
    /// only paces the loop, the condition is what synchronises.
    func waitUntil(timeout: Duration = .seconds(45), _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(40))
        }
        return condition()
    }

    /// Waits until every one of `texts` is on screen; records the screen when not.
    @discardableResult
    func waitForScreen(containing texts: String..., timeout: Duration = .seconds(45),
                       sourceLocation: SourceLocation = #_sourceLocation) async -> Bool {
        let found = await waitUntil(timeout: timeout) {
            let shown = screen()
            return texts.allSatisfy { shown.contains($0) }
        }
        if !found {
            Issue.record("Timed out waiting for \(texts) on screen:\n\(screen())", sourceLocation: sourceLocation)
        }
        return found
    }

    /// Ends the tmux server and removes the scratch directory.
    func kill() {
        _ = try? run(["kill-server"])
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs one tmux command and returns its output.
    ///
    /// posix_spawn and waitpid, not Foundation's Process: the tmux server that
    /// new-session forks inherits the descriptors Process uses to notice the exit, so
    /// Process would wait for the server to end. Output goes to a file for the same reason.
    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        let outputFile = directory.appendingPathComponent("tmux-output-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: outputFile) }
        var environment = ProcessInfo.processInfo.environment
        environment["TMUX"] = nil
        let status = try Spawn.run([tmux, "-L", socket] + arguments,
                                   environment: environment.map { "\($0.key)=\($0.value)" },
                                   outputPath: outputFile.path)
        let text = String(decoding: (try? Data(contentsOf: outputFile)) ?? Data(), as: UTF8.self)
        guard status == 0 else {
            throw HarnessError("tmux \(arguments.joined(separator: " ")) failed (\(status)): \(text)")
        }
        return text
    }
}

/// `kill(2)`, under a name the harness's own `kill()` does not shadow.
func signal(_ pid: pid_t, _ number: Int32) {
    _ = kill(pid, number)
}

enum Spawn {
    /// Runs `arguments[0]` with stdin from /dev/null and stdout+stderr to `outputPath`;
    /// returns the exit status (128 + signal when killed).
    static func run(_ arguments: [String], environment: [String], outputPath: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        closeInheritedDescriptors(&actions)
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // The test runner's threads block most signals and a spawned child inherits
        // that mask: a tmux server that cannot see SIGCHLD never reaps its panes nor
        // exits on kill-server. Start the child with nothing blocked, all defaults.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw HarnessError("could not start \(arguments[0]): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw HarnessError("waitpid failed: \(errno)") }
        }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    /// Nothing else of the test process (an in-process simulator's listening socket, other
    /// tests' pipes) may live on in the tmux server that new-session forks: it would
    /// outlive a test process killed mid-test and hold its port. glibc 2.34+ has
    /// `posix_spawn_file_actions_addclosefrom_np`, which Swift's Glibc module does not
    /// import (it sits behind `_GNU_SOURCE`), so it is looked up at run time.
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        #if os(Linux)
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        #endif
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

enum Shell {
    /// Single-quotes `text` for sh.
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

extension Array where Element == UInt8 {
    /// Where the last occurrence of `subsequence` starts.
    func lastIndex(of subsequence: [UInt8]) -> Int? {
        guard !subsequence.isEmpty, count >= subsequence.count else { return nil }
        return indices.dropLast(subsequence.count - 1).last { start in
            self[start] == subsequence[0] && Array(self[start..<(start + subsequence.count)]) == subsequence
        }
    }

    func contains(subsequence: [UInt8]) -> Bool {
        guard !subsequence.isEmpty, count >= subsequence.count else { return false }
        return indices.dropLast(subsequence.count - 1).contains { start in
            self[start] == subsequence[0] && Array(self[start..<(start + subsequence.count)]) == subsequence
        }
    }
}

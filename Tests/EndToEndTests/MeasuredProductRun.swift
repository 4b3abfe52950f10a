import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a built product as `ListCommandTests.runProduct` does (clean environment, stdin
/// from /dev/null), but spawned and reaped here so that the kernel's accounting of that
/// one child (`wait4`) gives its peak resident memory: the hostile-server tests bound
/// memory and time, and Foundation's `Process` reaps the child itself and keeps no usage.
enum MeasuredProductRun {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        /// The child's peak resident set, from `ru_maxrss`.
        var peakResidentBytes: Int
        var wallTime: Duration

        var stderrLines: [Substring] { stderr.split(separator: "\n") }
        var peakResidentMiB: Int { peakResidentBytes >> 20 }
    }

    static func run(_ name: String, _ arguments: [String], environment: [String: String]) async throws -> Run {
        try await ProductRunSlots.run { try await runNow(name, arguments, environment: environment) }
    }

    private static func runNow(_ name: String, _ arguments: [String], environment: [String: String]) async throws -> Run {
        let binary = ListCommandTests.binDirectory.appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw POSIXError(.ENOENT)
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("atlas-certs-measured-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outPath = scratch.appendingPathComponent("stdout").path
        let errPath = scratch.appendingPathComponent("stderr").path
        let home = scratch.appendingPathComponent("home").path
        let fullEnvironment = ["HOME": home, "XDG_CONFIG_HOME": home + "/config", "PATH": "/usr/bin:/bin"]
            .merging(environment) { _, new in new }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        let argv = ([binary] + arguments).map { strdup($0) } + [nil]
        let envp = fullEnvironment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        let started = ContinuousClock.now
        let spawned = posix_spawn(&pid, binary, &actions, nil, argv, envp)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
        let child = pid
        // wait4 blocks: on a Dispatch thread, never on the cooperative pool.
        let (status, usage): (Int32, rusage) = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var status: Int32 = 0
                var usage = rusage()
                while wait4(child, &status, 0, &usage) < 0 && errno == EINTR {}
                continuation.resume(returning: (status, usage))
            }
        }
        let wallTime = ContinuousClock.now - started
        // WIFEXITED / WEXITSTATUS, which Swift does not import as macros.
        let exitStatus: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        #if canImport(Darwin)
        let peak = Int(usage.ru_maxrss)          // bytes on macOS
        #else
        let peak = Int(usage.ru_maxrss) * 1024   // KiB on Linux
        #endif
        return Run(status: exitStatus,
                   stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                   stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
                   peakResidentBytes: peak, wallTime: wallTime)
    }
}

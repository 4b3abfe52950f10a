import Foundation
import NIOCore
import NIOPosix

/// System tools the Prometheus tests need (Debian's `prometheus` package ships both
/// `prometheus` and `promtool`; .ci/run installs it). A test that needs a missing one is
/// recorded as not run, naming the tool.
enum SystemTool {
    static func path(_ name: String) -> String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ["/usr/bin", "/usr/local/bin", "/bin"]
        return directories.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static var promtool: String? { path("promtool") }
    static var prometheus: String? { path("prometheus") }

    /// Runs a tool to its end with `input` on stdin; returns the status and stdout+stderr.
    /// Blocking waits run on a Dispatch thread, not the cooperative pool.
    static func run(_ executable: String, _ arguments: [String], input: Data? = nil,
                    directory: URL? = nil) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let stdin = Pipe(), output = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                if let input {
                    DispatchQueue.global().async {
                        stdin.fileHandleForWriting.write(input)
                        try? stdin.fileHandleForWriting.close()
                    }
                }
                let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                continuation.resume(returning: (process.terminationStatus, said))
            }
        }
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago (for a child process that must
    /// be told its port).
    static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }

    /// The repository root (for the shipped deploy/ files).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
}

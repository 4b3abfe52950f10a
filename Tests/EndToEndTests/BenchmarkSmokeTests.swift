import Foundation
import Testing

/// CI's smoke test of the benchmark: `atlas-certs-bench --tiny` runs every section on
/// small sizes and prints the table. No timing is checked here; docs/benchmarks.md has
/// the real run.
@Suite("atlas-certs-bench --tiny")
struct BenchmarkSmokeTests {
    /// Carries bytes out of a Dispatch block; written once before `group.wait()` returns.
    private final class DataBox: @unchecked Sendable {
        var data = Data()
    }

    @Test("runs every section and prints the table")
    func tiny() async throws {
        let binary = ListCommandTests.binDirectory.appendingPathComponent("atlas-certs-bench")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "atlas-certs-bench is not built at \(binary.path): run swift build first")
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--tiny"]
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("atlas-certs-bench-home-\(UUID().uuidString)")
        process.environment = ["HOME": home.path, "XDG_CONFIG_HOME": home.appendingPathComponent("config").path, "PATH": "/usr/bin:/bin"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Blocking reads and the wait on Dispatch threads, never on the cooperative pool.
        let (o, e): (Data, Data) = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let group = DispatchGroup()
                let stdoutData = DataBox()
                DispatchQueue.global().async(group: group) { stdoutData.data = out.fileHandleForReading.readDataToEndOfFile() }
                let stderrData = err.fileHandleForReading.readDataToEndOfFile()
                group.wait()
                process.waitUntilExit()
                continuation.resume(returning: (stdoutData.data, stderrData))
            }
        }
        let stdout = String(decoding: o, as: UTF8.self)
        let stderr = String(decoding: e, as: UTF8.self)
        #expect(process.terminationStatus == 0, "stderr: \(stderr)\nstdout: \(stdout)")
        #expect(stdout.contains("| section | measure | result | goal | met |"))
        for section in ["scan", "decode", "sort", "filter", "render", "terminal", "memory"] {
            #expect(stdout.contains("\n| \(section) | "), "no \(section) rows in:\n\(stdout)")
        }
        #expect(!stdout.contains("| failed |"), "\(stdout)")
    }
}

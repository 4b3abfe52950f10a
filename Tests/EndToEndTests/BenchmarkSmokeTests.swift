import Foundation
import Testing

/// CI's smoke test of the benchmark: `atlas-certs-bench --tiny` runs every section on
/// small sizes and prints the table. No timing is checked here; docs/benchmarks.md has
/// the real run.
@Suite("atlas-certs-bench --tiny")
struct BenchmarkSmokeTests {
    @Test("runs every section and prints the table")
    func tiny() async throws {
        let run = try await ListCommandTests.runProduct("atlas-certs-bench", ["--tiny"], environment: [:])
        let stdout = run.stdout
        let stderr = run.stderr
        #expect(run.status == 0, "stderr: \(stderr)\nstdout: \(stdout)")
        #expect(stdout.contains("| section | measure | result | goal | met |"))
        for section in ["scan", "decode", "sort", "filter", "render", "terminal", "memory", "exporter"] {
            #expect(stdout.contains("\n| \(section) | "), "no \(section) rows in:\n\(stdout)")
        }
        #expect(!stdout.contains("| failed |"), "\(stdout)")
    }
}

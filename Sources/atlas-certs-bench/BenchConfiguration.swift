import Foundation

/// The sizes of one run: `full` is what docs/benchmarks.md reports (the sizes issue 5
/// asks for), `tiny` is CI's smoke test.
struct BenchConfiguration: Sendable {
    var name: String
    /// The organization the scan walks.
    var scanProjects: Int
    var scanUsersPerProject: Int
    var scanCertificatesPerUser: Int
    var scanManagedFraction: Double
    var scanLatency: Duration
    /// The side-by-side section: the organization, and the latency of every request.
    var peerProjects: Int
    var peerUsersPerProject: Int
    var peerLatency: Duration
    /// Decoding: pages of this many certificates, decoded this many times.
    var pageSize: Int
    var decodeRepetitions: Int
    /// Certificates in the TUI core (sort, filter, render, memory).
    var tuiCertificates: Int
    /// Repetitions of each sort, and frames rendered.
    var sortRepetitions: Int
    var renderFrames: Int
    /// Terminal section: the organization the browser scans, and trials per key.
    var terminalProjects: Int
    var terminalUsersPerProject: Int
    var terminalTrials: Int
    /// How long the idle screen is watched for its clock's bytes.
    var terminalIdle: Duration
    var terminalSize: (columns: Int, rows: Int)

    static let full = BenchConfiguration(
        name: "full", scanProjects: 20, scanUsersPerProject: 200, scanCertificatesPerUser: 3, scanManagedFraction: 0.75,
        scanLatency: .milliseconds(20), peerProjects: 10, peerUsersPerProject: 100, peerLatency: .milliseconds(100), pageSize: 500, decodeRepetitions: 400,
        tuiCertificates: 100_000, sortRepetitions: 5, renderFrames: 500,
        terminalProjects: 20, terminalUsersPerProject: 200, terminalTrials: 9, terminalIdle: .seconds(3), terminalSize: (200, 60))

    static let tiny = BenchConfiguration(
        name: "tiny (CI smoke test: sizes too small for the goals to apply)", scanProjects: 2, scanUsersPerProject: 8,
        scanCertificatesPerUser: 2, scanManagedFraction: 0.75, scanLatency: .milliseconds(2),
        peerProjects: 2, peerUsersPerProject: 5, peerLatency: .milliseconds(5),
        pageSize: 500, decodeRepetitions: 5, tuiCertificates: 1_000, sortRepetitions: 1, renderFrames: 5,
        terminalProjects: 2, terminalUsersPerProject: 8, terminalTrials: 1, terminalIdle: .milliseconds(500), terminalSize: (200, 60))

    var isTiny: Bool { name != "full" }

    var latencyMilliseconds: Double { scanLatency.milliseconds }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var milliseconds: Double { seconds * 1_000 }
    var microseconds: Double { seconds * 1_000_000 }
}

/// Times `body` on the continuous clock.
func measure<T>(_ body: () throws -> T) rethrows -> (T, Duration) {
    let clock = ContinuousClock()
    let start = clock.now
    let value = try body()
    return (value, clock.now - start)
}

func measure<T>(_ body: () async throws -> T) async rethrows -> (T, Duration) {
    let clock = ContinuousClock()
    let start = clock.now
    let value = try await body()
    return (value, clock.now - start)
}

func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// `1234567` as `1,234,567`.
func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (index, character) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
        out.append(character)
    }
    return value < 0 ? "-" + out : out
}

func fixed(_ value: Double, _ decimals: Int = 1) -> String {
    String(format: "%.\(decimals)f", value)
}

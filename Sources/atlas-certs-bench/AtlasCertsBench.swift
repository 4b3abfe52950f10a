import ArgumentParser
import Foundation

/// `atlas-certs-bench`: the benchmarks of docs/benchmarks.md, side by side in one run,
/// printed as a Markdown table on stdout (progress goes to stderr).
@main
struct AtlasCertsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "atlas-certs-bench",
        abstract: "Measure scan speed, decoding, sort/filter, rendering, terminal bytes and memory (docs/benchmarks.md).",
        discussion: """
            Build in release first (swift build -c release), so the terminal section finds the \
            release atlas-certs next to this binary. --tiny runs a small configuration in a few \
            seconds: a smoke test that every section still works, not a measurement.
            """)

    @Flag(name: .long, help: "A tiny configuration for CI: every section, small sizes, no meaningful timings.")
    var tiny = false

    @Option(name: .long, parsing: .upToNextOption,
            help: ArgumentHelp("Run only these sections: \(Section.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "section"))
    var only: [Section] = []

    @Option(name: .long, help: ArgumentHelp("The atlas-certs binary for the terminal section (default: next to this binary).", valueName: "path"))
    var atlasCerts: String?

    /// Internal: the child process of the memory section.
    @Option(name: .long, help: .hidden)
    var memoryProbe: Int?

    func run() async throws {
        if let certificates = memoryProbe {
            print(MemoryBench.probe(certificates: certificates))
            return
        }
        let configuration = tiny ? BenchConfiguration.tiny : BenchConfiguration.full
        let sections = only.isEmpty ? Section.allCases : Section.allCases.filter(only.contains)
        var report = Report()
        for section in sections {
            Progress.say("== \(section.rawValue)")
            do {
                switch section {
                case .peer: report.add(try await PeerBench.run(configuration, binary: atlasCerts))
                case .scan: report.add(try await ScanBench.run(configuration))
                case .decode: report.add(try DecodeBench.run(configuration))
                case .sort: report.add(TableBench.sort(configuration))
                case .filter: report.add(TableBench.filter(configuration))
                case .render: report.add(RenderBench.run(configuration))
                case .stream: report.add(StreamBench.run(configuration))
                case .terminal: report.add(try await TerminalBench.run(configuration, binary: atlasCerts))
                case .memory: report.add(try MemoryBench.run(configuration))
                case .exporter: report.add(try await ExporterBench.run(configuration))
                }
            } catch {
                report.add([Result(section: section, measure: "failed", value: String(describing: error))])
                report.failed = true
            }
        }
        print(report.markdown(configuration: configuration))
        if report.failed { throw ExitCode(1) }
    }
}

/// The parts of the benchmark, in the order they run and print.
enum Section: String, CaseIterable, ExpressibleByArgument, Sendable {
    case peer, scan, decode, sort, filter, render, stream, terminal, memory, exporter
}

/// Progress lines on stderr, so stdout is only the table.
enum Progress {
    static func say(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

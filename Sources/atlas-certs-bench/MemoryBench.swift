import AtlasAPI
import AtlasSimulator
import CertBrowser
import Foundation

/// Section 5: peak resident size with the TUI core holding every certificate, measured
/// in a child process (this binary again, `--memory-probe N`) so that the earlier
/// sections' allocations do not count towards the peak.
enum MemoryBench {
    static let goalMegabytes = 150.0

    static func run(_ configuration: BenchConfiguration) throws -> [Result] {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let process = Process()
        process.executableURL = executable
        process.arguments = ["--memory-probe", String(configuration.tuiCertificates)]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let fields = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard process.terminationStatus == 0, fields.count == 4 else {
            throw BenchError("the memory probe failed (status \(process.terminationStatus)): \(String(decoding: bytes, as: UTF8.self))")
        }
        let (before, peak, after, rows) = (fields[0], fields[1], fields[2], fields[3])
        let peakMB = Double(peak) / 1_024
        return [
            Result(section: .memory, measure: "resident before loading (runtime, generated data)", value: "\(fixed(Double(before) / 1_024)) MB"),
            Result(section: .memory, measure: "peak resident (VmHWM), \(grouped(rows)) certificates loaded, all-certificates view open",
                   value: "\(fixed(peakMB)) MB", goal: "< \(fixed(goalMegabytes, 0)) MB", met: peakMB < goalMegabytes),
            Result(section: .memory, measure: "resident after loading (VmRSS)", value: "\(fixed(Double(after) / 1_024)) MB"),
        ]
    }

    /// In the child: load `certificates` into a `State` through the reducer, open the
    /// all-certificates view, draw one 200×60 frame, and print
    /// "<VmRSS before> <VmHWM> <VmRSS after> <rows>" in kB.
    static func probe(certificates: Int) -> String {
        let now = Date()
        let size = Size(width: 200, height: 60)
        var data: SimulatorData? = TUIData.fleet(certificates, now: now)
        let before = status("VmRSS")
        var state: State? = TUIData.loadedState(data!, viewport: size, now: now)
        data = nil  // the state keeps the certificate arrays it was given; drop the rest
        let canvas = render(state!, size: size, now: now)
        let rows = state?.fleetTable?.rows.count ?? 0
        let result = "\(before) \(status("VmHWM")) \(status("VmRSS")) \(rows)"
        withExtendedLifetime(canvas) {}
        state = nil
        return result
    }

    /// A field of /proc/self/status in kB (0 where there is none, e.g. on macOS).
    static func status(_ field: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return line.split(whereSeparator: \.isWhitespace).dropFirst().first.flatMap { Int($0) } ?? 0
        }
        return 0
    }
}

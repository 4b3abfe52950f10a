import AtlasAPI
import AtlasExporter
import AtlasSimulator
import Foundation
import Logging

/// Section "exporter" (issue 12): with `tuiCertificates` certificates in the last scan,
/// how long a scan's result takes to render as exposition, how fast `/metrics` answers
/// over HTTP (from memory, no Atlas call), and the process's resident size afterwards.
enum ExporterBench {
    static let scrapeGoalMilliseconds = 50.0
    static let residentGoalMegabytes = 200.0

    static func run(_ configuration: BenchConfiguration) async throws -> [Result] {
        let now = Date()
        let data = TUIData.fleet(configuration.tuiCertificates, now: now)
        let result = scanResult(data)
        let loop = ExporterScanLoop(scan: { result }, interval: .seconds(3_600), version: "bench",
                                    logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
        let (_, render) = await measure { await loop.scanOnce() }
        let server = try await MetricsHTTPServer.start(host: "127.0.0.1", port: 0, publication: loop.publication)
        let transport = try AsyncHTTPClientTransport(baseURL: "http://127.0.0.1:\(server.port)", environment: [:])
        var times: [Double] = []
        var bytes = 0
        let scrapes = configuration.isTiny ? 3 : 21
        for _ in 0..<scrapes {
            let (response, elapsed) = try await measure {
                try await transport.send(HTTPRequest(method: .get, url: "http://127.0.0.1:\(server.port)/metrics", timeout: .seconds(30)))
            }
            guard response.status == 200 else { throw BenchError("/metrics answered \(response.status)") }
            bytes = response.body.count
            times.append(elapsed.milliseconds)
        }
        await transport.shutdown()
        await server.shutdown()
        let series = await loop.currentSnapshot.rows.count
        let scrape = median(times)
        let resident = Double(MemoryBench.status("VmRSS")) / 1_024
        return [
            Result(section: .exporter, measure: "render the exposition, \(grouped(series)) certificates (once per scan)",
                   value: "\(fixed(render.milliseconds)) ms"),
            Result(section: .exporter, measure: "GET /metrics over HTTP, median of \(scrapes) (\(fixed(Double(bytes) / 1_048_576)) MiB)",
                   value: "\(fixed(scrape)) ms", goal: "< \(fixed(scrapeGoalMilliseconds, 0)) ms", met: scrape < scrapeGoalMilliseconds),
            Result(section: .exporter, measure: "resident (VmRSS) after serving, this process (earlier sections included)",
                   value: "\(fixed(resident)) MB", goal: "< \(fixed(residentGoalMegabytes, 0)) MB", met: resident < residentGoalMegabytes),
        ]
    }

    /// The scan result the fleet engine gives for `data`: its model walked over the data
    /// in memory (every MANAGED user's certificates as rows, every user listed by project).
    static func scanResult(_ data: SimulatorData) -> FleetScanResult {
        FleetScanResult(fleet: data.inMemoryFleet.walk(now: Date()).model, progress: ScanProgress())
    }
}

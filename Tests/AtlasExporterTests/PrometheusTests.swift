import AtlasAPI
import AtlasExporter
import Foundation
import Testing

/// The exporter as Prometheus sees it: promtool's lint of the live exposition, the
/// shipped rules' unit tests, and a real Prometheus scraping the exporter and
/// evaluating the shipped rules.
@Suite("Exporter with Prometheus", .serialized)
struct PrometheusTests {
    @Test("promtool check metrics finds no problem in the live exposition",
          .enabled(if: SystemTool.promtool != nil, "promtool is not installed (.ci/run installs Debian's prometheus)"))
    func promtoolChecksLiveExposition() async throws {
        let harness = try await ExporterHarness()
        defer { Task { await harness.shutdown() } }
        await harness.loop.scanOnce()
        let text = try await harness.metrics().text
        let result = try await SystemTool.run(SystemTool.promtool!, ["check", "metrics"], input: Data(text.utf8))
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.isEmpty, "\(result.output)")
    }

    @Test("promtool check rules and test rules pass for the shipped alerts",
          .enabled(if: SystemTool.promtool != nil, "promtool is not installed (.ci/run installs Debian's prometheus)"))
    func promtoolRules() async throws {
        let directory = SystemTool.repository.appendingPathComponent("deploy/prometheus")
        let check = try await SystemTool.run(SystemTool.promtool!, ["check", "rules", "alerts.yml"], directory: directory)
        #expect(check.status == 0, "\(check.output)")
        let test = try await SystemTool.run(SystemTool.promtool!, ["test", "rules", "alerts_test.yml"], directory: directory)
        #expect(test.status == 0, "\(test.output)")
        #expect(test.output.contains("SUCCESS"), "\(test.output)")
    }

    @Test("a real Prometheus scrapes the exporter and loads the shipped rules: up, the count, alerts, the hostile username",
          .enabled(if: SystemTool.prometheus != nil, "prometheus is not installed (.ci/run installs Debian's prometheus)"))
    func realPrometheus() async throws {
        let harness = try await ExporterHarness()
        defer { Task { await harness.shutdown() } }
        await harness.loop.scanOnce()
        let server = try await PrometheusServer.start(scraping: harness.server.port)
        defer { server.stop() }

        let deadline = ContinuousClock.now + .seconds(90)
        func poll(_ query: String, until condition: ([PrometheusServer.Sample]) -> Bool) async throws -> [PrometheusServer.Sample] {
            var last: [PrometheusServer.Sample] = []
            while ContinuousClock.now < deadline {
                last = (try? await server.query(query, transport: harness.transport)) ?? []
                if condition(last) { return last }
                try await Task.sleep(for: .milliseconds(250))
            }
            Issue.record("'\(query)' never held: last answer \(last); prometheus said:\n\(server.logTail())")
            return last
        }

        let up = try await poll(#"up{job="atlas-certs"}"#) { $0.first?.value == "1" }
        #expect(up.first?.value == "1")
        let expected = harness.expectedCertificates.count
        let count = try await poll("count(x509_cert_not_after)") { $0.first?.value == String(expected) }
        #expect(count.first?.value == String(expected))

        // The serial above 2^53 is a label, exact; the username comes back exactly.
        let hostile = try await poll(#"x509_cert_not_after{serial_number="18446744073709551557"}"#) { !$0.isEmpty }
        #expect(hostile.first?.metric["username"] == ExporterHarness.hostile)

        // The user whose only certificate expires in 3 days has a critical alert (pending,
        // as the rule says `for: 15m`); the user who rotated has none; lost access alerts.
        let critical = try await poll(#"ALERTS{alertname="AtlasX509CoverageCritical"}"#) { samples in
            samples.contains { $0.metric["username"] == ExporterHarness.hostile }
        }
        let hostileAlert = critical.first { $0.metric["username"] == ExporterHarness.hostile }
        #expect(["pending", "firing"].contains(hostileAlert?.metric["alertstate"] ?? ""), "\(critical)")
        let lost = try await poll(#"ALERTS{alertname="AtlasX509NoValidCertificate"}"#) { samples in
            samples.contains { $0.metric["username"] == ExporterHarness.lost }
        }
        #expect(lost.contains { $0.metric["username"] == ExporterHarness.lost })
        let rotated = try await server.query(#"ALERTS{username="rotated-user"}"#, transport: harness.transport)
        #expect(rotated.isEmpty, "\(rotated)")
        // Every query of the shipped Grafana dashboard is valid PromQL and answers.
        let dashboard = try Data(contentsOf: SystemTool.repository.appendingPathComponent("deploy/grafana/atlas-certs.json"))
        struct Dashboard: Decodable {
            struct Panel: Decodable {
                struct Target: Decodable { var expr: String }
                var title: String
                var targets: [Target]?
            }
            var panels: [Panel]
        }
        let panels = try JSONDecoder().decode(Dashboard.self, from: dashboard).panels
        #expect(panels.contains { $0.title == "Users closest to losing access" })
        for panel in panels {
            for target in panel.targets ?? [] {
                let expression = target.expr.replacingOccurrences(of: "$project", with: ".*")
                    .replacingOccurrences(of: "$__rate_interval", with: "1m")
                await #expect(throws: Never.self, "\(panel.title): \(expression)") {
                    _ = try await server.query(expression, transport: harness.transport)
                }
            }
        }
        let closest = try await server.query("sort(bottomk(25, (atlas_x509_user_valid_until_timestamp_seconds - time()) / 86400))", transport: harness.transport)
        #expect(closest.contains { $0.metric["username"] == ExporterHarness.hostile }, "\(closest)")
        let days = closest.compactMap { Double($0.value) }
        #expect(days == days.sorted(), "soonest first: \(days)")
        let scanFailed = try await server.query(#"ALERTS{alertname=~"AtlasCertsScanFailed|AtlasCertsScanStale|AtlasCertsExporterDown"}"#, transport: harness.transport)
        #expect(scanFailed.isEmpty, "\(scanFailed)")
    }
}

/// A real `prometheus` in a temporary directory, scraping 127.0.0.1:`port` every second
/// and evaluating the shipped alerts.yml every second.
final class PrometheusServer: Sendable {
    struct Sample: CustomStringConvertible {
        var metric: [String: String]
        var value: String
        var description: String { "\(metric) \(value)" }
    }

    let process: Process
    let port: Int
    let directory: URL

    private init(process: Process, port: Int, directory: URL) {
        self.process = process
        self.port = port
        self.directory = directory
    }

    static func start(scraping exporterPort: Int) async throws -> PrometheusServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("atlas-certs-prometheus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let rules = SystemTool.repository.appendingPathComponent("deploy/prometheus/alerts.yml").path
        let config = """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
              - '\(rules)'
            scrape_configs:
              - job_name: atlas-certs
                static_configs:
                  - targets: ['127.0.0.1:\(exporterPort)']

            """
        try config.write(to: directory.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        let port = try await SystemTool.freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: SystemTool.prometheus!)
        process.arguments = [
            "--config.file=\(directory.appendingPathComponent("prometheus.yml").path)",
            "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(port)",
        ]
        let log = directory.appendingPathComponent("prometheus.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try handle.close()
        return PrometheusServer(process: process, port: port, directory: directory)
    }

    /// An instant query's vector result.
    func query(_ expression: String, transport: AsyncHTTPClientTransport) async throws -> [Sample] {
        var components = URLComponents(string: "http://127.0.0.1:\(port)/api/v1/query")!
        components.queryItems = [URLQueryItem(name: "query", value: expression)]
        let url = components.percentEncodedQuery.map { "http://127.0.0.1:\(port)/api/v1/query?" + $0.replacingOccurrences(of: "+", with: "%2B") } ?? ""
        let response = try await transport.send(HTTPRequest(method: .get, url: url, timeout: .seconds(5)))
        struct Answer: Decodable {
            struct Data: Decodable {
                struct Result: Decodable {
                    var metric: [String: String]
                    var value: [Value]
                }
                var result: [Result]
            }
            enum Value: Decodable {
                case number(Double), text(String)
                init(from decoder: any Decoder) throws {
                    let container = try decoder.singleValueContainer()
                    if let number = try? container.decode(Double.self) { self = .number(number) } else { self = .text(try container.decode(String.self)) }
                }
            }
            var status: String
            var data: Data
        }
        let answer = try JSONDecoder().decode(Answer.self, from: Foundation.Data(response.body))
        return answer.data.result.map { result in
            let value: String
            if case .text(let text)? = result.value.last { value = text } else { value = "" }
            return Sample(metric: result.metric, value: value)
        }
    }

    func logTail() -> String {
        let text = (try? String(contentsOf: directory.appendingPathComponent("prometheus.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(15).joined(separator: "\n")
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }
}

import AtlasAPI
import AtlasExporter
import Foundation
import Testing

@Suite struct MetricsRenderingTests {
    static let hostile = "al\"ice\\x\ny\u{1B}[31m\u{202E}evil"

    static func snapshot() -> ExporterSnapshot {
        let cert = Certificate(
            id: CertificateID(1_234_567_890_123_456_789), subject: "CN=\(hostile)",
            createdAt: nil, notAfter: Date(timeIntervalSince1970: 1_800_000_000), groupId: "p1")
        return ExporterSnapshot(
            rows: [CertificateRow(certificate: cert, projectID: "p1", projectName: "Prod", username: hostile)],
            managedUsers: [(projectID: "p1", projectName: "Prod", username: hostile),
                           (projectID: "p1", projectName: "Prod", username: "nobody")],
            lastSuccess: Date(timeIntervalSince1970: 1_700_000_000), lastDuration: 2.5, lastComplete: false,
            errorsByReason: ["rate_limited": 2], rateLimitWaits: 3, version: "1.0.0")
    }

    @Test func labelValuesAreEscapedSoAHostileUsernameCannotForgeASeries() {
        let text = MetricsRendering.render(Self.snapshot())
        let escaped = #"al\"ice\\x\ny"# + "\u{1B}[31m\u{202E}evil"
        #expect(text.contains(#"username="\#(escaped)""#))
        #expect(text.contains(#"serial_number="1234567890123456789""#))
        // No raw line feed inside a label: every line starts with '#' or a metric name.
        for line in text.split(separator: "\n") {
            #expect(line.hasPrefix("#") || line.hasPrefix("x509_") || line.hasPrefix("atlas_"), "\(line)")
        }
    }

    @Test func everyMetricHasHelpAndTypeAndUsersWithoutCertificatesCountZero() {
        let text = MetricsRendering.render(Self.snapshot())
        for name in ["x509_cert_not_after", "atlas_x509_user_certificates", "atlas_x509_user_valid_until_timestamp_seconds",
                     "atlas_certs_scan_last_success_timestamp_seconds", "atlas_certs_scan_duration_seconds",
                     "atlas_certs_scan_complete", "atlas_certs_scan_errors_total", "atlas_certs_rate_limit_waits_total",
                     "atlas_certs_build_info"] {
            #expect(text.contains("# HELP \(name) "), "\(name)")
            #expect(text.contains("# TYPE \(name) "), "\(name)")
        }
        #expect(text.contains(#"atlas_x509_user_certificates{project_id="p1",project="Prod",username="nobody"} 0"#))
        #expect(!text.contains(#"atlas_x509_user_valid_until_timestamp_seconds{project_id="p1",project="Prod",username="nobody"}"#))
        #expect(text.contains("atlas_certs_scan_complete 0"))
        #expect(text.contains(#"atlas_certs_scan_errors_total{reason="rate_limited"} 2"#))
    }

    static var promtool: String? {
        ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test(.enabled(if: promtool != nil, "promtool is not installed (.ci/run installs Debian's prometheus)"))
    func promtoolCheckMetricsFindsNothing() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.promtool!)
        process.arguments = ["check", "metrics"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(MetricsRendering.render(Self.snapshot()).utf8))
        try input.fileHandleForWriting.close()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(said)")
        #expect(said.isEmpty, "\(said)")
    }

    @Test(.enabled(if: promtool != nil, "promtool is not installed (.ci/run installs Debian's prometheus)"))
    func promtoolTestRulesPassesForTheShippedAlerts() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.promtool!)
        process.currentDirectoryURL = repo.appendingPathComponent("deploy/prometheus")
        process.arguments = ["test", "rules", "alerts_test.yml"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(said)")
    }
}

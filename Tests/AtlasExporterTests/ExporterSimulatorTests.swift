import AtlasAPI
import AtlasExporter
import AtlasSimulator
import Foundation
import Testing

/// The exporter (scan loop and HTTP server) against an in-process simulator.
@Suite("Exporter against the simulator")
struct ExporterSimulatorTests {
    @Test("/metrics: one x509_cert_not_after per valid certificate, exact serials, a hostile username round-trips, lost access from history")
    func metricsContent() async throws {
        let harness = try await ExporterHarness()
        defer { Task { await harness.shutdown() } }
        #expect(await harness.loop.scanOnce())
        let response = try await harness.request("/metrics")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        let (text, exposition) = try await harness.metrics()

        let expected = harness.expectedCertificates
        let series = exposition.samples(named: "x509_cert_not_after")
        #expect(series.count == expected.count)
        #expect(Set(series.compactMap { $0.labels["serial_number"] }) == Set(expected.map(\.id.decimal)))
        #expect(text.contains(#"serial_number="18446744073709551557""#), "exact decimal above 2^53")

        // What a scraper reads back is the username exactly, and only the hostile user's
        // own series carry it.
        let hostileSeries = series.filter { $0.labels["username"] == ExporterHarness.hostile }
        #expect(hostileSeries.count == 1)
        #expect(hostileSeries.first?.labels["serial_number"] == String(ExporterHarness.bigSerial))
        #expect(hostileSeries.first?.labels["subject_CN"] == ExporterHarness.hostile)
        for line in text.split(separator: "\n") {
            #expect(line.hasPrefix("#") || line.hasPrefix("x509_") || line.hasPrefix("atlas_"), "\(line)")
        }

        // Users: every MANAGED one counted, coverage only for those covered, lost access from history.
        let managed = harness.data.users.filter(\.hasManagedCertificates)
        #expect(exposition.samples(named: "atlas_x509_user_certificates").count == managed.count)
        #expect(exposition.value("atlas_x509_user_certificates", ["username": ExporterHarness.rotated]) == 2)
        let rotatedUntil = try #require(exposition.value("atlas_x509_user_valid_until_timestamp_seconds", ["username": ExporterHarness.rotated]))
        #expect(abs(rotatedUntil - harness.now.addingTimeInterval(300 * 86_400).timeIntervalSince1970) < 2)
        #expect(exposition.value("atlas_x509_user_certificates", ["username": ExporterHarness.lost]) == 0)
        #expect(exposition.value("atlas_x509_user_valid_until_timestamp_seconds", ["username": ExporterHarness.lost]) == nil)
        let lastExpiry = try #require(exposition.value("atlas_x509_user_last_expiry_timestamp_seconds", ["username": ExporterHarness.lost]))
        #expect(abs(lastExpiry - harness.now.addingTimeInterval(-86_400).timeIntervalSince1970) < 2)
        #expect(exposition.samples(named: "atlas_x509_user_last_expiry_timestamp_seconds").count == 1)

        // Health.
        #expect(exposition.value("atlas_certs_scan_complete") == 1)
        #expect((exposition.value("atlas_certs_scan_last_success_timestamp_seconds") ?? 0) >= harness.now.timeIntervalSince1970 - 1)
        #expect(exposition.value("atlas_certs_build_info", ["version": "test"]) == 1)
        for name in ["x509_cert_not_after", "atlas_x509_user_certificates", "atlas_x509_user_valid_until_timestamp_seconds",
                     "atlas_x509_user_last_expiry_timestamp_seconds", "atlas_certs_scan_last_success_timestamp_seconds",
                     "atlas_certs_scan_duration_seconds", "atlas_certs_scan_complete", "atlas_certs_rate_limit_waits_total",
                     "atlas_certs_build_info"] {
            #expect(exposition.help[name] != nil && exposition.type[name] != nil, "\(name)")
        }
        // The scan was remembered, and no secret is in the metrics.
        #expect(harness.history.saves == 1)
        #expect(!text.contains(harness.simulator.configuration.credentials.privateKey))
    }

    @Test("a scrape never calls Atlas")
    func scrapesDoNotScan() async throws {
        let harness = try await ExporterHarness()
        defer { Task { await harness.shutdown() } }
        await harness.loop.scanOnce()
        let requests = harness.simulator.requestLog.count
        for _ in 0..<5 { _ = try await harness.metrics() }
        #expect(harness.simulator.requestLog.count == requests)
    }

    @Test("a failed scan keeps the last complete data, says scan_complete 0 and counts the error by reason")
    func failureKeepsLastData() async throws {
        let harness = try await ExporterHarness()
        defer { Task { await harness.shutdown() } }
        await harness.loop.scanOnce()
        let before = try await harness.metrics().exposition
        let success = try #require(before.value("atlas_certs_scan_last_success_timestamp_seconds"))
        try await harness.simulator.shutdown()
        #expect(await harness.loop.scanOnce())
        let after = try await harness.metrics().exposition
        #expect(after.value("atlas_certs_scan_complete") == 0)
        #expect(Set(after.samples(named: "x509_cert_not_after")) == Set(before.samples(named: "x509_cert_not_after")))
        #expect(Set(after.samples(named: "atlas_x509_user_certificates")) == Set(before.samples(named: "atlas_x509_user_certificates")))
        #expect(after.value("atlas_certs_scan_last_success_timestamp_seconds") == success)
        let errors = after.samples(named: "atlas_certs_scan_errors_total")
        #expect(errors.map(\.value).reduce(0, +) == 1, "\(errors)")
        #expect(errors.allSatisfy { ($0.labels["reason"] ?? "").allSatisfy { $0.isLetter || $0 == "_" } }, "\(errors)")
    }

    @Test("a partial scan before any complete one shows what was read, scan_complete 0, errors by reason")
    func partialScan() async throws {
        let probe = ExporterHarness.fleet(now: Date())
        let broken = probe.projects[1].id
        let harness = try await ExporterHarness(faults: FaultConfiguration(projectFaults: [broken: .forbidden]))
        defer { Task { await harness.shutdown() } }
        await harness.loop.scanOnce()
        let exposition = try await harness.metrics().exposition
        #expect(exposition.value("atlas_certs_scan_complete") == 0)
        #expect(exposition.value("atlas_certs_scan_last_success_timestamp_seconds") == 0)
        #expect(exposition.value("atlas_certs_scan_errors_total", ["reason": "forbidden"]) == 1)
        let series = exposition.samples(named: "x509_cert_not_after")
        #expect(!series.isEmpty)
        #expect(series.allSatisfy { $0.labels["project_id"] != broken })
        #expect(exposition.samples(named: "atlas_x509_user_certificates").allSatisfy { $0.labels["project_id"] != broken })
    }

    @Test("/healthz is 200 ok; other paths 404; another method 405 with Allow")
    func routes() async throws {
        let harness = try await ExporterHarness()
        defer { Task { await harness.shutdown() } }
        let health = try await harness.request("/healthz")
        #expect(health.status == 200)
        #expect(String(decoding: health.body, as: UTF8.self) == "ok\n")
        #expect(try await harness.request("/").status == 404)
        #expect(try await harness.request("/metrics/x").status == 404)
        let post = try await harness.request("/metrics", method: .post)
        #expect(post.status == 405)
        #expect(post.header("Allow") == "GET, HEAD")
        // Before the first scan: valid exposition, nothing of the fleet, scan_complete 0.
        let early = try await harness.metrics().exposition
        #expect(early.value("atlas_certs_scan_complete") == 0)
        #expect(early.samples(named: "x509_cert_not_after").isEmpty)
        #expect(try await harness.request("/metrics?x=1").status == 200)
    }
}

import AtlasAPI
import AtlasExporter
import Foundation
import Testing

/// The exposition of the per-certificate and per-user families, as Prometheus reads it.
@Suite struct ExpositionWriterTests {
    static func snapshot(rows: Int) -> ExporterSnapshot {
        let certificates = (0..<rows).map { index in
            CertificateRow(certificate: Certificate(id: CertificateID(UInt64(1_000 + index)), subject: "CN=u\(index % 7)", createdAt: nil,
                                                    notAfter: Date(timeIntervalSince1970: 1_800_000_000 + Double(index)), groupId: "p"),
                           projectID: "p", projectName: "P", username: "u\(index % 7)")
        }
        return ExporterSnapshot(rows: certificates, managedUsers: (0..<7).map { ("p", "P", "u\($0)") }, lastSuccess: nil,
                                lastDuration: 0.25, lastComplete: true, errorsByReason: [:], rateLimitWaits: 0, version: "v")
    }

    @Test("Unix seconds are written as whole numbers; families without series still have HELP and TYPE")
    func wholeNumbersAndEmptyFamilies() throws {
        let text = MetricsRendering.render(Self.snapshot(rows: 3))
        #expect(text.contains(#"x509_cert_not_after{project_id="p",project="P",username="u0",serial_number="1000",subject_CN="u0"} 1800000000"# + "\n"))
        #expect(text.contains(#"atlas_x509_user_certificates{project_id="p",project="P",username="u6"} 0"# + "\n"))
        #expect(text.contains("# HELP atlas_x509_user_last_expiry_timestamp_seconds "))
        #expect(text.contains("# TYPE atlas_x509_user_last_expiry_timestamp_seconds gauge\n"))
        #expect(!text.contains("\natlas_x509_user_last_expiry_timestamp_seconds{"))
        let exposition = try Exposition(text)
        #expect(exposition.value("atlas_certs_scan_duration_seconds") == 0.25)
    }

    @Test("20,000 certificates render as 20,000 series, each family's HELP once (rendering is not quadratic)")
    func manySeries() throws {
        let clock = ContinuousClock()
        let started = clock.now
        let text = MetricsRendering.render(Self.snapshot(rows: 20_000))
        let elapsed = clock.now - started
        let exposition = try Exposition(text)
        #expect(exposition.samples(named: "x509_cert_not_after").count == 20_000)
        #expect(text.components(separatedBy: "# HELP x509_cert_not_after ").count == 2)
        // Generous for a debug build on a loaded 2-core machine; the quadratic registry took minutes.
        #expect(elapsed < .seconds(20), "\(elapsed)")
    }
}

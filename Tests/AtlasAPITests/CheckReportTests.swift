import AtlasAPI
import Foundation
import Testing

/// `check`'s verdict at the exact threshold boundaries, with an injected clock.
@Suite("Check report")
struct CheckReportTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)
    static let day: TimeInterval = 86_400

    static func row(_ id: UInt64, left: TimeInterval, project: String = "payments-prod", user: String = "CN=app") -> CertificateRow {
        CertificateRow(certificate: Certificate(id: CertificateID(id), subject: "CN=\(user)", createdAt: nil, notAfter: now.addingTimeInterval(left), groupId: nil),
                       projectID: "5e2211c17a3e5a48f5497de3", projectName: project, username: user)
    }

    static func report(_ rows: [CertificateRow], failures: [ScanFailure] = []) -> CheckReport {
        CheckReport(rows: rows, failures: failures, projectsScanned: 3, now: now, policy: .default)
    }

    static let boundaryCases: [(TimeInterval, CheckReport.State, Int32)] = [
        (7 * 86_400, .warning, 1), (7 * 86_400 - 1, .critical, 2), (30 * 86_400, .ok, 0), (30 * 86_400 - 1, .warning, 1),
        (1, .critical, 2), (400 * 86_400, .ok, 0),
    ]

    @Test("Boundaries: 7d left is WARNING, 1 s less is CRITICAL; 30d left is OK, 1 s less is WARNING", arguments: boundaryCases)
    func boundaries(left: TimeInterval, expected: CheckReport.State, exitCode: Int32) {
        let report = Self.report([Self.row(9_223_372_036_854_775_807, left: left)])
        #expect(report.state == expected)
        #expect(Int32(report.state.rawValue) == exitCode)
        #expect(report.summaryLine.hasPrefix("ATLAS-CERTS \(expected.label) - "))
    }

    @Test("The worst certificate decides; counts, the soonest one and performance data are in the line")
    func summary() {
        let report = Self.report([Self.row(5_433_027_191_242_719_574, left: 3 * Self.day + 7_200, user: "CN=billing"),
                                  Self.row(2, left: 20 * Self.day), Self.row(3, left: 90 * Self.day)])
        #expect(report.state == .critical)
        #expect(report.summaryLine.hasPrefix("ATLAS-CERTS CRITICAL - 1 critical, 1 warning, 1 ok in 3 projects; soonest in 3d 2h"))
        #expect(report.summaryLine.contains("ID 5433027191242719574, project payments-prod, user CN=billing"))
        #expect(report.summaryLine.hasSuffix("| critical=1 warning=1 ok=1 unreadable=0 soonest_days=3.08;30.00;7.00"))
    }

    @Test("No certificates at all is OK and says so")
    func empty() {
        let report = Self.report([])
        #expect(report.state == .ok)
        #expect(report.summaryLine.contains("no Atlas-managed certificates found"))
    }

    @Test("An incomplete scan is UNKNOWN even when a critical certificate was found, and names what failed")
    func incomplete() {
        let failure = ScanFailure(projectID: "p", projectName: "ledger", error: AtlasError(kind: .forbidden, message: "HTTP 403 Forbidden."))
        let report = Self.report([Self.row(1, left: 3_600)], failures: [failure])
        #expect(report.state == .unknown)
        #expect(report.state.rawValue == 3)
        #expect(report.summaryLine.contains("scan incomplete"))
        #expect(report.summaryLine.contains("ledger: HTTP 403 Forbidden."))
        #expect(report.summaryLine.contains("found so far: 1 critical"))
    }

    @Test("Server text cannot break the line or the perfdata: no escapes, no newline, no extra '|'")
    func hostile() {
        let report = Self.report([Self.row(1, left: 3_600, project: "prod\u{1B}[31m|x\nevil", user: "a|b\u{7}")])
        let line = report.summaryLine
        #expect(!line.contains("\u{1B}") && !line.contains("\n") && !line.contains("\u{7}"))
        #expect(line.components(separatedBy: "|").count == 2, "exactly one separator before the perfdata: \(line)")
    }

    @Test("A policy not bounded by the parser (built in code) cannot trap the line or the JSON",
          arguments: [TimeInterval.greatestFiniteMagnitude, 1e300 * 86_400, .infinity, .nan])
    func unboundedPolicy(_ seconds: TimeInterval) throws {
        let report = CheckReport(rows: [Self.row(1, left: 3_600), Self.row(2, left: 90 * Self.day)], failures: [], projectsScanned: 1,
                                 now: Self.now, policy: ExpiryPolicy(warning: seconds, critical: seconds))
        #expect(report.summaryLine.hasPrefix("ATLAS-CERTS "))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        let expected: Int64 = seconds.isNaN ? 0 : .max
        #expect((document["warningSeconds"] as? NSNumber)?.int64Value == expected)
        #expect((document["criticalSeconds"] as? NSNumber)?.int64Value == expected)
    }

    @Test("JSON: state, exit code, the certificates needing attention, exact IDs")
    func json() throws {
        let report = Self.report([Self.row(9_223_372_036_854_775_807, left: 2 * Self.day), Self.row(7, left: 90 * Self.day)])
        let text = report.json()
        #expect(text.contains("\"id\" : 9223372036854775807"))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(document["state"] as? String == "CRITICAL")
        #expect(document["exitCode"] as? Int == 2)
        #expect((document["attention"] as? [[String: Any]])?.count == 1)
    }
}

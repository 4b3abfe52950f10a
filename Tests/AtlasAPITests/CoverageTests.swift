import Foundation
import Testing
@testable import AtlasAPI

/// Coverage, superseded certificates and history (issue 12), as pure rules with an
/// injected `now`: no simulator, no clock.
@Suite("Coverage and history")
struct CoverageTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let day: TimeInterval = 86_400
    static let project = Project(id: "5e2211c17a3e5a48f5497de3", name: "payments", orgId: "5e2211c17a3e5a48f5497de0")

    static func row(_ id: UInt64, days: Double, user: String = "CN=app") -> CertificateRow {
        CertificateRow(certificate: Certificate(id: CertificateID(id), subject: "CN=\(user)", createdAt: nil,
                                                notAfter: now.addingTimeInterval(days * day), groupId: project.id),
                       projectID: project.id, projectName: project.name, username: user)
    }

    static func user(_ name: String) -> (project: Project, user: DatabaseUser) {
        (project, DatabaseUser(username: name, databaseName: "$external", groupId: project.id, x509Type: .managed))
    }

    @Test("coverage is the latest notAfter of the valid certificates; the earlier valid ones are superseded, expired ones are not")
    func coverageAndSuperseded() {
        let rows = [Self.row(1, days: 2), Self.row(2, days: 300), Self.row(3, days: -1), Self.row(4, days: 10, user: "other")]
        let coverage = Coverage.coverage(of: rows, now: Self.now)
        #expect(coverage[rows[1].userKey] == rows[1].certificate.notAfter)
        #expect(coverage[rows[3].userKey] == rows[3].certificate.notAfter)
        let superseded = Coverage.superseded(in: rows, now: Self.now)
        #expect(superseded == [SupersededKey(user: rows[0].userKey, certificateID: CertificateID(1))])
        #expect(Coverage.isSuperseded(rows[0], in: rows, now: Self.now))
        #expect(!Coverage.isSuperseded(rows[1], in: rows, now: Self.now))
        #expect(!Coverage.isSuperseded(rows[2], in: rows, now: Self.now), "expired, not superseded")
    }

    @Test("history: a certificate seen once and gone when it expired means no valid certificate; never seen means never issued")
    func historyStatus() {
        let first = CertificateHistory().recording([Self.row(7, days: 1)], now: Self.now)
        let later = Self.now.addingTimeInterval(2 * Self.day)
        let key = Self.row(7, days: 1).userKey
        #expect(first.status(of: key, rows: [], now: later) == .noValidCertificate(lastExpired: Self.now.addingTimeInterval(Self.day)))
        let other = UserKey(projectID: Self.project.id, databaseName: "$external", username: "new")
        #expect(first.status(of: other, rows: [], now: later) == .neverIssued)
        #expect(first.status(of: key, rows: [Self.row(8, days: 30)], now: Self.now) == .covered(until: Self.now.addingTimeInterval(30 * Self.day)))
        // Seen again: one entry, last seen moves.
        let again = first.recording([Self.row(7, days: 1)], now: Self.now.addingTimeInterval(60))
        #expect(again.entries.count == 1 && again.entries[0].lastSeen == Self.now.addingTimeInterval(60))
    }

    @Test("history is bounded: long-expired entries go, then the ones expired longest ago past the maximum")
    func historyBounded() throws {
        let rows = (0..<10).map { Self.row(UInt64(100 + $0), days: Double($0) - 500, user: "u\($0)") }
        let history = CertificateHistory().recording(rows, now: Self.now)
        let kept = history.pruned(now: Self.now, policy: .init(keepExpiredFor: 495 * Self.day, maximumEntries: 3))
        #expect(kept.entries.map(\.certificateID.value).sorted() == [107, 108, 109])
        let decoded = CertificateHistory.decode(try kept.encoded())
        #expect(decoded == kept)
        #expect(CertificateHistory.decode(Data("{\"version\":99,\"entries\":[]}".utf8)) == nil)
    }

    @Test("check by coverage across two runs: OK while the certificate is valid, CRITICAL and named once it has expired")
    func twoRuns() {
        let policy = ExpiryPolicy.default
        let users = [Self.user("CN=app"), Self.user("never")]
        let rows = [Self.row(9, days: 40)]
        let history = CertificateHistory().recording(rows, now: Self.now)
        let firstRun = CoverageJudgement(users: users, rows: rows, history: history, now: Self.now, policy: policy, requireCertificate: false)
        #expect(firstRun.worst?.state == .ok)
        #expect(firstRun.counts == .init(critical: 0, warning: 0, ok: 2, noValidCertificate: 0, neverIssued: 1))
        let later = Self.now.addingTimeInterval(41 * Self.day)
        let secondRun = CoverageJudgement(users: users, rows: [], history: history, now: later, policy: policy, requireCertificate: false)
        let worst = secondRun.worst
        #expect(worst?.state == .critical && worst?.user.username == "CN=app")
        #expect(worst?.describe(now: later) == "no valid certificate (last expired 1d ago)")
        let required = CoverageJudgement(users: users, rows: [], history: history, now: later, policy: policy, requireCertificate: true)
        #expect(required.counts.critical == 2)
    }
}

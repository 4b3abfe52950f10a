import AtlasAPI
import Foundation
import Testing
@testable import CertBrowser

/// Expiry bands at their exact boundaries, with `now` injected, as the certificates
/// table classifies them.
@Suite("Expiry bands")
struct ExpiryBandTests {
    static let day: TimeInterval = 86_400

    static func status(expiresIn left: TimeInterval, policy: ExpiryPolicy = .default) -> (ExpiryStatus, StyleRole, String) {
        let row = CertificateTableRow(certificate: Certificate(
            id: CertificateID(1), subject: "CN=x", createdAt: nil,
            notAfter: Fixture.now.addingTimeInterval(left), groupId: nil))
        let context = CellContext(now: Fixture.now, policy: policy, ascii: false)
        let status = row.status(context)
        let column = CertificateTableRow.columns.first { $0.id == .status }
        return (status, column?.role(row, context) ?? .normal, column?.text(row, context) ?? "")
    }

    static let boundaries: [(TimeInterval, ExpiryStatus)] = [
        (-1, .expired),
        (0, .expired),                      // exactly at notAfter: expired
        (1, .critical),
        (7 * day - 1, .critical),
        (7 * day, .warning),                // exactly 7 days left: no longer critical
        (30 * day - 1, .warning),
        (30 * day, .ok),                    // exactly 30 days left: ok
        (365 * day, .ok),
    ]

    @Test(arguments: boundaries)
    func bandsAtExactBoundaries(_ left: TimeInterval, _ expected: ExpiryStatus) {
        let (status, role, text) = Self.status(expiresIn: left)
        #expect(status == expected)
        #expect(role == StatusText.role(expected))
        #expect(text.hasSuffix(expected.label))
    }

    @Test func configurableThresholds() {
        let policy = ExpiryPolicy(warning: 60 * Self.day, critical: 14 * Self.day)
        #expect(Self.status(expiresIn: 10 * Self.day, policy: policy).0 == .critical)
        #expect(Self.status(expiresIn: 45 * Self.day, policy: policy).0 == .warning)
        #expect(Self.status(expiresIn: 60 * Self.day, policy: policy).0 == .ok)
    }

    @Test func everyStatusReadsWithoutColour() {
        for status in ExpiryStatus.allCases {
            for ascii in [false, true] {
                let label = StatusText.label(status, ascii: ascii)
                #expect(label.contains(status.label))
                #expect(ascii ? label.allSatisfy(\.isASCII) : true)
            }
        }
        let glyphs = ExpiryStatus.allCases.map { StatusText.glyph($0, ascii: false) }
        #expect(Set(glyphs).count == glyphs.count)
    }

    @Test func certificateThatExpiresOnScreenShowsExpiredAgo() {
        var state = ReducerTableTests.onAliceCertificates()
        Fixture.select(.certificate(CertificateID(9_876_543_210_987_654_321)), on: &state)
        let before = render(state, size: Size(width: 120, height: 24), now: Fixture.now)
        #expect(before.plainText.contains("in 3d 4h"))
        // Ticks pass time; the same state rendered 3d 6h later.
        let later = Fixture.now.addingTimeInterval(3 * Self.day + 6 * 3_600)
        _ = state.apply(.tick, now: later)
        let after = render(state, size: Size(width: 120, height: 24), now: later)
        #expect(after.plainText.contains("expired 2h ago"))
        let line = (0..<after.height).map(after.line).first { $0.contains("9876543210987654321") } ?? ""
        #expect(line.contains("EXPIRED"))
    }

    @Test func updatedAgoMovesOnWithTime() {
        let state = Fixture.loaded()
        let canvas = render(state, size: Size(width: 100, height: 24), now: Fixture.now.addingTimeInterval(5))
        #expect(canvas.plainText.contains("updated 12:00:00 UTC (5s ago)"))
    }

    @Test func utcDatesAreFormattedWithoutFoundationFormatters() {
        #expect(UTCText.minute(Fixture.now) == "2026-03-01 12:00")
        #expect(UTCText.second(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29 00:00:00 UTC")
        #expect(UTCText.iso8601(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        #expect(UTCText.minute(Date(timeIntervalSince1970: 4_102_444_799)) == "2099-12-31 23:59")
    }
}

import AtlasAPI
import Foundation

/// One certificate in a user's certificates table.
public struct CertificateTableRow: TableRowModel {
    public var certificate: Certificate
    /// The latest `notAfter` among the user's listed certificates, when later than this
    /// one's: while this certificate is valid, that one is too, so this one is
    /// superseded (the rule of `Coverage.isSuperseded`, without walking the user's
    /// certificates at every frame).
    public var supersededUntil: Date?
    /// True for a certificate Atlas no longer lists, known from the history (it has
    /// expired: Atlas lists only unexpired certificates). Its subject is not known.
    public var fromHistory: Bool

    public init(certificate: Certificate, supersededUntil: Date? = nil, fromHistory: Bool = false) {
        self.certificate = certificate
        self.supersededUntil = supersededUntil
        self.fromHistory = fromHistory
    }

    /// The rows of one user's certificates, each knowing whether another outlives it.
    static func rows(_ certificates: [Certificate]) -> [CertificateTableRow] {
        let latest = certificates.map(\.notAfter).max()
        return certificates.map { certificate in
            CertificateTableRow(certificate: certificate,
                                supersededUntil: latest.flatMap { $0 > certificate.notAfter ? $0 : nil })
        }
    }

    public var key: RowKey { .certificate(certificate.id) }

    func status(_ context: CellContext) -> ExpiryStatus {
        context.policy.status(notAfter: certificate.notAfter, now: context.now)
    }

    /// Superseded at `now`: still valid, and the user holds a certificate expiring later.
    /// Once expired a certificate is expired, not superseded.
    func isSuperseded(at now: Date) -> Bool {
        guard let supersededUntil else { return false }
        return certificate.notAfter > now && supersededUntil > certificate.notAfter
    }

    /// `✓ OK`, or `! superseded` for a superseded certificate: a word, not only a colour.
    /// The word replaces the band's (the glyph, the colour and TIME LEFT still show the
    /// band) so the column stays as narrow as before and is not the first to drop on a
    /// narrow terminal; and a superseded certificate's expiry is no cause for alarm.
    func statusText(_ context: CellContext) -> String {
        let status = status(context)
        return isSuperseded(at: context.now) ? StatusText.glyph(status, ascii: context.ascii) + " superseded"
            : StatusText.label(status, ascii: context.ascii)
    }

    /// By urgency; within one status, the certificate in use before the superseded ones.
    func statusRank(_ context: CellContext) -> Int64 {
        StatusText.rank(status(context)) * 2 + (isSuperseded(at: context.now) ? 1 : 0)
    }

    public static let columns: [Column<CertificateTableRow>] = [
        Column(
            id: .certificateID, title: "ID", priority: 0, essential: true, minWidth: 19, maxWidth: 20,
            sortKey: { row, _ in .unsigned(row.certificate.id.value) },
            text: { row, _ in row.certificate.id.decimal }),
        Column(
            id: .subject, title: "SUBJECT", priority: 3, flexible: true, minWidth: 10, maxWidth: 60,
            sortText: { row in row.certificate.subject },
            text: { row, _ in row.fromHistory ? StatusText.noLongerListed : CellGraphemes.cellText(row.certificate.subject) },
            role: { row, _ in row.fromHistory ? .muted : .normal }),
        Column(
            id: .created, title: "CREATED (UTC)", priority: 5, minWidth: 16, maxWidth: 16,
            sortKey: { row, _ in .date(row.certificate.createdAt?.timeIntervalSince1970) },
            text: { row, _ in row.certificate.createdAt.map(UTCText.minute) ?? "-" },
            role: { _, _ in .muted }),
        Column(
            id: .expires, title: "EXPIRES (UTC)", priority: 4, minWidth: 16, maxWidth: 16,
            sortKey: { row, _ in .date(row.certificate.notAfter.timeIntervalSince1970) },
            text: { row, _ in UTCText.minute(row.certificate.notAfter) }),
        Column(
            id: .timeLeft, title: "TIME LEFT", priority: 0, essential: true, minWidth: 10, maxWidth: 20, dynamic: true,
            sortKey: { row, _ in .date(row.certificate.notAfter.timeIntervalSince1970) },
            text: { row, context in TimeLeft.format(notAfter: row.certificate.notAfter, now: context.now) },
            role: { row, context in StatusText.role(row.status(context)) }),
        Column(
            id: .status, title: "STATUS", priority: 1, minWidth: 8, maxWidth: 12, dynamic: true,
            sortKey: { row, context in .number(row.statusRank(context)) },
            text: { row, context in row.statusText(context) },
            role: { row, context in StatusText.role(row.status(context)) }),
    ]
}

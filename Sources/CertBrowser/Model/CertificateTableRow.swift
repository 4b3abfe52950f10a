import AtlasAPI
import Foundation

/// One certificate in a user's certificates table.
public struct CertificateTableRow: TableRowModel {
    public var certificate: Certificate

    public init(certificate: Certificate) {
        self.certificate = certificate
    }

    public var key: RowKey { .certificate(certificate.id) }

    func status(_ context: CellContext) -> ExpiryStatus {
        context.policy.status(notAfter: certificate.notAfter, now: context.now)
    }

    public static let columns: [Column<CertificateTableRow>] = [
        Column(
            id: .certificateID, title: "ID", priority: 0, essential: true, minWidth: 19, maxWidth: 20,
            sortKey: { row, _ in .unsigned(row.certificate.id.value) },
            text: { row, _ in row.certificate.id.decimal }),
        Column(
            id: .subject, title: "SUBJECT", priority: 3, flexible: true, minWidth: 10, maxWidth: 60,
            sortText: { row in row.certificate.subject },
            text: { row, _ in TerminalSafe.sanitize(row.certificate.subject) }),
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
            sortKey: { row, context in .number(StatusText.rank(row.status(context))) },
            text: { row, context in StatusText.label(row.status(context), ascii: context.ascii) },
            role: { row, context in StatusText.role(row.status(context)) }),
    ]
}

import AtlasAPI
import Foundation

/// One certificate in the all-certificates view: the certificate with its project and
/// user, so the question "which certificate expires next, anywhere?" is one table.
public struct FleetRow: TableRowModel {
    public var certificate: Certificate
    public var user: UserKey
    public var projectName: String
    /// As in ``CertificateTableRow/supersededUntil``: the user's latest expiry when later.
    public var supersededUntil: Date?

    public init(certificate: Certificate, user: UserKey, projectName: String, supersededUntil: Date? = nil) {
        self.certificate = certificate
        self.user = user
        self.projectName = projectName
        self.supersededUntil = supersededUntil
    }

    /// The same certificate as a user's table shows it (the shared columns read it).
    var certificateRow: CertificateTableRow { CertificateTableRow(certificate: certificate, supersededUntil: supersededUntil) }

    public var key: RowKey { .fleetCertificate(user, certificate.id) }

    func status(_ context: CellContext) -> ExpiryStatus {
        context.policy.status(notAfter: certificate.notAfter, now: context.now)
    }

    /// The certificate columns, shared with a user's table, plus project and user.
    public static let columns: [Column<FleetRow>] = {
        let certificateColumns = CertificateTableRow.columns.map { column in
            var wrapped = Column<FleetRow>(
                id: column.id, title: column.title, priority: column.priority == 0 ? 0 : column.priority + 1,
                essential: column.essential, flexible: column.flexible, minWidth: column.minWidth,
                maxWidth: column.maxWidth, alignRight: column.alignRight, dynamic: column.dynamic,
                sortKey: { row, context in column.sortKey(row.certificateRow, context) },
                text: { row, context in column.text(row.certificateRow, context) },
                role: { row, context in column.role(row.certificateRow, context) })
            if let sortText = column.sortText {
                wrapped.sortText = { row in sortText(row.certificateRow) }
            }
            return wrapped
        }
        let where_: [Column<FleetRow>] = [
            Column(
                id: .project, title: "PROJECT", priority: 2, flexible: true, minWidth: 8, maxWidth: 28,
                sortText: { row in row.projectName },
                text: { row, _ in CellGraphemes.cellText(row.projectName) }),
            Column(
                id: .user, title: "USER", priority: 1, flexible: true, minWidth: 8, maxWidth: 36,
                sortText: { row in row.user.username },
                text: { row, _ in CellGraphemes.cellText(row.user.username) }),
        ]
        // ID, PROJECT, USER, then subject, dates, time left and status.
        return [certificateColumns[0]] + where_ + certificateColumns.dropFirst()
    }()
}

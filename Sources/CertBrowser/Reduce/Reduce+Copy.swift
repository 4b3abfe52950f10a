import AtlasAPI
import Foundation

/// Copying. The reducer only decides what to copy; the runtime owns the clipboard.
extension State {
    /// The certificate under the cursor (certificates screen) or shown (detail).
    var selectedCertificate: CertificateTableRow? {
        switch screen {
        case .certificates:
            return certificatesTable?.selectedRow
        case .fleet:
            return fleetTable?.selectedRow?.certificateRow
        case .detail(let user, let id):
            // The table's row, which knows whether it is superseded or from the history.
            return certificatesTable?.rows.first { $0.certificate.id == id }
                ?? certificates[user]?.first { $0.id == id }.map { CertificateTableRow(certificate: $0) }
        default:
            return nil
        }
    }

    mutating func copySelectedID(_ now: Date) -> [Effect] {
        guard let row = selectedCertificate else {
            inform("Open a user's certificates to copy a certificate ID (y copies the selected one).", now)
            return []
        }
        guard let digits = CopyText.certificateID(row.certificate.id) else {
            warn("Refused to copy: the certificate ID is not plain digits.", now)
            return []
        }
        return [.copy(text: digits, what: "certificate ID \(digits)")]
    }

    mutating func copySelectedRow(_ now: Date) -> [Effect] {
        let context = context(now)
        switch screen {
        case .projects:
            guard let row = projectsTable.selectedRow else { return [] }
            return [.copy(text: CopyText.project(row, context: context).text, what: "project as JSON")]
        case .users:
            guard let row = usersTable?.selectedRow else { return [] }
            return [.copy(text: CopyText.user(row, context: context).text, what: "user as JSON")]
        case .certificates(let user), .detail(let user, _):
            guard let row = selectedCertificate else { return [] }
            return [.copy(text: CopyText.certificate(row, user: user, context: context).text, what: "certificate as JSON")]
        case .fleet:
            guard let row = fleetTable?.selectedRow else { return [] }
            let certificate = row.certificateRow
            return [.copy(text: CopyText.certificate(certificate, user: row.user, context: context).text, what: "certificate as JSON")]
        }
    }
}

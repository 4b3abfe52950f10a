import AtlasAPI
import Foundation

/// The certificate history: the runtime reads it into `State.history` before the first
/// frame and, when the browser closes, records what this run saw from Atlas.
extension State {
    /// Every certificate loaded from Atlas during this run, for the history file. Lists
    /// restored from the disk cache and not refreshed since are left out: remembering them
    /// as seen now would make a certificate that has gone look current.
    public var certificatesSeen: [CertificateRow] {
        var rows: [CertificateRow] = []
        for (user, listed) in certificates.sorted(by: { $0.key < $1.key })
        where certificatesLoad[user]?.lastLoaded != nil {
            let projectName = project(user.projectID)?.name
            for certificate in listed {
                rows.append(CertificateRow(certificate: certificate, projectID: user.projectID, projectName: projectName,
                                           username: user.username, databaseName: user.databaseName))
            }
        }
        return rows
    }
}

import AtlasAPI
import CertBrowser
import Foundation

/// Performs the browser's `createCertificate` effect: checks the file can be written,
/// asks Atlas once (a POST is never retried), writes the PEM to a new file of mode
/// 0600, and answers with the parsed certificate. The PEM lives only inside this call.
struct CertificateCreator: Sendable {
    let client: AtlasClient

    func create(_ id: RequestID, user: UserKey, months: Int, path: String) async -> Action {
        let writer = PEMFileWriter(path: path, replace: false)
        do {
            try writer.preflight()
        } catch {
            return .createFailed(id, message: "No certificate was created: \(error.message)")
        }
        let issued: IssuedCertificatePEM
        do {
            issued = try await client.createCertificate(projectID: user.projectID, username: user.username, months: months)
        } catch {
            let message = Console.message(for: error)
            return .createFailed(id, message: message.hasPrefix("No certificate was created") ? message : "No certificate was created: \(message)")
        }
        let details = Result { try IssuedCertificateDetails(issued) }
        do {
            try issued.withPEM { pem in try writer.write(pem) }
        } catch {
            let reason = Console.message(for: error)
            return .createFailed(id, message: CertificateCreationReport.lostKey(details: details, username: user.username, reason: reason))
        }
        switch details {
        case .success(let details):
            let certificate = Certificate(id: details.id, subject: details.subject, createdAt: details.notBefore,
                                          notAfter: details.notAfter, groupId: user.projectID)
            return .certificateCreated(id, user: user, certificate: certificate, path: writer.absolutePath)
        case .failure(let error):
            return .createFailed(id, message: "Created a certificate and wrote it to \(TerminalSafe.sanitize(writer.absolutePath, maxCharacters: 120)) (mode 0600), but could not read it: \(Console.message(for: error)) Press R to reload.")
        }
    }
}

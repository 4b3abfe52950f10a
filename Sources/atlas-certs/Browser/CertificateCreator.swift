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
            // A timeout, a 5xx or an unreadable answer may hide an issued certificate:
            // never say "no certificate was created" then (the same rule as `create`).
            if CertificateCreationReport.mayHaveIssued(after: error) {
                return .createFailed(id, message: CertificateCreationReport.createUncertain(username: user.username, reason: message))
            }
            return .createFailed(id, message: message.hasPrefix("No certificate was created") ? message : "No certificate was created: \(message)")
        }
        // HTML, JSON, a corrupt PEM or a certificate without its key is a failure, and
        // nothing is written.
        let details: IssuedCertificateDetails
        switch IssuedAnswerCheck.check(issued) {
        case .success(let checked):
            details = checked
        case .failure(let problem):
            return .createFailed(id, message: CertificateCreationReport.badAnswer(problem, username: user.username))
        }
        do {
            try issued.withPEM { pem in try writer.write(pem) }
        } catch {
            let reason = Console.message(for: error)
            return .createFailed(id, message: CertificateCreationReport.lostKey(details: .success(details), username: user.username, reason: reason))
        }
        let certificate = Certificate(id: details.id, subject: details.subject, createdAt: details.notBefore,
                                      notAfter: details.notAfter, groupId: user.projectID)
        return .certificateCreated(id, user: user, certificate: certificate, path: writer.absolutePath)
    }
}

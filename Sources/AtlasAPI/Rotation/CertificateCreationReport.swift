import Foundation

/// What `create` tells the user once Atlas has issued a certificate: the summary after the
/// PEM is safely written, or the one line that says the key could not be saved. Every
/// piece of server or user text is sanitised; no PEM is ever part of either.
public enum CertificateCreationReport {
    /// The summary: ID (exact decimal), hex serial, subject, expiry (UTC) and where the PEM
    /// went (`path` absolute, or nil for standard output).
    public static func summary(details: Result<IssuedCertificateDetails, any Error>, username: String, project: Project,
                               path: String?, hasPrivateKey: Bool, now: Date) -> String {
        let user = TerminalSafe.sanitize(username, maxCharacters: 200)
        let projectText = project.name == project.id
            ? TerminalSafe.sanitize(project.id, maxCharacters: 40)
            : "\(TerminalSafe.sanitize(project.name, maxCharacters: 80)) (\(TerminalSafe.sanitize(project.id, maxCharacters: 40)))"
        let contents = hasPrivateKey ? "certificate and private key" : "certificate only: Atlas sent no private key"
        let file = path.map { "\(TerminalSafe.sanitize($0, maxCharacters: 300)) (mode 0600, \(contents))" } ?? "standard output (\(contents))"
        let lines: [String]
        switch details {
        case .success(let details):
            lines = [
                "Created certificate \(details.id.decimal) for '\(user)' in project \(projectText).",
                "  id       \(details.id.decimal)",
                "  serial   \(details.id.hexSerial)",
                "  subject  \(TerminalSafe.sanitize(details.subject, maxCharacters: 300))",
                "  expires  \(utc(details.notAfter)) (\(TimeLeft.format(notAfter: details.notAfter, now: now)))",
                "  file     \(file)",
            ]
        case .failure(let error):
            lines = [
                "Created a certificate for '\(user)' in project \(projectText), but could not read it: \(describe(error))",
                "  id       unknown: atlas-certs list --user shows it",
                "  file     \(file)",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The one line after Atlas issued a certificate whose PEM could not be written.
    public static func lostKey(details: Result<IssuedCertificateDetails, any Error>, username: String, reason: String) -> String {
        let user = TerminalSafe.sanitize(username, maxCharacters: 120)
        let certificate: String
        switch details {
        case .success(let details):
            certificate = "certificate \(details.id.decimal) (serial \(details.id.hexSerial), valid until \(utc(details.notAfter)))"
        case .failure:
            certificate = "a certificate (its ID could not be read; atlas-certs list --user shows it)"
        }
        return "Atlas issued \(certificate) for '\(user)', but it could not be saved: \(TerminalSafe.sanitize(reason, maxCharacters: 300)) "
            + "The private key is lost (Atlas returns it only once): the certificate exists in Atlas but nobody can use it. "
            + "Run atlas-certs create again to get another."
    }

    /// `2026-11-10 03:06:35 UTC`.
    public static func utc(_ date: Date) -> String {
        AtlasJSON.formatDate(date).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")
    }

    private static func describe(_ error: any Error) -> String {
        (error as? AtlasError)?.message ?? TerminalSafe.sanitize(String(describing: error), maxCharacters: 300)
    }
}

import Foundation

/// What `create` tells the user once Atlas has issued a certificate: the summary after the
/// PEM is safely written, or the one line that says the key could not be saved. Every
/// piece of server or user text is sanitised; no PEM is ever part of either.
public enum CertificateCreationReport {
    /// The summary: ID (exact decimal), hex serial, subject, expiry (UTC) and where the PEM
    /// went (`path` absolute, or nil for standard output). Only a checked answer gets here
    /// (`IssuedAnswerCheck`): a readable certificate and its private key.
    public static func summary(details: IssuedCertificateDetails, username: String, project: Project,
                               path: String?, now: Date) -> String {
        let user = TerminalSafe.sanitize(username, maxCharacters: 200)
        let projectText = project.name == project.id
            ? TerminalSafe.sanitize(project.id, maxCharacters: 40)
            : "\(TerminalSafe.sanitize(project.name, maxCharacters: 80)) (\(TerminalSafe.sanitize(project.id, maxCharacters: 40)))"
        let contents = "certificate and private key"
        let file = path.map { "\(TerminalSafe.sanitize($0, maxCharacters: 300)) (mode 0600, \(contents))" } ?? "standard output (\(contents))"
        let lines = [
            "Created certificate \(details.id.decimal) for '\(user)' in project \(projectText).",
            "  id       \(details.id.decimal)",
            "  serial   \(details.id.hexSerial)",
            "  subject  \(TerminalSafe.sanitize(details.subject, maxCharacters: 300))",
            "  expires  \(utc(details.notAfter)) (\(TimeLeft.format(notAfter: details.notAfter, now: now)))",
            "  file     \(file)",
        ]
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
        return "Atlas issued \(certificate) for '\(user)', but it could not be saved: \(TerminalSafe.neutralize(reason, maxCharacters: 300)) "
            + "The private key is lost (Atlas returns it only once): the certificate exists in Atlas but nobody can use it. "
            + "Run atlas-certs create again to get another."
    }

    /// Whether Atlas may have issued a certificate although the POST failed with `error`:
    /// false only when the request was certainly refused or never sent (Atlas's 4xx
    /// answers, bad input, credentials, a refused connection, an unknown host, TLS or the
    /// proxy); true for a timeout, a reset or cut-short answer, a 5xx, an unexpected
    /// status or body, and anything unknown. The POST is never retried either way.
    public static func mayHaveIssued(after error: any Error) -> Bool {
        guard let error = error as? AtlasError else { return true }
        switch error.kind {
        case .unauthorized, .accessListDenied, .forbidden, .notFound, .invalidVersion, .badRequest, .conflict,
             .rateLimited, .credentials, .invalidInput:
            return false
        case .transport(let failure):
            switch failure {
            case .dnsFailure, .connectionRefused, .tls, .proxy: return false
            case .timeout, .connectionReset, .truncatedBody, .bodyTooLarge, .other: return true
            }
        case .serverError, .httpStatus, .decoding, .pagination, .cancelled:
            return true
        }
    }

    /// The one line after a POST that failed in a way that may still have issued a
    /// certificate (`mayHaveIssued(after:)`): `reason` is the error's message.
    public static func createUncertain(username: String, reason: String) -> String {
        let user = TerminalSafe.sanitize(username, maxCharacters: 120)
        return "The request to create a certificate for '\(user)' failed: \(TerminalSafe.neutralize(reason, maxCharacters: 300)) "
            + "Atlas may have issued a certificate anyway (the request is never retried); nothing was written. "
            + "atlas-certs list --user shows whether one was issued (its private key is lost); run atlas-certs create again to get a usable one."
    }

    /// The one line after Atlas answered the POST with something that is not a usable
    /// certificate and private key (`IssuedAnswerCheck`): nothing was written.
    public static func badAnswer(_ problem: IssuedAnswerProblem, username: String) -> String {
        let user = TerminalSafe.sanitize(username, maxCharacters: 120)
        let certificate: String
        if let details = problem.details {
            certificate = "Atlas issued certificate \(details.id.decimal) (serial \(details.id.hexSerial), valid until \(utc(details.notAfter)))"
        } else {
            certificate = "A certificate may have been issued (its ID could not be read; atlas-certs list --user shows it)"
        }
        return "\(certificate) for '\(user)', but \(TerminalSafe.neutralize(problem.reason, maxCharacters: 300)) "
            + "Nothing was written: without its private key the certificate cannot be used. Run atlas-certs create again to get another."
    }

    /// `2026-11-10 03:06:35 UTC`.
    public static func utc(_ date: Date) -> String {
        AtlasJSON.formatDate(date).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import AtlasAPI
import Foundation

/// `atlas-certs create`: a new Atlas-managed X.509 certificate for one database user,
/// written with its private key to a file of mode 0600.
struct CreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an Atlas-managed X.509 certificate for a database user and write it, with its private key, to a file.",
        discussion: """
            Only users whose x509Type is MANAGED can get one. Everything is checked before the \
            certificate is requested: the months, the user, the output directory and that the file \
            does not exist (unless --force, which replaces only a regular file: a symbolic link, \
            device, FIFO or socket is refused; /dev/stdout and /dev/fd/1 mean -). The PEM (certificate and private key) is written \
            atomically with mode 0600 and is never printed, except with --out - (standard output, \
            the summary then goes to stderr). Atlas returns the private key only once: an \
            answer without a readable certificate and key, or a request that fails after it was \
            sent (a timeout, a 5xx), is an error that says a certificate may have been issued.
            Examples:
              atlas-certs create --project Payments --user 'CN=app,OU=payments' --months 6 --out app.pem
              atlas-certs create --project 5e2211c17a3e5a48f5497de3 --user svc-orders --out - | gpg --encrypt -r ops@example.com > svc-orders.pem.gpg
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Project ID or name (default: MONGODB_ATLAS_PROJECT_ID or the profile's project_id).", valueName: "id-or-name"))
    var project: String?

    @Option(name: .long, help: ArgumentHelp("The database user (x509Type MANAGED) to issue the certificate for.", valueName: "username"))
    var user: String

    @Option(name: .long, help: ArgumentHelp("Months until the certificate expires, 1 to 24.", valueName: "n"))
    var months: Int = 3

    @Option(name: .long, help: ArgumentHelp("File to write the certificate and private key to (mode 0600); - for standard output.", valueName: "file"))
    var out: String

    @Flag(name: .long, help: "Replace the --out file if it exists and is a regular file (never a link, device or FIFO).")
    var force = false

    func validate() throws {
        guard AtlasClient.certificateValidityMonths.contains(months) else {
            throw ValidationError("--months must be between 1 and 24 (Atlas-managed certificates last at most two years).")
        }
        guard !user.isEmpty else { throw ValidationError("--user must not be empty.") }
        guard !out.isEmpty else { throw ValidationError("--out must name a file, or - for standard output.") }
    }

    func run() async throws {
        let destination = PEMDestination(argument: out)
        let writer: PEMFileWriter? = if case .file(let path) = destination { PEMFileWriter(path: path, replace: force) } else { nil }
        try await Session.run(global) { session in
            // Everything that can refuse is checked before Atlas issues anything: a
            // certificate whose key cannot be saved is a certificate lost.
            try writer?.preflight()
            guard let projectArgument = project ?? session.defaultProjectID else {
                throw AtlasError(kind: .invalidInput, message: "No project given: use --project <id or name>, or set MONGODB_ATLAS_PROJECT_ID.")
            }
            let resolved = try await session.client.project(idOrName: projectArgument)
            _ = try await session.client.userEligibleForCertificates(project: resolved, username: user)
            try writer?.preflight()

            // The PEM lives in this scope only: written, then released.
            let issued: IssuedCertificatePEM
            do {
                issued = try await session.client.createCertificate(projectID: resolved.id, username: user, months: months)
            } catch {
                // A timeout, a 5xx or an unreadable answer may hide an issued certificate.
                guard CertificateCreationReport.mayHaveIssued(after: error) else { throw error }
                Console.err("atlas-certs: " + CertificateCreationReport.createUncertain(username: user, reason: Console.message(for: error)))
                throw ExitCode(1)
            }
            // HTML, JSON, a corrupt PEM or a certificate without its key is a failure, and
            // nothing is written. The details name the certificate in every message from
            // here on, including a failed write.
            let details: IssuedCertificateDetails
            switch IssuedAnswerCheck.check(issued) {
            case .success(let checked):
                details = checked
            case .failure(let problem):
                Console.err("atlas-certs: " + CertificateCreationReport.badAnswer(problem, username: user))
                throw ExitCode(1)
            }
            do {
                if let writer {
                    try issued.withPEM { pem in try writer.write(pem) }
                } else {
                    // A reader that goes away must give EPIPE (and the message below), not kill us.
                    signal(SIGPIPE, SIG_IGN)
                    try issued.withPEM { pem in try PEMFileWriter.writeToStandardOutput(pem) }
                }
            } catch {
                let reason = Console.message(for: error)
                Console.err("atlas-certs: " + CertificateCreationReport.lostKey(details: .success(details), username: user, reason: reason))
                throw ExitCode(1)
            }
            let summary = CertificateCreationReport.summary(details: details, username: user, project: resolved, path: writer?.absolutePath,
                                                            now: Date())
            if writer == nil { Console.err(summary) } else { Console.out(summary) }
        }
    }
}

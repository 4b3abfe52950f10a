import ArgumentParser
import AtlasAPI
import Foundation

extension OutputFormat: ExpressibleByArgument {}

/// `atlas-certs list`: the certificates of one user, or of every X.509 user of a project.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the Atlas-managed X.509 certificates of a project's users.",
        discussion: """
            Without --user, lists the certificates of every database user whose x509Type is MANAGED. \
            Expired certificates are never listed: Atlas does not return them.
            Examples:
              atlas-certs list --project 5e2211c17a3e5a48f5497de3
              atlas-certs list --project Payments --user 'CN=app,OU=payments' --output json
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Project ID or name (default: MONGODB_ATLAS_PROJECT_ID or the profile's project_id).", valueName: "id-or-name"))
    var project: String?

    @Option(name: .long, help: ArgumentHelp("Only this database user's certificates.", valueName: "username"))
    var user: String?

    @Option(name: [.short, .long], help: "Output format: table, json, csv or ndjson.")
    var output: OutputFormat = .table

    @Option(name: .long, help: ArgumentHelp("Users fetched at once.", valueName: "n"))
    var concurrency: Int = 8

    func validate() throws {
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 64.") }
    }

    func run() async throws {
        try await Session.run(global) { session in
            guard let projectArgument = project ?? session.defaultProjectID else {
                throw AtlasError(kind: .invalidInput, message: "No project given: use --project <id or name>, or set MONGODB_ATLAS_PROJECT_ID.")
            }
            let resolved = try await session.client.project(idOrName: projectArgument)
            let rows = try await session.client.certificateRows(project: resolved, username: user, concurrency: concurrency)
            // Status words follow the same thresholds as the browser (the settings file, else 30d/7d).
            let policy = try ExpiryPolicy.resolve(warningFlag: nil, criticalFlag: nil, settings: try AtlasCertsSettings.load())
            Console.out(CertificateReport(rows: rows, now: Date(), policy: policy).render(output))
        }
    }
}

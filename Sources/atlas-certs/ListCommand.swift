import ArgumentParser
import AtlasAPI
import Foundation

extension OutputFormat: ExpressibleByArgument {}

/// `atlas-certs list`: the certificates of one user, or of every X.509 user of a project.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the Atlas-managed X.509 certificates of a project's users, or of the whole fleet.",
        discussion: """
            Without --user, lists the certificates of every database user whose x509Type is MANAGED. \
            With --all, scans every project the credentials can see (or one organization's, with --org); \
            --output ndjson then streams rows as they arrive, and progress goes to stderr when it is a terminal. \
            If part of the fleet cannot be read, what was found is printed, each failure is named on stderr, \
            and the exit status is 1. Expired certificates are never listed: Atlas does not return them.
            Examples:
              atlas-certs list --project 5e2211c17a3e5a48f5497de3
              atlas-certs list --project Payments --user 'CN=app,OU=payments' --output json
              atlas-certs list --all --expiring-within 30d
              atlas-certs list --all --org 5e2211c17a3e5a48f5497de0 --output ndjson | jq .
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Project ID or name (default: MONGODB_ATLAS_PROJECT_ID or the profile's project_id).", valueName: "id-or-name"))
    var project: String?

    @Option(name: .long, help: ArgumentHelp("Only this database user's certificates.", valueName: "username"))
    var user: String?

    @Flag(name: .long, help: "Every Atlas-managed certificate the credentials can see, in every project.")
    var all = false

    @Option(name: .long, help: ArgumentHelp("With --all: only the projects of this organization.", valueName: "org-id"))
    var org: String?

    @Option(name: .long, help: ArgumentHelp("Only certificates that expire within this time, e.g. 30d, 2w, 72h.", valueName: "duration"))
    var expiringWithin: String?

    @Option(name: [.short, .long], help: "Output format: table, json, csv or ndjson.")
    var output: OutputFormat = .table

    @Option(name: .long, help: ArgumentHelp("Requests in flight at once.", valueName: "n"))
    var concurrency: Int = FleetScanner.defaultConcurrency

    func validate() throws {
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 64.") }
        if all, project != nil || user != nil {
            throw ValidationError("--all scans every project; leave out --project and --user (or leave out --all).")
        }
        if org != nil, !all { throw ValidationError("--org selects the organization of a fleet scan; add --all.") }
        _ = try window()
    }

    /// --expiring-within as seconds.
    func window() throws -> TimeInterval? {
        guard let expiringWithin else { return nil }
        let shown = TerminalSafe.sanitize(expiringWithin, maxCharacters: 40)
        switch DurationText.read(expiringWithin) {
        case .success(let seconds):
            return seconds
        case .failure(.malformed):
            throw ValidationError("--expiring-within takes a duration such as 30d, 2w, 72h or 90m; got '\(shown)'.")
        case .failure(.tooLong):
            throw ValidationError("--expiring-within must be at most \(DurationText.maximumText); got '\(shown)'.")
        }
    }

    func run() async throws {
        // With stdout closed, nothing the scan finds could be shown: say so before scanning.
        do { try Console.checkStdout() } catch { throw Session.failure(error) }
        if all { return try await runFleet { _ in ScanScope(organizationID: org) } }
        guard let user else {
            // A project's users: the fleet engine over one project, so that one unreadable
            // user is named and the rest is listed, as in `check --project` and `--all`.
            return try await runFleet { session in ScanScope(projects: [try projectArgument(session)]) }
        }
        try await Session.run(global) { session in
            let resolved = try await session.client.project(idOrName: try projectArgument(session))
            let rows = try await FleetJobRunner(client: session.client).certificateRows(of: user, in: resolved)
            let now = Date()
            let keep = try Self.filter(window(), now: now)
            Console.out(CertificateReport(rows: rows.filter(keep), now: now, policy: try Self.policy(), judgedAmong: rows).render(output))
            try Console.checkStdout()
        }
    }

    /// --project, else the environment's or the profile's project.
    private func projectArgument(_ session: Session) throws -> String {
        guard let projectArgument = project ?? session.defaultProjectID else {
            throw AtlasError(kind: .invalidInput, message: "No project given: use --project <id or name>, or set MONGODB_ATLAS_PROJECT_ID.")
        }
        return projectArgument
    }

    /// `list --all` and `list --project`: the fleet scan, streamed in NDJSON, printed at
    /// the end otherwise.
    func runFleet(scope: @escaping @Sendable (Session) throws -> ScanScope) async throws {
        try await Session.run(global) { session in
            let now = Date()
            let keep = try Self.filter(window(), now: now)
            let report = CertificateReport(rows: [], now: now, policy: try Self.policy())
            let scanner = FleetScanner(client: session.client, scope: try scope(session), concurrency: concurrency)
            let streaming = output == .ndjson
            // A user's rows arrive together, so each batch knows its own superseded ones.
            let stream: @Sendable ([CertificateRow]) -> Void = { rows in
                let sorted = rows.sorted(by: CertificateRow.byExpiry)
                let batch = CertificateReport(rows: sorted.filter(keep), now: now, policy: report.policy, judgedAmong: sorted)
                Console.out(batch.render(.ndjson))
            }
            let result = try await ScanRunner.run(scanner, onRows: streaming ? stream : nil)
            if !streaming {
                Console.out(CertificateReport(rows: result.rows.filter(keep), now: now, policy: report.policy, judgedAmong: result.rows)
                    .render(output))
            }
            _ = ScanRunner.remember(result, session: session, now: now)
            ScanRunner.reportFailures(result, verbose: global.verbose)
            try Console.checkStdout()
            if !result.isComplete { throw ExitCode(1) }
        }
    }

    /// Status words follow the same thresholds as the browser (the settings file, else 30d/7d).
    static func policy() throws -> ExpiryPolicy {
        try ExpiryPolicy.resolve(warningFlag: nil, criticalFlag: nil, settings: try AtlasCertsSettings.load())
    }

    static func filter(_ window: TimeInterval?, now: Date) -> @Sendable (CertificateRow) -> Bool {
        guard let window else { return { _ in true } }
        let cutoff = now.addingTimeInterval(window)
        return { $0.certificate.notAfter <= cutoff }
    }
}

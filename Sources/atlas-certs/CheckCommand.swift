import ArgumentParser
import AtlasAPI
import Foundation

/// `atlas-certs check`: a monitoring plugin. One line on stdout and the exit status that
/// Nagios, Icinga, Sensu and CI jobs understand: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the fleet's certificates for a monitoring system (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).",
        discussion: """
            Scans every project the credentials can see (or those given with --project, or one \
            organization's with --org) and prints one line: the counts by status, the certificate that \
            expires soonest with its project and user, and performance data after '|'. The exit status is \
            2 when any certificate has less than --critical left, else 1 when any has less than --warning \
            left, else 0; it is 3 (UNKNOWN) when the scan could not read everything, and for bad options or \
            credentials. --output json prints the details instead. The whole check ends within --deadline \
            (50 s by default, under Nagios' 60 s), with UNKNOWN if Atlas has not answered by then.
            Examples:
              atlas-certs check --warning 30d --critical 7d
              atlas-certs check --project payments-prod --project 5e2211c17a3e5a48f5497de3 --output json
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("WARNING when less than this is left, e.g. 30d, 2w, 72h (default: the settings file's [thresholds] warning, else 30d).", valueName: "duration"))
    var warning: String?

    @Option(name: .long, help: ArgumentHelp("CRITICAL when less than this is left, e.g. 7d (default: the settings file's [thresholds] critical, else 7d).", valueName: "duration"))
    var critical: String?

    @Option(name: .long, help: ArgumentHelp("Only this project (ID or name); repeat for several.", valueName: "id-or-name"))
    var project: [String] = []

    @Option(name: .long, help: ArgumentHelp("Only the projects of this organization.", valueName: "org-id"))
    var org: String?

    @Option(name: [.short, .long], help: "Output: text (one line) or json (the details).")
    var output: Format = .text

    @Option(name: .long, help: ArgumentHelp("Requests in flight at once.", valueName: "n"))
    var concurrency: Int = FleetScanner.defaultConcurrency

    @Flag(name: .long, help: "Judge every certificate, not each user's coverage: a rotated user's old certificate counts too (the behaviour before coverage).")
    var everyCertificate = false

    @Flag(name: .long, help: "A MANAGED user that was never issued a certificate is CRITICAL (default: counted only).")
    var requireCertificate = false

    /// Under Nagios' default plugin timeout of 60 s, so that a slow or silent Atlas gives an
    /// UNKNOWN line rather than a killed plugin.
    static let defaultDeadline: Double = 50

    @Option(name: .long, help: ArgumentHelp("UNKNOWN when the whole check has not finished within this many seconds (1 to 3600).", valueName: "seconds"))
    var deadline: Double = CheckCommand.defaultDeadline

    func run() async throws {
        // With stdout closed, no verdict could be read: say so (on stderr) before scanning.
        try checkStdout()
        // Everything else that goes wrong is UNKNOWN (3), said on stdout where monitoring
        // systems read the plugin's answer.
        let policy: ExpiryPolicy
        do {
            guard (1...64).contains(concurrency) else {
                throw AtlasError(kind: .invalidInput, message: "--concurrency must be between 1 and 64.")
            }
            guard deadline.isFinite, (1...3600).contains(deadline) else {
                throw AtlasError(kind: .invalidInput, message: "--deadline must be between 1 and 3600 seconds.")
            }
            policy = try ExpiryPolicy.resolve(warningFlag: warning, criticalFlag: critical, settings: try AtlasCertsSettings.load())
        } catch {
            throw unknown(error)
        }
        let scope = ScanScope(organizationID: org, projects: project)
        let concurrency = concurrency
        let (result, history) = try await Session.run(global, onFailure: unknown) { session in
            let result = try await Deadline.within(seconds: deadline, option: "--deadline") {
                try await ScanRunner.run(FleetScanner(client: session.client, scope: scope, concurrency: concurrency))
            }
            return (result, ScanRunner.remember(result, session: session, now: Date()))
        }
        let now = Date()
        let report = everyCertificate
            ? CheckReport(scan: result, now: now, policy: policy)
            : CheckReport(scan: result, now: now, policy: policy, history: history, requireCertificate: requireCertificate)
        Console.out(output == .json ? report.json() : report.summaryLine + "\n")
        // A verdict nobody can read is no verdict: UNKNOWN, said on stderr.
        try checkStdout()
        if report.state != .ok { throw ExitCode(Int32(report.state.rawValue)) }
    }

    /// When stdout is lost (closed, a full disk), one line on stderr and UNKNOWN (3): exit
    /// status 1 would read as WARNING to a monitoring system.
    private func checkStdout() throws {
        do {
            try Console.checkStdout()
        } catch {
            Console.err("atlas-certs: \(error.message)")
            throw ExitCode(Int32(CheckReport.State.unknown.rawValue))
        }
    }

    /// Prints the UNKNOWN line (or JSON) for a failure before any verdict, and gives the exit status.
    private func unknown(_ error: any Error) -> ExitCode {
        let message = Console.message(for: error).replacingOccurrences(of: "|", with: "/")
        if output == .json {
            let escaped = CertificateReport.jsonString(message)
            Console.out("{\n  \"state\" : \"UNKNOWN\",\n  \"exitCode\" : 3,\n  \"summary\" : \(escaped)\n}\n")
        } else {
            Console.out("ATLAS-CERTS UNKNOWN - \(message)\n")
        }
        do {
            try Console.checkStdout()
        } catch {
            Console.err("atlas-certs: \(error.message) UNKNOWN - \(message)")
        }
        return ExitCode(Int32(CheckReport.State.unknown.rawValue))
    }
}

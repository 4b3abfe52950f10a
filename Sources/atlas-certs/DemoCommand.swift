import ArgumentParser
import AtlasAPI
import AtlasSimulator
import Foundation

/// `atlas-certs demo`: everything on an embedded Atlas simulator with generated data,
/// no account and nothing to configure.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Try atlas-certs on an embedded Atlas simulator with generated data (no account needed).",
        discussion: """
            Starts the Atlas simulator on 127.0.0.1 with a demo organization and opens the \
            certificate browser on it (press ? for every key, q to quit). With --list, or when \
            stdout is not a terminal, prints every Atlas-managed certificate instead, soonest \
            expiry first. The simulator speaks the real Atlas API (Digest authentication, \
            pagination, Atlas error bodies), so this exercises the same code that talks to \
            cloud.mongodb.com.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var flags: BrowserFlags

    @Flag(name: .long, help: "Print the certificates instead of opening the browser.")
    var list = false

    @Option(name: [.short, .long], help: "Output format with --list: table, json, csv or ndjson.")
    var output: OutputFormat = .table

    @Option(name: .long, help: ArgumentHelp("Generate a larger organization from this seed instead of the demo data.", valueName: "seed"))
    var seed: UInt64?

    func validate() throws {
        if global.profile != nil || global.baseURL != nil {
            throw ValidationError("demo talks to its own simulator on 127.0.0.1: --profile and --base-url do not apply (use atlas-certs browse for your Atlas).")
        }
    }

    func run() async throws {
        let now = Date()
        let data = seed.map { SimulatorData.generate(seed: $0, now: now, organizations: 2, projectsPerOrganization: 5, usersPerProject: 20) }
            ?? SimulatorData.demo(now: now)
        let simulator: AtlasSimulator
        do {
            simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(), data: data)
        } catch {
            Console.err("atlas-certs: could not start the demo simulator on 127.0.0.1: \(Console.message(for: error))")
            throw ExitCode(1)
        }
        let credentials = simulator.configuration.credentials
        let session: Session
        do {
            session = try Session.open(baseURL: simulator.baseURL,
                                       credentials: .apiKey(publicKey: credentials.publicKey, privateKey: Secret(credentials.privateKey)),
                                       options: global)
        } catch {
            try? await simulator.shutdown()
            Console.err("atlas-certs: \(Console.message(for: error))")
            throw ExitCode(1)
        }
        var failure: (any Error)?
        do {
            if !list && Console.stdoutIsTerminal {
                try await BrowserRuntime.run(client: session.client, options: try flags.options)
            } else {
                try await printAll(session.client)
            }
        } catch {
            failure = error
        }
        await session.transport.shutdown()
        try? await simulator.shutdown()
        if let failure {
            if let exit = failure as? ExitCode { throw exit }
            Console.err("atlas-certs: \(Console.message(for: failure))")
            throw ExitCode(1)
        }
    }

    /// Every certificate of the demo organization, soonest expiry first: the fleet
    /// engine's scan, as `list --all` runs it.
    private func printAll(_ client: AtlasClient) async throws {
        let result = try await ScanRunner.run(FleetScanner(client: client))
        Console.out(CertificateReport(rows: result.rows, now: Date(), policy: try flags.policy()).render(output))
        ScanRunner.reportFailures(result, verbose: global.verbose)
        try Console.checkStdout()
        if !result.isComplete { throw ExitCode(1) }
    }
}

import ArgumentParser
import AtlasAPI
import AtlasExporter
import Foundation
import Logging
import ServiceLifecycle

/// `atlas-certs exporter`: a Prometheus exporter. Scans the fleet at start and every
/// interval and serves the last snapshot on `/metrics`; see docs/monitoring.md.
struct ExporterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exporter",
        abstract: "Serve the fleet's certificates as Prometheus metrics (/metrics, /healthz).",
        discussion: """
            Scans every project the credentials can see (or those given with --project, or one \
            organization's with --org) at start and every --interval, one scan at a time, and serves \
            the last complete scan from memory: a scrape never calls Atlas. A failed or partial scan \
            keeps the last good data and sets atlas_certs_scan_complete to 0. One log line per scan \
            on stderr. Stops on SIGTERM or SIGINT (exit 0). The metrics name every MANAGED database \
            user: listen on loopback or a private address only (docs/monitoring.md).
            Examples:
              atlas-certs exporter --listen 127.0.0.1:9947
              atlas-certs exporter --listen 10.0.0.5:9947 --interval 30m --org 5e2211c17a3e5a48f5497de1
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Address to serve on, HOST:PORT (e.g. 127.0.0.1:9947, [::1]:9947; port 0 picks a free one and logs it).", valueName: "host:port"))
    var listen: String

    @Option(name: .long, help: ArgumentHelp("Time from the end of one scan to the start of the next, e.g. 15m, 1h (at least 1s).", valueName: "duration"))
    var interval: String = "15m"

    @Option(name: .long, help: ArgumentHelp("Only this project (ID or name); repeat for several.", valueName: "id-or-name"))
    var project: [String] = []

    @Option(name: .long, help: ArgumentHelp("Only the projects of this organization.", valueName: "org-id"))
    var org: String?

    @Option(name: .long, help: ArgumentHelp("Requests in flight at once.", valueName: "n"))
    var concurrency: Int = FleetScanner.defaultConcurrency

    @Flag(name: .long, inversion: .prefixedNo, help: "Remember certificates seen (under the cache directory, mode 0600), so users that lost access are reported.")
    var history = true

    func validate() throws {
        guard ListenAddress(listen) != nil else {
            throw ValidationError("--listen must be HOST:PORT (e.g. 127.0.0.1:9947 or [::1]:9947), not '\(TerminalSafe.sanitize(listen, maxCharacters: 80))'.")
        }
        guard let seconds = try? DurationText.read(interval).get(), seconds >= 1 else {
            throw ValidationError("--interval must be a duration of at least 1s, e.g. 15m or 1h, not '\(TerminalSafe.sanitize(interval, maxCharacters: 80))'.")
        }
        guard (1...64).contains(concurrency) else {
            throw ValidationError("--concurrency must be between 1 and 64.")
        }
    }

    func run() async throws {
        guard let address = ListenAddress(listen), let seconds = try? DurationText.read(interval).get() else { throw ExitCode(64) }
        let level: Logger.Level = global.verbose ? .debug : .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "atlas-certs.exporter")
        let scope = ScanScope(organizationID: org, projects: project)
        let concurrency = concurrency
        let keepHistory = history
        try await Session.run(global) { session in
            let client = session.client
            let store: CertificateHistoryFile? = keepHistory
                ? CertificateHistoryFile(identity: session.cacheIdentity, environment: ProcessInfo.processInfo.environment) : nil
            let loop = ExporterScanLoop(
                scan: { try await FleetScanner(client: client, scope: scope, concurrency: concurrency).run() },
                interval: .milliseconds(Int64(seconds * 1000)), version: AtlasCertsVersion.current,
                historyStore: store, logger: logger)
            let server: MetricsHTTPServer
            do {
                server = try await MetricsHTTPServer.start(host: address.host, port: address.port, publication: loop.publication)
            } catch {
                throw AtlasError(kind: .invalidInput, message: "Cannot listen on \(TerminalSafe.sanitize(listen, maxCharacters: 80)): \(TerminalSafe.sanitize(String(describing: error), maxCharacters: 200)).")
            }
            logger.info("listening", metadata: [
                "address": "\(address.display(port: server.port))", "interval": "\(TimeLeft.span(seconds))",
                "history": "\(store?.path ?? "off")",
            ])
            let group = ServiceGroup(services: [ExporterService(loop: loop, server: server, logger: logger)],
                                     gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            try await group.run()
            logger.info("stopped")
        }
    }
}

/// `HOST:PORT` of `--listen`: an IPv4 address or name, or an IPv6 address in brackets.
struct ListenAddress: Equatable {
    var host: String
    var port: Int

    init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65_535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { return nil }
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            return nil
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else { return nil }
        self.host = host
        self.port = port
    }

    func display(port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

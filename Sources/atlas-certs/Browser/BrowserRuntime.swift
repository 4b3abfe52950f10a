import ArgumentParser
import AtlasAPI
import CertBrowser
import Foundation
import NcursesTerminal

/// Runs the interactive browser on a client until the user quits.
///
/// The one place where the pure core meets the world: it owns the `State`, turns keys,
/// ticks, resizes and network results into actions, performs the effects `reduce`
/// returns, and paints what `render` draws. The terminal is restored on every way out:
/// quit, a termination signal, a thrown error (crash signals restore it themselves).
enum BrowserRuntime {
    /// Opens the browser full-screen on `client` and returns when the user quits.
    /// - Throws: `BrowserError` or `TerminalError` when the screen cannot open (printed
    ///   by the caller, after the terminal is back to normal); `ExitCode(128 + signal)`
    ///   after SIGINT, SIGTERM or SIGHUP, as shells expect.
    @MainActor
    ///
    /// With `history`, the users screen tells lost access from never issued and the
    /// certificates screen shows recently expired certificates; what this run saw is
    /// recorded into it when the browser closes (as `check` and `list` do).
    static func run(client: AtlasClient, options: BrowserOptions, cache: MetadataCache? = nil,
                    history historyFile: CertificateHistoryFile? = nil) async throws {
        let environment = options.environment
        let mode: ClipboardMode
        do {
            mode = try ClipboardMode.resolve(flag: options.clipboard, environment: environment)
        } catch {
            throw BrowserError(message: error.message)
        }
        let path = environment["PATH"]
        let findExecutable: @Sendable (String) -> String? = { ExecutableSearch.find($0, path: path) }
        let plan = ClipboardPlan.choose(mode: mode, environment: ClipboardEnvironment(environment: environment),
                                        findExecutable: findExecutable)

        // Read before the screen opens: the first frame already shows the last run's data.
        let restored = cache.map { CacheBridge.restore($0.load()) } ?? nil
        let history = historyFile?.load() ?? CertificateHistory()
        let terminal = try NcursesTerminal.start(NcursesTerminal.Configuration(
            colorMode: options.color, palette: options.palette, ascii: options.ascii, selection: options.selection,
            environment: environment))
        defer { terminal.restore() }
        let clipboard = Clipboard(plan: plan, findExecutable: findExecutable,
                                  writeToTerminal: { [weak terminal] bytes in terminal?.writeRaw(bytes) ?? false })
        let session = BrowserSession(terminal: terminal, clipboard: clipboard, client: client, policy: options.policy,
                                     startWithAllCertificates: options.startWithAllCertificates, restored: restored,
                                     history: history)
        let signal = await session.run()
        terminal.restore()
        if let cache, let metadata = session.metadataToCache {
            do {
                try cache.save(metadata)
            } catch {
                Console.err("atlas-certs: warning: could not save the cache: \(error.message)")
            }
        }
        if let historyFile {
            let seen = session.certificatesSeen
            if !seen.isEmpty {
                let now = Date()
                do {
                    try historyFile.save(history.recording(seen, now: now).pruned(now: now))
                } catch {
                    Console.err("atlas-certs: warning: could not save the certificate history: \(error.message)")
                }
            }
        }
        if let signal { throw ExitCode(128 + signal) }
    }
}

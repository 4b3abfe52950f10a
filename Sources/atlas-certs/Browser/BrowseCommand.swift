import ArgumentParser
import AtlasAPI
import Foundation
import NcursesTerminal

/// `atlas-certs` (or `atlas-certs browse`): the full-screen certificate browser.
struct BrowseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "browse",
        abstract: "Browse projects, users and their certificates full-screen (the default command).",
        discussion: """
            Keys: arrows or j/k move, Enter drills in, Esc goes back, / filters, < > r sort, \
            y copies the certificate ID, R refreshes, ? lists every key, q quits.
            Copying: --clipboard auto prefers OSC 52 over SSH, otherwise wl-copy, xclip, xsel or pbcopy, \
            then OSC 52 (wrapped for tmux, which needs 'set -g allow-passthrough on'). \
            ATLAS_CERTS_CLIPBOARD sets the mode and ATLAS_CERTS_CLIPBOARD_COMMAND a shell command that \
            receives the text on stdin (for example 'wl-copy' or 'tmux load-buffer -w -').
            Colour follows NO_COLOR unless --color always is given.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var flags: BrowserFlags

    @Flag(name: .long, help: "Do not read or write the metadata cache (the last run's projects, users and certificate dates, under $XDG_CACHE_HOME/atlas-certs).")
    var noCache = false

    func run() async throws {
        let options = try flags.options
        try await Session.run(global) { session in
            let cache = noCache ? nil : MetadataCache(identity: session.cacheIdentity, environment: options.environment)
            let history = CertificateHistoryFile(identity: session.cacheIdentity, environment: options.environment)
            try await BrowserRuntime.run(client: session.client, options: options, cache: cache, history: history)
        }
    }
}

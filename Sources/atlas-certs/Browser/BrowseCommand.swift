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

    func run() async throws {
        let options = try flags.options
        try await Session.run(global) { session in
            try await BrowserRuntime.run(client: session.client, options: options)
        }
    }
}

import ArgumentParser
import AtlasAPI
import Foundation
import NcursesTerminal

extension ClipboardMode: ExpressibleByArgument {}
extension ColorMode: ExpressibleByArgument {}

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

    @Option(name: .long, help: ArgumentHelp("How to copy: auto, osc52, native or command (default: ATLAS_CERTS_CLIPBOARD, else auto).", valueName: "mode"))
    var clipboard: ClipboardMode?

    @Option(name: .long, help: ArgumentHelp("Colour: auto (honours NO_COLOR), always or never.", valueName: "when"))
    var color: ColorMode = .auto

    @Flag(name: .long, help: "Use orange and blue instead of red and green (red-green colour blindness).")
    var colorblind = false

    @Flag(name: .long, help: "Draw with ASCII only, whatever the locale.")
    var ascii = false

    @Option(name: .long, help: ArgumentHelp("Warn when less than this is left (e.g. 30d, 2w, 72h).", valueName: "duration"))
    var warning: String = "\(ExpiryPolicy.defaultWarningDays)d"

    @Option(name: .long, help: ArgumentHelp("Critical when less than this is left (e.g. 7d).", valueName: "duration"))
    var critical: String = "\(ExpiryPolicy.defaultCriticalDays)d"

    func validate() throws {
        _ = try policy()
    }

    /// The thresholds as an `ExpiryPolicy`.
    func policy() throws -> ExpiryPolicy {
        guard let warningInterval = DurationText.parse(warning) else {
            throw ValidationError("--warning must be a duration such as 30d, 2w or 72h, not '\(TerminalSafe.sanitize(warning))'.")
        }
        guard let criticalInterval = DurationText.parse(critical) else {
            throw ValidationError("--critical must be a duration such as 7d or 48h, not '\(TerminalSafe.sanitize(critical))'.")
        }
        guard criticalInterval <= warningInterval else {
            throw ValidationError("--critical (\(critical)) must not be longer than --warning (\(warning)).")
        }
        return ExpiryPolicy(warning: warningInterval, critical: criticalInterval)
    }

    var options: BrowserOptions {
        get throws {
            BrowserOptions(clipboard: clipboard, color: color, palette: colorblind ? .colorBlindSafe : .standard,
                           policy: try policy(), ascii: ascii ? true : nil)
        }
    }

    func run() async throws {
        let options = try options
        try await Session.run(global) { session in
            try await BrowserRuntime.run(client: session.client, options: options)
        }
    }
}

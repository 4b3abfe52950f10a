import ArgumentParser
import AtlasAPI
import CertBrowser
import NcursesTerminal

extension ClipboardMode: ExpressibleByArgument {}
extension ColorMode: ExpressibleByArgument {}
extension SelectionStyle: ExpressibleByArgument {}

/// The options of the certificate browser, shared by `browse` and `demo`.
struct BrowserFlags: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("How to copy: auto, osc52, native or command (default: ATLAS_CERTS_CLIPBOARD, else auto).", valueName: "mode"))
    var clipboard: ClipboardMode?

    @Option(name: .long, help: ArgumentHelp("Colour: auto (honours NO_COLOR), always or never.", valueName: "when"))
    var color: ColorMode = .auto

    @Flag(name: .long, help: "Use orange and blue instead of red and green (red-green colour blindness).")
    var colorblind = false

    @Flag(name: .long, help: "Draw with ASCII only, whatever the locale.")
    var ascii = false

    @Option(name: .long, help: ArgumentHelp("Highlight of the selected row: cell (the › mark and the ID; the row keeps its colours) or row (the whole row) (default: the settings file's [browser] selection, else cell).", valueName: "style"))
    var selection: SelectionStyle?

    @Flag(name: .long, help: "Start in the all-certificates view: every certificate of every project, soonest expiry first (a).")
    var all = false

    @Option(name: .long, help: ArgumentHelp("Warn when less than this is left, e.g. 30d, 2w, 72h (default: the settings file's [thresholds] warning, else 30d).", valueName: "duration"))
    var warning: String?

    @Option(name: .long, help: ArgumentHelp("Critical when less than this is left, e.g. 7d (default: the settings file's [thresholds] critical, else 7d).", valueName: "duration"))
    var critical: String?

    func validate() throws {
        _ = try options
    }

    /// atlas-certs' settings file, read once for everything the flags leave to it.
    private func settings() throws -> AtlasCertsSettings {
        do {
            return try AtlasCertsSettings.load()
        } catch let error as AtlasError {
            throw ValidationError(error.message)
        }
    }

    /// The thresholds: flags, else atlas-certs' settings file, else 30d / 7d.
    func policy() throws -> ExpiryPolicy {
        try policy(settings: settings())
    }

    private func policy(settings: AtlasCertsSettings) throws -> ExpiryPolicy {
        do {
            return try ExpiryPolicy.resolve(warningFlag: warning, criticalFlag: critical, settings: settings)
        } catch let error as AtlasError {
            throw ValidationError(error.message)
        }
    }

    /// Everything the browser takes from the flags, with the settings file (read once)
    /// for what they leave out: thresholds, and the selection highlight (else `cell`).
    var options: BrowserOptions {
        get throws {
            let settings = try settings()
            return BrowserOptions(clipboard: clipboard, color: color, palette: colorblind ? .colorBlindSafe : .standard,
                                  policy: try policy(settings: settings), ascii: ascii ? true : nil,
                                  selection: selection ?? settings.selection.flatMap(SelectionStyle.init(rawValue:)) ?? .cell,
                                  startWithAllCertificates: all)
        }
    }
}

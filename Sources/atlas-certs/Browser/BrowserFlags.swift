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
        _ = try policy()
        _ = try selectionStyle()
    }

    /// The selection highlight: the flag, else the settings file, else `cell`.
    func selectionStyle() throws -> SelectionStyle {
        if let selection { return selection }
        do {
            return try AtlasCertsSettings.load().selection.flatMap(SelectionStyle.init(rawValue:)) ?? .cell
        } catch let error as AtlasError {
            throw ValidationError(error.message)
        }
    }

    /// The thresholds: flags, else atlas-certs' settings file, else 30d / 7d.
    func policy() throws -> ExpiryPolicy {
        do {
            return try ExpiryPolicy.resolve(warningFlag: warning, criticalFlag: critical, settings: try AtlasCertsSettings.load())
        } catch let error as AtlasError {
            throw ValidationError(error.message)
        }
    }

    var options: BrowserOptions {
        get throws {
            BrowserOptions(clipboard: clipboard, color: color, palette: colorblind ? .colorBlindSafe : .standard,
                           policy: try policy(), ascii: ascii ? true : nil, selection: try selectionStyle(),
                           startWithAllCertificates: all)
        }
    }
}

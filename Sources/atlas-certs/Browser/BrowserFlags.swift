import ArgumentParser
import AtlasAPI
import NcursesTerminal

extension ClipboardMode: ExpressibleByArgument {}
extension ColorMode: ExpressibleByArgument {}

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
}

import Foundation
import TOMLKit

/// atlas-certs' own settings file, for what a user wants every time without typing flags.
///
/// Where: `$ATLAS_CERTS_CONFIG`, else `$XDG_CONFIG_HOME/atlas-certs/config.toml`, else
/// `~/.config/atlas-certs/config.toml`. A missing file means defaults. It never holds
/// credentials (those come from the Atlas CLI's config or the environment).
///
/// ```toml
/// [thresholds]
/// warning = "30d"   # WARNING when less than this is left
/// critical = "7d"   # CRITICAL when less than this is left
///
/// [browser]
/// selection = "row" # highlight the whole selected row (default "cell")
/// ```
public struct AtlasCertsSettings: Sendable, Equatable {
    public var warning: String?
    public var critical: String?
    /// `[browser] selection`: "cell" or "row" (checked when parsed).
    public var selection: String?
    /// The file the values came from, for messages.
    public var path: String?

    /// The values `[browser] selection` takes.
    public static let selectionStyles = ["cell", "row"]

    public init(warning: String? = nil, critical: String? = nil, selection: String? = nil, path: String? = nil) {
        self.warning = warning
        self.critical = critical
        self.selection = selection
        self.path = path
    }

    /// Parses the file's text; unknown keys are ignored so that newer files still load.
    public static func parse(_ text: String, path: String) throws -> AtlasCertsSettings {
        let table: TOMLTable
        do {
            table = try TOMLReading.table(text)
        } catch let position as TOMLReading.SyntaxError {
            throw AtlasError(kind: .invalidInput, message: "The settings file \(path) is not valid TOML (line \(position.line), column \(position.column)).")
        } catch {
            throw AtlasError(kind: .invalidInput, message: "The settings file \(path) could not be parsed as TOML.")
        }
        let thresholds = table["thresholds"]?.table
        return AtlasCertsSettings(warning: try duration(thresholds?["warning"], key: "warning", path: path),
                                  critical: try duration(thresholds?["critical"], key: "critical", path: path),
                                  selection: try selection(table["browser"]?.table?["selection"], path: path), path: path)
    }

    /// `[browser] selection`: one of `selectionStyles`; anything else is an error.
    static func selection(_ value: (any TOMLValueConvertible)?, path: String) throws -> String? {
        guard let value else { return nil }
        if let text = value.string, selectionStyles.contains(text) { return text }
        throw AtlasError(kind: .invalidInput, message: "In the settings file \(path), [browser] selection must be \"cell\" or \"row\"; got \(TerminalSafe.sanitize(String(describing: value), maxCharacters: 40)).")
    }

    /// A threshold as written: a duration string (`"30d"`), or a bare number of days
    /// (`30`), as on the command line. Anything else is an error rather than silently
    /// ignored, so a typo never leaves the default in force unnoticed.
    static func duration(_ value: (any TOMLValueConvertible)?, key: String, path: String) throws -> String? {
        guard let value else { return nil }
        if let text = value.string { return text }
        if let days = value.int { return "\(days)d" }
        throw AtlasError(kind: .invalidInput, message: "In the settings file \(path), [thresholds] \(key) must be a duration such as \"30d\" or a number of days; got \(TerminalSafe.sanitize(String(describing: value), maxCharacters: 40)).")
    }

    /// Where the settings file is looked for.
    public static func path(environment: [String: String], homeDirectory: String) -> String {
        if let explicit = environment["ATLAS_CERTS_CONFIG"], !explicit.isEmpty { return explicit }
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg + "/atlas-certs/config.toml" }
        return homeDirectory + "/.config/atlas-certs/config.toml"
    }

    /// Reads the settings file of this machine; no file means no settings.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AtlasCertsSettings {
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        let file = path(environment: environment, homeDirectory: home)
        guard FileManager.default.fileExists(atPath: file) else { return AtlasCertsSettings() }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw AtlasError(kind: .invalidInput, message: "The settings file \(file) cannot be read.")
        }
        return try parse(String(decoding: data, as: UTF8.self), path: file)
    }
}

extension ExpiryPolicy {
    /// The thresholds from flags, else the settings file, else 30d / 7d. Each value is a
    /// duration such as `30d`, `2w`, `72h`; critical may not be longer than warning.
    public static func resolve(warningFlag: String?, criticalFlag: String?, settings: AtlasCertsSettings) throws -> ExpiryPolicy {
        let fileName = settings.path.map { "thresholds in \($0)" } ?? "settings file"
        let (warningText, warningSource) = warningFlag.map { ($0, "--warning") }
            ?? settings.warning.map { ($0, "warning (\(fileName))") } ?? ("\(defaultWarningDays)d", "default")
        let (criticalText, criticalSource) = criticalFlag.map { ($0, "--critical") }
            ?? settings.critical.map { ($0, "critical (\(fileName))") } ?? ("\(defaultCriticalDays)d", "default")
        let warning = try seconds(warningText, source: warningSource, examples: "30d, 2w or 72h")
        let critical = try seconds(criticalText, source: criticalSource, examples: "7d or 48h")
        guard critical <= warning else {
            throw AtlasError(kind: .invalidInput, message: "The critical threshold (\(criticalText), \(criticalSource)) must not be longer than the warning threshold (\(warningText), \(warningSource)).")
        }
        return ExpiryPolicy(warning: warning, critical: critical)
    }

    /// One threshold in seconds, or a one-line error naming where the text came from.
    static func seconds(_ text: String, source: String, examples: String) throws -> TimeInterval {
        let shown = TerminalSafe.sanitize(text, maxCharacters: 40)
        switch DurationText.read(text) {
        case .success(let seconds):
            return seconds
        case .failure(.malformed):
            throw AtlasError(kind: .invalidInput, message: "\(source) must be a duration such as \(examples), not '\(shown)'.")
        case .failure(.tooLong):
            throw AtlasError(kind: .invalidInput, message: "\(source) must be at most \(DurationText.maximumText), not '\(shown)'.")
        }
    }
}

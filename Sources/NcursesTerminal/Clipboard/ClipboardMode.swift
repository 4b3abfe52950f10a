import Foundation

/// How the browser copies text, chosen by `--clipboard` or `ATLAS_CERTS_CLIPBOARD`.
///
/// The same four choices k9s and lazygit users know: let the program decide, force the
/// terminal escape (OSC 52), force a native tool, or run the user's own command (which
/// also makes copying testable: the end-to-end tests point it at a file).
public enum ClipboardMode: String, Sendable, Hashable, CaseIterable {
    case auto, osc52, native, command

    /// The environment variable that picks the mode when no flag does.
    public static let environmentVariable = "ATLAS_CERTS_CLIPBOARD"
    /// The shell command for `command` mode; it receives the text on stdin.
    public static let commandVariable = "ATLAS_CERTS_CLIPBOARD_COMMAND"

    /// Parses a flag or environment value, case-insensitively.
    public init?(text: String) {
        self.init(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// The mode in force: the flag, else the environment variable, else `auto`.
    /// - Throws: `ClipboardConfigurationError` when the variable holds an unknown mode.
    public static func resolve(flag: ClipboardMode?, environment: [String: String]) throws(ClipboardConfigurationError) -> ClipboardMode {
        if let flag { return flag }
        guard let value = environment[environmentVariable], !value.isEmpty else { return .auto }
        guard let mode = ClipboardMode(text: value) else {
            throw ClipboardConfigurationError(message: "\(environmentVariable) must be one of auto, osc52, native, command; it is '\(TerminalText.visible(value))'.")
        }
        return mode
    }
}

/// A clipboard setting that cannot work; reported before the screen opens.
public struct ClipboardConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

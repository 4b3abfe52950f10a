import Foundation

/// The facts from the environment that decide how to copy.
///
/// A value type built from a dictionary, so mode choice is tested for every combination
/// without touching the process environment.
public struct ClipboardEnvironment: Sendable, Hashable {
    /// Logged in over SSH: a native tool would write the *remote* clipboard (pbcopy on a
    /// remote Mac succeeds and the user gets nothing), so OSC 52 comes first.
    public var isSSH: Bool
    /// Running inside tmux: OSC 52 must be wrapped for passthrough.
    public var isTmux: Bool
    public var hasWayland: Bool
    public var hasX11: Bool
    /// TERM=dumb (or unset) terminals cannot take escape sequences.
    public var isDumbTerminal: Bool
    /// `ATLAS_CERTS_CLIPBOARD_COMMAND`, when set and not blank.
    public var command: String?

    public init(isSSH: Bool = false, isTmux: Bool = false, hasWayland: Bool = false, hasX11: Bool = false,
                isDumbTerminal: Bool = false, command: String? = nil) {
        self.isSSH = isSSH
        self.isTmux = isTmux
        self.hasWayland = hasWayland
        self.hasX11 = hasX11
        self.isDumbTerminal = isDumbTerminal
        self.command = command
    }

    public init(environment: [String: String]) {
        func isSet(_ name: String) -> Bool { !(environment[name] ?? "").isEmpty }
        let term = environment["TERM"] ?? ""
        let command = environment[ClipboardMode.commandVariable] ?? ""
        self.init(
            isSSH: isSet("SSH_TTY") || isSet("SSH_CONNECTION"),
            isTmux: isSet("TMUX"),
            hasWayland: isSet("WAYLAND_DISPLAY"),
            hasX11: isSet("DISPLAY"),
            isDumbTerminal: term.isEmpty || term == "dumb",
            command: command.trimmingCharacters(in: .whitespaces).isEmpty ? nil : command)
    }
}

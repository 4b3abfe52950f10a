import CertBrowser

/// What reading the terminal produced.
public enum TerminalEvent: Sendable, Hashable {
    case key(KeyInput)
    /// The terminal changed size; curses has already resized its screen.
    case resize(Size)
}

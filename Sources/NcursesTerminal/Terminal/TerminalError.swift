/// Why the terminal could not be set up. Thrown instead of letting curses exit the
/// process (what `initscr` does), so the caller prints one clear line.
public struct TerminalError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

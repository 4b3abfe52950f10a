/// A reason the browser could not open, as one line for stderr.
struct BrowserError: Error, Sendable, CustomStringConvertible {
    var message: String
    var description: String { message }
}

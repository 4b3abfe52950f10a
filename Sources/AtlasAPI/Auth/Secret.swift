/// A credential value that never shows itself: `description`, `debugDescription`,
/// string interpolation, `dump` and logs all print `<redacted>`.
///
/// The only way to the characters is `withValue`, used by the code that signs requests.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let storage: String

    public init(_ value: String) {
        self.storage = value
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    public var isEmpty: Bool { storage.isEmpty }

    /// Gives the secret to `body` for signing or sending; do not store or print it.
    public func withValue<T>(_ body: (String) throws -> T) rethrows -> T {
        try body(storage)
    }
}

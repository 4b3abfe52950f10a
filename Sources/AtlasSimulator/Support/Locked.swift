import Foundation

/// A value guarded by a lock.
///
/// The simulator's state is touched from many connection tasks at once; each access is
/// short and never suspends, so a plain lock is simpler and faster than an actor hop.
/// `Synchronization.Mutex` would do, but needs macOS 15 while the package targets 14.
final class Locked<Value: Sendable>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) {
        self.value = value
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

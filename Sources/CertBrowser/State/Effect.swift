import AtlasAPI

/// Identifies one load, so that a result arriving after a refresh or a cancel (a
/// stale result) is recognised and ignored instead of overwriting newer data.
public struct RequestID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let value: UInt64

    public init(_ value: UInt64) {
        self.value = value
    }

    public static func < (lhs: RequestID, rhs: RequestID) -> Bool { lhs.value < rhs.value }

    public var description: String { "#\(value)" }
}

/// Work the runtime performs for the reducer. The reducer never does I/O; it returns
/// these, and the runtime sends the outcome back as an `Action` carrying the same
/// `RequestID` (the async-http-client state-machine pattern).
public enum Effect: Sendable, Hashable {
    /// Run one job of the fleet engine (the projects, one project's users, one MANAGED
    /// user's certificates); answer with `loaded` and the job's outcome.
    case load(RequestID, FleetJob)
    /// Create a certificate for `user`, valid `months`, and write it with its private
    /// key to the new file `path` (mode 0600). Answer with `certificateCreated` or
    /// `createFailed`. Never retried, never cancelled.
    case createCertificate(RequestID, user: UserKey, months: Int, path: String)
    /// Stop a load; its result, if it still arrives, is ignored anyway.
    case cancel(RequestID)
    /// Put `text` on the clipboard; `what` names it for the footer ("certificate ID
    /// 8714…"). Answer with `copied` or `copyFailed`.
    case copy(text: String, what: String)
    /// Restore the terminal and exit.
    case quit
}

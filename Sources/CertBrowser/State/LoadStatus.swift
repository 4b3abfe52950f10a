import AtlasAPI
import Foundation

/// Where a screen's data stands: shown as a spinner, "updated 5s ago", or an error with
/// the previous rows kept and marked stale (a failed refresh should not blank a table
/// the user was reading).
public struct LoadStatus: Sendable, Hashable {
    public enum Phase: Sendable, Hashable {
        case idle
        case loading(since: Date)
        case loaded(at: Date)
        case failed(message: String, at: Date)
    }

    public var phase: Phase

    /// The failure text of a load the user cancelled (Esc).
    public static let cancelledMessage = "Cancelled"
    /// When data last arrived successfully; survives a later failure.
    public var lastLoaded: Date?

    public init(phase: Phase = .idle, lastLoaded: Date? = nil) {
        self.phase = phase
        self.lastLoaded = lastLoaded
    }

    public var isLoading: Bool {
        if case .loading = phase { return true }
        return false
    }

    public var failureMessage: String? {
        if case .failed(let message, _) = phase { return message }
        return nil
    }

    mutating func begin(_ now: Date) { phase = .loading(since: now) }

    mutating func succeed(_ now: Date) {
        phase = .loaded(at: now)
        lastLoaded = now
    }

    /// Drops a load that was replaced by a newer one: back to what was shown before.
    mutating func abandon() {
        guard isLoading else { return }
        phase = lastLoaded.map { .loaded(at: $0) } ?? .idle
    }

    mutating func fail(_ message: String, _ now: Date) { phase = .failed(message: message, at: now) }
}

/// What a pending request is loading.
public enum LoadTarget: Sendable, Hashable {
    case projects
    case users(projectID: String)
    case certificates(UserKey)
    /// A certificate being created for this user (never cancelled: see `CreateDialog`).
    case create(UserKey)
}

/// A message in the footer.
public struct Message: Sendable, Hashable {
    public var text: String
    public var isError: Bool
    public var at: Date

    public init(text: String, isError: Bool, at: Date) {
        self.text = text
        self.isError = isError
        self.at = at
    }
}

import Foundation

/// One request's worth of work in a walk of the fleet. Jobs are values: the model says
/// which to run, a driver runs them (a task group for the commands, effects for the
/// browser) and hands back a `FleetOutcome`.
public enum FleetJob: Sendable, Hashable {
    /// The projects in scope, and the organizations that own them.
    case projects
    /// One project's database users.
    case users(projectID: String)
    /// One MANAGED user's certificates.
    case certificates(UserKey)
}

/// What running a job gave.
public enum FleetOutcome: Sendable {
    case projects([Project], organizations: [Organization])
    case users(projectID: String, [DatabaseUser])
    case certificates(UserKey, [Certificate])
    case failed(FleetJob, AtlasError)
    /// The job was stopped before it answered (Esc, a refresh, an abort).
    case cancelled(FleetJob)

    /// The job this outcome answers.
    public var job: FleetJob {
        switch self {
        case .projects: .projects
        case .users(let projectID, _): .users(projectID: projectID)
        case .certificates(let user, _): .certificates(user)
        case .failed(let job, _), .cancelled(let job): job
        }
    }
}

/// What the model wants after an outcome.
public enum FleetStep: Sendable, Equatable {
    /// Start these jobs (possibly none) and go on.
    case run([FleetJob])
    /// Stop the whole walk: every other request would meet the same failure (rejected
    /// credentials, no route to Atlas). Jobs still running should be cancelled.
    case abort(AtlasError)
}

/// Where one job stands. A cancelled job is its own state, not a failure message.
public struct FleetJobRecord: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        case idle
        case loading(since: Date)
        case loaded(at: Date)
        case failed(AtlasError, at: Date)
        case cancelled(at: Date)
    }

    public var phase: Phase
    /// When data last arrived successfully; survives a later failure or cancel, so a
    /// screen can keep its rows and mark them stale.
    public var lastLoaded: Date?

    public init(phase: Phase = .idle, lastLoaded: Date? = nil) {
        self.phase = phase
        self.lastLoaded = lastLoaded
    }

    public var isLoading: Bool {
        if case .loading = phase { return true }
        return false
    }

    public var isCancelled: Bool {
        if case .cancelled = phase { return true }
        return false
    }

    /// The failure, when the last attempt failed (a cancel is not a failure).
    public var error: AtlasError? {
        if case .failed(let error, _) = phase { return error }
        return nil
    }

    /// True when what is shown may be out of date: the last attempt failed or was
    /// cancelled.
    public var isStale: Bool { error != nil || isCancelled }

    /// The failure's one-line text.
    public var failureMessage: String? { error?.message }

    /// True when the job has given an answer at some point: data (which a later refresh,
    /// failure or cancel keeps) or a failure. A first load still running or cancelled is
    /// not done.
    public var isDone: Bool { lastLoaded != nil || error != nil }

    public mutating func begin(_ now: Date) { phase = .loading(since: now) }

    public mutating func succeed(_ now: Date) {
        phase = .loaded(at: now)
        lastLoaded = now
    }

    public mutating func fail(_ error: AtlasError, _ now: Date) { phase = .failed(error, at: now) }

    public mutating func cancel(_ now: Date) { phase = .cancelled(at: now) }

    /// Drops a load replaced by a newer one: back to what was shown before.
    public mutating func abandon() {
        guard isLoading else { return }
        phase = lastLoaded.map { .loaded(at: $0) } ?? .idle
    }
}

import AtlasAPI
import Foundation

/// Applies `action` to a copy of `state` at time `now`.
///
/// - Returns: the new state and the effects the runtime must perform, in order.
public func reduce(_ state: State, _ action: Action, now: Date) -> (State, [Effect]) {
    var next = state
    let effects = next.apply(action, now: now)
    return (next, effects)
}

extension State {
    /// Applies `action` in place at time `now` and returns the effects to perform.
    ///
    /// `now` is a parameter, not read from a clock, so tests decide what time it is:
    /// expiry bands, "updated 5s ago" and spinner states are all reproducible.
    public mutating func apply(_ action: Action, now: Date) -> [Effect] {
        switch action {
        case .start:
            return refreshAll(now)
        case .key(let key):
            return handleKey(key, now)
        case .tick:
            spinnerFrame &+= 1
            return []
        case .resize(let size):
            viewport = size
            return []
        case .projectsLoaded(let id, let organizations, let projects):
            return receiveProjects(id, organizations, projects, now)
        case .usersLoaded(let id, let projectID, let users):
            return receiveUsers(id, projectID, users, now)
        case .certificatesLoaded(let id, let user, let certificates):
            receiveCertificates(id, user, certificates, now)
            return []
        case .loadFailed(let id, let error):
            receiveFailure(id, error, now)
            return []
        case .copied(let text):
            inform(text, now)
            return []
        case .copyFailed(let text):
            warn(text, now)
            return []
        }
    }

    mutating func inform(_ text: String, _ now: Date) {
        message = Message(text: TerminalSafe.sanitize(text, maxCharacters: 300), isError: false, at: now)
    }

    mutating func warn(_ text: String, _ now: Date) {
        message = Message(text: TerminalSafe.sanitize(text, maxCharacters: 300), isError: true, at: now)
    }

    mutating func newRequest(_ target: LoadTarget) -> RequestID {
        let id = RequestID(nextRequest)
        nextRequest += 1
        pending[id] = target
        return id
    }
}

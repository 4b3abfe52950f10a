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
    /// Applies several actions (what arrived between two frames) and rebuilds the tables
    /// once at the end instead of after each: a scan delivers results in bursts, and
    /// rebuilding every table for each of hundreds of results would freeze the screen.
    public mutating func apply(_ actions: [Action], now: Date) -> [Effect] {
        guard actions.count > 1 else { return actions.first.map { apply($0, now: now) } ?? [] }
        isBatching = true
        var effects: [Effect] = []
        for action in actions { effects += apply(action, now: now) }
        isBatching = false
        if tablesNeedRebuild { rebuildTables(now) }
        return effects
    }

    /// Applies `action` in place at time `now` and returns the effects to perform.
    ///
    /// `now` is a parameter, not read from a clock, so tests decide what time it is:
    /// expiry bands, "updated 5s ago" and spinner states are all reproducible.
    public mutating func apply(_ action: Action, now: Date) -> [Effect] {
        let effects = applyOne(action, now)
        settleCache()
        return effects
    }

    private mutating func applyOne(_ action: Action, _ now: Date) -> [Effect] {
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
        case .loaded(let id, let outcome):
            return receive(id, outcome, now)
        case .certificateCreated(let id, let user, let certificate, let path):
            return receiveCreated(id, user, certificate, path, now)
        case .createFailed(let id, let message):
            receiveCreateFailure(id, message, now)
            return []
        case .rateLimited(let until):
            if rateLimitedUntil.map({ $0 < until }) ?? true { rateLimitedUntil = until }
            return []
        case .openAllCertificates:
            return openFleet(now)
        case .restoredFromCache(let cached):
            restore(cached, now)
            return []
        case .cacheIgnored(let note):
            warn(note, now)
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
        message = Message(text: TerminalSafe.neutralize(text, maxCharacters: 300), isError: false, at: now)
    }

    mutating func warn(_ text: String, _ now: Date) {
        message = Message(text: TerminalSafe.neutralize(text, maxCharacters: 300), isError: true, at: now)
    }

    mutating func newRequest(_ target: LoadTarget) -> RequestID {
        let id = RequestID(nextRequest)
        nextRequest += 1
        pending[id] = target
        return id
    }
}

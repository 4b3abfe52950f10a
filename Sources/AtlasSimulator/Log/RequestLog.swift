import Foundation

/// Which operation a request addressed, for counting.
public enum RouteKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case orgs, groups, orgGroups, users, user, certsList, certsCreate, token
    /// `POST /api/private/unauth/account/device/token`: a browser-login refresh.
    case deviceToken
    /// A `401` digest challenge to a request that carried no `Authorization` header: the
    /// first leg of every digest call. Counted apart so tests can tell round trips from calls.
    case challenge
    /// Anything else: unknown paths, wrong methods.
    case other

    public var description: String { rawValue }
}

/// What the simulator did to a request beyond answering it.
public enum InjectedFault: String, Sendable, Hashable {
    case dropped, truncated, cut, serverError, serviceUnavailable, rateLimited
}

/// One request as the simulator saw it, recorded before the response is written so a
/// client that has its answer can already see it in the log.
public struct LoggedRequest: Sendable, Hashable {
    public var method: String
    /// The path with each segment percent-decoded (`…/d0123…/user-332` for `%2F`), for
    /// reading; `segments` keeps the decoded segments apart.
    public var path: String
    public var segments: [String]
    /// The path exactly as sent.
    public var rawPath: String
    /// The query string without `?`, as sent ("" when absent).
    public var query: String
    public var route: RouteKind
    /// The status sent; nil when the connection was dropped without a response.
    public var status: Int?
    /// True when the request's credentials were accepted.
    public var authenticated: Bool
    /// The scheme of the `Authorization` header (`Digest`, `Bearer`, `Basic`), nil if none.
    public var authorizationScheme: String?
    public var fault: InjectedFault?
    /// Simulator clock time of the request.
    public var date: Date
}

/// The log and per-route counters.
///
/// The log keeps the most recent `maximumEntries` requests so a long benchmark or demo
/// session cannot grow it without bound; the counters stay exact.
final class RequestLog: Sendable {
    static let maximumEntries = 200_000

    private struct State {
        var entries: [LoggedRequest] = []
        var counts: [RouteKind: Int] = [:]
    }

    private let state = Locked(State())

    func append(_ entry: LoggedRequest) {
        state.withLock { state in
            state.entries.append(entry)
            state.counts[entry.route, default: 0] += 1
            // Trim in chunks so the cost per request stays constant.
            if state.entries.count >= Self.maximumEntries + Self.maximumEntries / 10 {
                state.entries.removeFirst(state.entries.count - Self.maximumEntries)
            }
        }
    }

    var entries: [LoggedRequest] { state.withLock { $0.entries } }
    var counts: [RouteKind: Int] { state.withLock { $0.counts } }

    func reset() {
        state.withLock { $0 = State() }
    }
}

/// The operations the simulator serves, recognised from method and decoded path segments.
enum Route: Equatable, Sendable {
    case orgs
    case groups
    case orgGroups(orgId: String)
    case users(groupId: String)
    case user(groupId: String, databaseName: String, username: String)
    case certsList(groupId: String, username: String)
    case certsCreate(groupId: String, username: String)
    case token
    /// The browser-login token endpoint (refresh grant).
    case deviceToken
    /// A known path with the wrong method; `allow` lists the methods it takes (the `Allow` header of a 405).
    case methodNotAllowed(allow: String)
    case unknown

    enum Version: String, Sendable {
        case v1 = "v1.0"
        case v2 = "v2"
    }

    /// Routes `method` and `segments`; the version is nil outside `/api/atlas/<version>/`.
    static func match(method: String, segments: [String]) -> (route: Route, version: Version?) {
        if segments == ["api", "oauth", "token"] {
            return (method == "POST" ? .token : .methodNotAllowed(allow: "POST"), nil)
        }
        if segments == ["api", "private", "unauth", "account", "device", "token"] {
            return (method == "POST" ? .deviceToken : .methodNotAllowed(allow: "POST"), nil)
        }
        guard segments.count >= 4, segments[0] == "api", segments[1] == "atlas",
              let version = Version(rawValue: segments[2])
        else { return (.unknown, nil) }
        let rest = Array(segments.dropFirst(3))
        let isGet = method == "GET"
        let route: Route
        switch rest.count {
        case 1 where rest[0] == "orgs": route = isGet ? .orgs : .methodNotAllowed(allow: "GET")
        case 1 where rest[0] == "groups": route = isGet ? .groups : .methodNotAllowed(allow: "GET")
        case 3 where rest[0] == "orgs" && rest[2] == "groups":
            route = isGet ? .orgGroups(orgId: rest[1]) : .methodNotAllowed(allow: "GET")
        case 3 where rest[0] == "groups" && rest[2] == "databaseUsers":
            route = isGet ? .users(groupId: rest[1]) : .methodNotAllowed(allow: "GET")
        // The literal `certs` wins over a user named "certs", as literal path segments do
        // in Atlas's JAX-RS routing.
        case 5 where rest[0] == "groups" && rest[2] == "databaseUsers" && rest[4] == "certs":
            switch method {
            case "GET": route = .certsList(groupId: rest[1], username: rest[3])
            case "POST": route = .certsCreate(groupId: rest[1], username: rest[3])
            default: route = .methodNotAllowed(allow: "GET, POST")
            }
        case 5 where rest[0] == "groups" && rest[2] == "databaseUsers":
            route = isGet ? .user(groupId: rest[1], databaseName: rest[3], username: rest[4]) : .methodNotAllowed(allow: "GET")
        default: route = .unknown
        }
        return (route, version)
    }

    var kind: RouteKind {
        switch self {
        case .orgs: .orgs
        case .groups: .groups
        case .orgGroups: .orgGroups
        case .users: .users
        case .user: .user
        case .certsList: .certsList
        case .certsCreate: .certsCreate
        case .token: .token
        case .deviceToken: .deviceToken
        case .methodNotAllowed, .unknown: .other
        }
    }

    /// Atlas's rate-limit endpoint set and its capacity, as seen in the recordings'
    /// `Ratelimit-Limit` headers; nil for routes outside the Admin API.
    var endpointSet: (name: String, capacity: Int)? {
        switch self {
        case .orgs: ("orgs", 300)
        case .groups, .orgGroups: ("groups", 1_200)
        case .users, .user: ("databaseUsers", 10_000)
        case .certsList, .certsCreate: ("certs", 1_200)
        case .token, .deviceToken, .methodNotAllowed, .unknown: nil
        }
    }
}

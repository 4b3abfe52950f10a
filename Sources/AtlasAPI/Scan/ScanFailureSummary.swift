/// What a scan could not read, counted by what it is (a project whose users could not be
/// listed, a user whose certificates could not be listed) and grouped by cause, so that a
/// hundred users failing for one reason read as one line, not a hundred.
///
/// Why: the end-of-scan line once said "8 of 4 projects or users could not be read",
/// dividing failures of users by the number of projects.
public struct ScanFailureSummary: Sendable, Equatable {
    /// Failures that share a cause: the same kind, HTTP status and Atlas error code.
    public struct Group: Sendable, Equatable {
        public var failures: [ScanFailure]
        public var projects: Int { failures.filter { $0.username == nil }.count }
        public var users: Int { failures.filter { $0.username != nil }.count }

        /// "12 users, 1 project (first: ledger / alice): HTTP 403 …"
        public var line: String {
            let first = failures[0]
            guard failures.count > 1 else { return first.summary }
            let what = ScanFailureSummary.counted(projects: projects, users: users)
            return "\(what) for one reason (first: \(first.summary))"
        }
    }

    public var failures: [ScanFailure]
    /// Projects whose users could not be listed.
    public var projectsUnreadable: Int
    /// Users whose certificates could not be listed.
    public var usersUnreadable: Int
    /// Largest group first; groups of equal size in the order their first failure came.
    public var groups: [Group]

    public init(_ failures: [ScanFailure]) {
        self.failures = failures
        projectsUnreadable = failures.filter { $0.username == nil }.count
        usersUnreadable = failures.count - projectsUnreadable
        var order: [CauseKey] = []
        var byCause: [CauseKey: [ScanFailure]] = [:]
        for failure in failures {
            let key = CauseKey(failure.error)
            if byCause[key] == nil { order.append(key) }
            byCause[key, default: []].append(failure)
        }
        let ranked = order.enumerated().sorted { a, b in
            let (countA, countB) = (byCause[a.element]!.count, byCause[b.element]!.count)
            return countA != countB ? countA > countB : a.offset < b.offset
        }
        groups = ranked.map { Group(failures: byCause[$0.element]!) }
    }

    public var isEmpty: Bool { failures.isEmpty }

    /// "3 projects and 5 users could not be read" (of how many, when known).
    public func headline(projectsScanned: Int, usersScanned: Int) -> String {
        var parts: [String] = []
        if projectsUnreadable > 0 {
            parts.append("\(projectsUnreadable) of \(projectsScanned) \(projectsScanned == 1 ? "project" : "projects")")
        }
        if usersUnreadable > 0 {
            parts.append("\(usersUnreadable) of \(usersScanned) \(usersScanned == 1 ? "user" : "users")")
        }
        return parts.joined(separator: " and ") + " could not be read"
    }

    /// The lines to show: one per failure when there are few (or `everyFailure`), else one
    /// per cause.
    public func lines(everyFailure: Bool = false, individuallyUpTo limit: Int = 5) -> [String] {
        if everyFailure || failures.count <= limit { return failures.map(\.summary) }
        return groups.map(\.line)
    }

    static func counted(projects: Int, users: Int) -> String {
        var parts: [String] = []
        if projects > 0 { parts.append("\(projects) \(projects == 1 ? "project" : "projects")") }
        if users > 0 { parts.append("\(users) \(users == 1 ? "user" : "users")") }
        return parts.joined(separator: " and ")
    }

    /// What makes two failures "the same reason".
    private struct CauseKey: Hashable {
        var kind: String
        var status: Int?
        var errorCode: String?

        init(_ error: AtlasError) {
            kind = String(describing: error.kind)
            status = error.status
            errorCode = error.errorCode
        }
    }
}

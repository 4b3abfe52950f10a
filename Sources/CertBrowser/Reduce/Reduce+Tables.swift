import AtlasAPI
import Foundation

/// A change to whichever table is on screen. One enum instead of one method per table
/// type keeps the three generic tables behind a single switch.
enum TableOperation {
    case move(Int)
    case jump(toEnd: Bool)
    case sort(TableSort)
    case filter(String)
}

extension Table {
    mutating func perform(_ operation: TableOperation, pageHeight: Int, context: CellContext) {
        switch operation {
        case .move(let delta): move(by: delta, pageHeight: pageHeight)
        case .jump(let toEnd): jump(toEnd: toEnd, pageHeight: pageHeight)
        case .sort(let order): setSort(order, context: context)
        case .filter(let text): setFilter(text, context: context)
        }
    }
}

extension State {
    /// True when the top screen is a table (not the detail view).
    var hasTable: Bool {
        if case .detail = screen { return false }
        return true
    }

    var currentSort: TableSort? {
        switch screen {
        case .projects: projectsTable.sort
        case .users: usersTable?.sort
        case .certificates: certificatesTable?.sort
        case .fleet: fleetTable?.sort
        case .detail: nil
        }
    }

    var currentFilter: String {
        switch screen {
        case .projects: projectsTable.filter
        case .users: usersTable?.filter ?? ""
        case .certificates: certificatesTable?.filter ?? ""
        case .fleet: fleetTable?.filter ?? ""
        case .detail: ""
        }
    }

    var currentColumns: [ColumnID] {
        switch screen {
        case .projects: ProjectRow.columns.map(\.id)
        case .users: UserRow.columns.map(\.id)
        case .certificates: CertificateTableRow.columns.map(\.id)
        case .fleet: FleetRow.columns.map(\.id)
        case .detail: []
        }
    }

    /// Applies `operation` to the table on screen. In the detail view, movement walks
    /// the certificates table underneath and the detail follows the selection.
    mutating func operate(_ operation: TableOperation, _ now: Date) {
        let context = context(now)
        let pageHeight = pageHeight
        switch screen {
        case .projects:
            projectsTable.perform(operation, pageHeight: pageHeight, context: context)
        case .users:
            usersTable?.perform(operation, pageHeight: pageHeight, context: context)
        case .certificates:
            certificatesTable?.perform(operation, pageHeight: pageHeight, context: context)
        case .fleet:
            fleetTable?.perform(operation, pageHeight: pageHeight, context: context)
        case .detail(let user, _):
            switch operation {
            case .move, .jump:
                certificatesTable?.perform(operation, pageHeight: pageHeight, context: context)
                if let id = certificatesTable?.selectedRow?.certificate.id {
                    stack[stack.count - 1] = .detail(user, id)
                }
            case .sort, .filter:
                break
            }
        }
    }

    // MARK: Rows from data

    /// The projects table's rows: every project's worked out afresh, or, when `changed`
    /// names the projects whose data changed, only theirs, the others kept from the table
    /// (a batch of results touches a few projects; the fleet has every user).
    func projectRows(changed: Set<String>? = nil) -> [ProjectRow] {
        guard let changed else { return projects.map(projectRow) }
        var shown: [String: ProjectRow] = [:]
        for row in projectsTable.rows where !changed.contains(row.project.id) { shown[row.project.id] = row }
        return projects.map { project in
            if let row = shown[project.id], row.project == project { return row }
            return projectRow(project)
        }
    }

    /// One pass over the project's users, one lookup per user in each dictionary and no
    /// copy of a user.
    private func projectRow(_ project: Project) -> ProjectRow {
        let projectUsers = users[project.id]
        var managed = 0
        var expiries: [Date] = []
        var complete = projectUsers != nil
        var failed = usersLoad[project.id]?.isStale == true
        for user in projectUsers ?? [] where user.hasManagedCertificates {
            managed += 1
            let key = UserKey(user, projectID: project.id)
            if let list = certificates[key] {
                for certificate in list { expiries.append(certificate.notAfter) }
            } else {
                complete = false
            }
            if !failed, certificatesLoad[key]?.isStale == true { failed = true }
        }
        return ProjectRow(
            project: project, organizationName: organizationName(project.orgId),
            managedUsers: projectUsers.map { _ in managed }, expiries: expiries,
            complete: complete, failed: failed)
    }

    func userRows(_ projectID: String) -> [UserRow] {
        (users[projectID] ?? []).map { user in
            let key = UserKey(user, projectID: projectID)
            return UserRow(
                user: user, userKey: key, expiries: certificates[key]?.map(\.notAfter),
                failed: certificatesLoad[key]?.isStale == true,
                lastExpiryFromHistory: historyByUser[key]?.map(\.notAfter).max())
        }
    }

    /// The user's listed certificates, then the expired ones only the history still
    /// knows (marked expired, subject unknown), once the listing has arrived; without
    /// the superseded ones while `s` hides them. Also returns how many were hidden.
    func certificateRows(_ user: UserKey, _ now: Date) -> (rows: [CertificateTableRow], hidden: Int) {
        guard let listed = certificates[user] else { return ([], 0) }
        var rows = CertificateTableRow.rows(listed)
        var hidden = 0
        if hidesSuperseded {
            let before = rows.count
            rows.removeAll { $0.isSuperseded(at: now) }
            hidden = before - rows.count
        }
        let listedIDs = Set(listed.map(\.id))
        for entry in historyByUser[user] ?? [] where entry.notAfter <= now && !listedIDs.contains(entry.certificateID) {
            let certificate = Certificate(id: entry.certificateID, subject: "", createdAt: nil, notAfter: entry.notAfter,
                                          groupId: entry.projectID)
            rows.append(CertificateTableRow(certificate: certificate, fromHistory: true))
        }
        return (rows, hidden)
    }

    /// A new certificates table for `user`, sorted by expiry (noting how many it hides).
    mutating func newCertificatesTable(_ user: UserKey, _ now: Date) -> Table<CertificateTableRow> {
        let (rows, hidden) = certificateRows(user, now)
        hiddenSupersededCertificates = hidden
        return Table(rows: rows, sort: TableSort(column: .expires), context: context(now))
    }

    /// `s`: hides or shows the superseded certificates in every certificates table,
    /// saying so (with the count) in the footer.
    mutating func toggleSuperseded(_ now: Date) {
        hidesSuperseded.toggle()
        rebuildTables(now)
    }

    /// Every certificate loaded so far, with its project and user, in row-key order (by
    /// user, then certificate ID): the table then takes each row's position as its
    /// tie-breaker instead of sorting 100,000 row keys (docs/benchmarks.md).
    ///
    /// While `s` hides superseded certificates they are left out; the count is returned.
    func fleetRows(_ now: Date) -> (rows: [FleetRow], hidden: Int) {
        let names = Dictionary(projects.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        var rows: [FleetRow] = []
        var hidden = 0
        rows.reserveCapacity(certificates.values.reduce(0) { $0 + $1.count })
        for user in certificates.keys.sorted() {
            hidden += appendFleetRows(of: user, certificates[user]!, projectName: names[user.projectID] ?? user.projectID, now, to: &rows)
        }
        return (rows, hidden)
    }

    /// One user's rows of the all-certificates view, by certificate ID, its superseded
    /// ones left out while `s` hides them; returns how many were left out.
    private func appendFleetRows(of user: UserKey, _ listed: [Certificate], projectName: String, _ now: Date,
                                 to rows: inout [FleetRow]) -> Int {
        var hidden = 0
        let latest = listed.map(\.notAfter).max()
        for certificate in listed.sorted(by: { $0.id < $1.id }) {
            let row = FleetRow(certificate: certificate, user: user, projectName: projectName,
                               supersededUntil: latest.flatMap { $0 > certificate.notAfter ? $0 : nil })
            if hidesSuperseded && row.certificateRow.isSuperseded(at: now) {
                hidden += 1
            } else {
                rows.append(row)
            }
        }
        return hidden
    }

    /// The rows of `newUsers`, whose certificates arrived since the fleet table was last
    /// brought up to date (`changes`), or nil when it must be built again: its rows
    /// changed otherwise, or `s` or the minute (which rows are superseded) moved.
    func fleetRowsAdded(_ newUsers: [UserKey], _ now: Date) -> (rows: [FleetRow], hidden: Int)? {
        guard fleetTableSource == FleetTableSource(self, now: now) else { return nil }
        var rows: [FleetRow] = []
        var hidden = 0
        for user in newUsers {
            guard let list = certificates[user] else { return nil }
            let name = project(user.projectID)?.name ?? user.projectID
            hidden += appendFleetRows(of: user, list, projectName: name, now, to: &rows)
        }
        return (rows, hidden)
    }

    /// The project whose users table is open, if any.
    var openProjectID: String? {
        for screen in stack {
            if case .users(let projectID) = screen { return projectID }
        }
        return nil
    }

    /// The user whose certificates table is open, if any.
    var openUser: UserKey? {
        for screen in stack {
            if case .certificates(let user) = screen { return user }
        }
        return nil
    }

    /// Rebuilds every open table from the data, each keeping its sort, filter and
    /// selection.
    mutating func rebuildTables(_ now: Date) {
        if isBatching {
            tablesNeedRebuild = true
            return
        }
        tablesNeedRebuild = false
        let changes = changes
        self.changes = TableChanges()
        let context = context(now)
        projectsTable.setRows(projectRows(changed: changes.projects), context: context)
        if let projectID = openProjectID {
            let rows = userRows(projectID)
            usersTable?.setRows(rows, context: context)
        }
        if let user = openUser {
            let (rows, hidden) = certificateRows(user, now)
            certificatesTable?.setRows(rows, context: context)
            hiddenSupersededCertificates = hidden
        }
        if fleetTable != nil {
            // A scan's results add users; rows of users already shown change only on a
            // refresh (or `s`). Inserting the new users' rows keeps a key press answered
            // while a large scan streams in.
            if !changes.fleetNeedsRebuild, let (added, hidden) = fleetRowsAdded(changes.newUsers, now) {
                fleetTable?.insertRows(added, context: context)
                hiddenSupersededFleet += hidden
            } else {
                let (rows, hidden) = fleetRows(now)
                fleetTable?.setRows(rows, context: context)
                hiddenSupersededFleet = hidden
            }
            fleetTableSource = FleetTableSource(self, now: now)
        }
    }
}

/// What the all-certificates table's rows depend on besides the data, whose changes
/// `TableChanges` follows.
struct FleetTableSource: Sendable, Equatable {
    /// Whether superseded rows were left out, and the minute the table was built in
    /// (which rows are superseded or expired moves with the clock).
    var hidesSuperseded: Bool
    var minute: Int64

    init(_ state: State, now: Date) {
        hidesSuperseded = state.hidesSuperseded
        minute = Self.minute(now)
    }

    static func minute(_ now: Date) -> Int64 { Int64((now.timeIntervalSince1970 / 60).rounded(.down)) }
}

import Foundation

/// The fleet as one walk knows it: the data that has arrived, where every job stands,
/// and the counts of work done, all in one pure value.
///
/// Every rule of walking the fleet lives here, once, for every front end (`list`,
/// `check`, `demo --list`, the browser, its cache, the exporter):
/// - the projects job fans out into one users job per project; each users listing into
///   one certificates job per MANAGED user (no other user is ever asked: the endpoint
///   does not apply to them), one per user even when a listing repeats a user, and none
///   for a user whose certificates are already being loaded;
/// - a failure on one project or user is recorded and the walk goes on;
/// - rejected credentials or no route to Atlas abort the walk at once (`endsWalk`):
///   every other request would only meet the same failure;
/// - organizations are optional: a key scoped to projects may not list them.
///
/// Drivers run the jobs: `FleetScanner` in a task group for the commands, the browser as
/// effects with request IDs. `apply` takes a job's outcome and says what to do next.
public struct FleetModel: Sendable, Equatable {
    /// What has arrived (what the disk cache stores).
    public private(set) var data = FleetData()
    public var organizations: [Organization] { data.organizations }
    public var projects: [Project] { data.projects }
    /// Every database user listed, by project ID, as Atlas listed them.
    public var usersByProject: [String: [DatabaseUser]] { data.usersByProject }
    /// The certificates of each MANAGED user whose listing arrived.
    public var certificatesByUser: [UserKey: [Certificate]] { data.certificatesByUser }

    public private(set) var projectsRecord = FleetJobRecord()
    public private(set) var usersRecords: [String: FleetJobRecord] = [:]
    public private(set) var certificatesRecords: [UserKey: FleetJobRecord] = [:]

    /// Counts of work done, kept up to date as outcomes arrive.
    public private(set) var tally = FleetTally()
    private var projectTallies: [String: FleetTally] = [:]
    /// Jobs cancelled before they answered (users and certificates jobs), and the users
    /// whose last certificates job failed: kept as records change, because the browser's
    /// footer asks for both on every frame after new results (a pass over every record
    /// per batch before).
    public private(set) var cancelledJobs = 0
    private var failedUsers = Set<UserKey>()

    public init() {}

    /// A model holding data known from before (the disk cache), with no job run yet.
    public init(_ data: FleetData) {
        restore(data)
    }

    /// Replaces the data with what was known from before (the disk cache), keeping where
    /// the jobs stand (a refresh may already be running).
    public mutating func restore(_ data: FleetData) {
        self.data = data.keepingListedProjects()
        retallyAll()
    }

    // MARK: Jobs

    public func record(_ job: FleetJob) -> FleetJobRecord {
        switch job {
        case .projects: projectsRecord
        case .users(let projectID): usersRecords[projectID] ?? FleetJobRecord()
        case .certificates(let user): certificatesRecords[user] ?? FleetJobRecord()
        }
    }

    /// Marks `job` as running.
    public mutating func begin(_ job: FleetJob, _ now: Date) {
        update(job) { $0.begin(now) }
    }

    /// Forgets a running job that a newer one of the same kind replaces.
    public mutating func abandon(_ job: FleetJob) {
        update(job) { $0.abandon() }
    }

    /// Records what `outcome` says and returns what to do next.
    public mutating func apply(_ outcome: FleetOutcome, _ now: Date) -> FleetStep {
        switch outcome {
        case .projects(let projects, let organizations):
            data.organizations = organizations
            data.projects = projects
            projectsRecord.succeed(now)
            // Forget whatever belonged to projects that are gone.
            let ids = Set(projects.map(\.id))
            data = data.keepingListedProjects()
            usersRecords = usersRecords.filter { ids.contains($0.key) }
            certificatesRecords = certificatesRecords.filter { ids.contains($0.key.projectID) }
            recountRecords()
            retallyAll()
            return .run(projects.map { .users(projectID: $0.id) })

        case .users(let projectID, let users):
            data.usersByProject[projectID] = users
            let keys = Set(users.map { UserKey($0, projectID: projectID) })
            data.certificatesByUser = certificatesByUser.filter { $0.key.projectID != projectID || keys.contains($0.key) }
            // The record (and the cancelled count) through `update`, which also counts the
            // project afresh: only listed users count, so the filter above changes nothing there.
            update(.users(projectID: projectID)) { $0.succeed(now) }
            var queued = Set<UserKey>()
            var jobs: [FleetJob] = []
            for user in users where user.hasManagedCertificates {
                let key = UserKey(user, projectID: projectID)
                guard queued.insert(key).inserted, certificatesRecords[key]?.isLoading != true else { continue }
                jobs.append(.certificates(key))
            }
            return .run(jobs)

        case .certificates(let user, let certificates):
            let before = certificatesByUser[user]?.count ?? 0
            data.certificatesByUser[user] = certificates
            if isListedManaged(user) { adjust(user.projectID, usersDone: 0, certificates: certificates.count - before) }
            update(.certificates(user)) { $0.succeed(now) }
            return .run([])

        case .failed(let job, let error):
            update(job) { $0.fail(error, now) }
            return Self.endsWalk(error) ? .abort(error) : .run([])

        case .cancelled(let job):
            update(job) { $0.cancel(now) }
            return .run([])
        }
    }

    /// Adds a certificate this program just created, before a reload from Atlas confirms it.
    public mutating func insert(_ certificate: Certificate, for user: UserKey) {
        var list = certificatesByUser[user] ?? []
        guard !list.contains(where: { $0.id == certificate.id }) else { return }
        list.append(certificate)
        data.certificatesByUser[user] = list
        if isListedManaged(user) { adjust(user.projectID, usersDone: 0, certificates: 1) }
    }

    /// Failures that every other request would meet too: going on would only repeat them.
    public static func endsWalk(_ error: AtlasError) -> Bool {
        switch error.kind {
        case .unauthorized, .credentials, .cancelled: true
        case .transport(.connectionRefused), .transport(.dnsFailure), .transport(.tls), .transport(.proxy): true
        // One body too large, or a timeout that outlasted the retries, is that request's.
        default: false
        }
    }

    // MARK: Reading

    public func project(_ id: String) -> Project? { projects.first { $0.id == id } }

    public func user(_ key: UserKey) -> DatabaseUser? {
        usersByProject[key.projectID]?.first { $0.databaseName == key.databaseName && $0.username == key.username }
    }

    /// The MANAGED users of the listed projects, each once, in project then listing order.
    public var managedUsers: [(project: Project, user: DatabaseUser)] {
        var result: [(Project, DatabaseUser)] = []
        for project in projects {
            var seen = Set<UserKey>()
            for user in usersByProject[project.id] ?? [] where user.hasManagedCertificates {
                if seen.insert(UserKey(user, projectID: project.id)).inserted { result.append((project, user)) }
            }
        }
        return result
    }

    /// Every certificate known for the listed users, soonest expiry first.
    public var rows: [CertificateRow] {
        var rows: [CertificateRow] = []
        for (project, user) in managedUsers {
            for certificate in certificatesByUser[UserKey(user, projectID: project.id)] ?? [] {
                rows.append(CertificateRow(certificate: certificate, projectID: project.id, projectName: project.name,
                                           username: user.username, databaseName: user.databaseName))
            }
        }
        return rows.sorted(by: CertificateRow.byExpiry)
    }

    /// What could not be read, in project then listing order (cancelled jobs are not failures).
    ///
    /// One pass over the users of the projects that have a failing user: the browser asks
    /// for this on every frame after new results, and working out `managedUsers` once per
    /// project made that quadratic (seconds per frame at 30,000 users).
    public var failures: [ScanFailure] {
        let failedProjects = Set(failedUsers.map(\.projectID))
        var failures: [ScanFailure] = []
        for project in projects {
            if let error = usersRecords[project.id]?.error {
                failures.append(ScanFailure(projectID: project.id, projectName: project.name, error: error))
            }
            guard failedProjects.contains(project.id), let users = usersByProject[project.id] else { continue }
            var seen = Set<UserKey>()
            for user in users where user.hasManagedCertificates {
                let key = UserKey(user, projectID: project.id)
                guard failedUsers.contains(key), seen.insert(key).inserted, let error = certificatesRecords[key]?.error else { continue }
                failures.append(ScanFailure(projectID: project.id, projectName: project.name, username: user.username, error: error))
            }
        }
        return failures
    }

    // MARK: Tally

    private func isListedManaged(_ user: UserKey) -> Bool {
        self.user(user)?.hasManagedCertificates ?? false
    }

    /// Changes one job's record and keeps the tally in step with whether it is done.
    private mutating func update(_ job: FleetJob, _ change: (inout FleetJobRecord) -> Void) {
        switch job {
        case .projects:
            change(&projectsRecord)
        case .users(let projectID):
            let wasCancelled = usersRecords[projectID]?.isCancelled == true
            change(&usersRecords[projectID, default: FleetJobRecord()])
            cancelledJobs += Self.step(wasCancelled, usersRecords[projectID]?.isCancelled == true)
            retally(projectID)
        case .certificates(let user):
            let before = certificatesRecords[user]
            let wasDone = before?.isDone ?? (certificatesByUser[user] != nil)
            change(&certificatesRecords[user, default: FleetJobRecord()])
            let after = certificatesRecords[user]
            cancelledJobs += Self.step(before?.isCancelled == true, after?.isCancelled == true)
            if after?.error != nil { failedUsers.insert(user) } else { failedUsers.remove(user) }
            let isDone = after?.isDone ?? false
            if wasDone != isDone && isListedManaged(user) {
                adjust(user.projectID, usersDone: isDone ? 1 : -1, certificates: 0)
            }
        }
    }

    /// +1 when a flag became true, -1 when it became false.
    private static func step(_ was: Bool, _ is: Bool) -> Int { was == `is` ? 0 : (`is` ? 1 : -1) }

    /// `cancelledJobs` and `failedUsers` counted afresh, after records were dropped.
    private mutating func recountRecords() {
        cancelledJobs = usersRecords.values.filter(\.isCancelled).count + certificatesRecords.values.filter(\.isCancelled).count
        failedUsers = Set(certificatesRecords.compactMap { $0.value.error == nil ? nil : $0.key })
    }

    private mutating func adjust(_ projectID: String, usersDone: Int, certificates: Int) {
        projectTallies[projectID, default: FleetTally()].usersDone += usersDone
        projectTallies[projectID, default: FleetTally()].certificates += certificates
        tally.usersDone += usersDone
        tally.certificates += certificates
    }

    /// Counts one project afresh (after its users arrive or fail) and moves the totals by
    /// the difference.
    private mutating func retally(_ projectID: String) {
        let old = projectTallies[projectID] ?? FleetTally()
        let new = countProject(projectID)
        projectTallies[projectID] = new
        tally.projectsDone += new.projectsDone - old.projectsDone
        tally.usersTotal += new.usersTotal - old.usersTotal
        tally.usersDone += new.usersDone - old.usersDone
        tally.certificates += new.certificates - old.certificates
    }

    private mutating func retallyAll() {
        projectTallies = [:]
        var total = FleetTally()
        for project in projects {
            let counted = countProject(project.id)
            projectTallies[project.id] = counted
            total.projectsDone += counted.projectsDone
            total.usersTotal += counted.usersTotal
            total.usersDone += counted.usersDone
            total.certificates += counted.certificates
        }
        total.projectsTotal = projectsRecord.lastLoaded == nil && projects.isEmpty ? nil : projects.count
        tally = total
    }

    private func countProject(_ projectID: String) -> FleetTally {
        var counted = FleetTally()
        if let users = usersByProject[projectID] {
            // Users from an earlier listing (or the cache) count until a new one replaces them.
            counted.projectsDone = 1
            var seen = Set<UserKey>()
            for user in users where user.hasManagedCertificates {
                let key = UserKey(user, projectID: projectID)
                guard seen.insert(key).inserted else { continue }
                counted.usersTotal += 1
                let certificates = certificatesByUser[key]
                if certificatesRecords[key]?.isDone ?? (certificates != nil) { counted.usersDone += 1 }
                counted.certificates += certificates?.count ?? 0
            }
        } else if usersRecords[projectID]?.isDone == true {
            counted.projectsDone = 1
        }
        return counted
    }
}

/// How much of the walk is done: every project listed and every MANAGED user fetched
/// is a unit of work.
public struct FleetTally: Sendable, Equatable {
    /// Nil until the project list has arrived.
    public var projectsTotal: Int?
    /// Projects whose users arrived or could not be listed (a cancelled one is not done).
    public var projectsDone = 0
    /// MANAGED users found so far.
    public var usersTotal = 0
    /// Of those, users whose certificates arrived or could not be listed.
    public var usersDone = 0
    public var certificates = 0

    public init() {}

    /// Work done, 0...1. Users are discovered as projects are listed, so the fraction
    /// can move back a little; it is 1 exactly when everything known is done.
    public var fraction: Double {
        guard let projectsTotal else { return 0 }
        let total = projectsTotal + usersTotal
        return total == 0 ? 1 : Double(projectsDone + usersDone) / Double(total)
    }
}

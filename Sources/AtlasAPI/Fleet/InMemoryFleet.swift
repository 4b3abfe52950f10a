import Foundation

/// A fleet held in memory that answers `FleetJob`s at once: the one interpreter of jobs
/// for the model's tests, the browser's tests and the benchmark (none of them needs
/// HTTP to exercise the walk's rules).
public struct InMemoryFleet: Sendable {
    public var organizations: [Organization]
    public var projects: [Project]
    public var usersByProject: [String: [DatabaseUser]]
    /// Certificates by user; a user missing here has none.
    public var certificatesByUser: [UserKey: [Certificate]]
    /// Jobs that fail, with their error (a 403 on one project, a 401 for everything).
    public var failures: [FleetJob: AtlasError]

    public init(organizations: [Organization] = [], projects: [Project], usersByProject: [String: [DatabaseUser]],
                certificatesByUser: [UserKey: [Certificate]], failures: [FleetJob: AtlasError] = [:]) {
        self.organizations = organizations
        self.projects = projects
        self.usersByProject = usersByProject
        self.certificatesByUser = certificatesByUser
        self.failures = failures
    }

    /// What Atlas would answer to `job`.
    public func answer(_ job: FleetJob) -> FleetOutcome {
        if let error = failures[job] { return .failed(job, error) }
        switch job {
        case .projects:
            return .projects(projects, organizations: organizations)
        case .users(let projectID):
            return .users(projectID: projectID, usersByProject[projectID] ?? [])
        case .certificates(let user):
            return .certificates(user, certificatesByUser[user] ?? [])
        }
    }

    /// Walks the whole fleet through `model`, one job at a time in the order asked, and
    /// returns the model and every job run (to count requests).
    public func walk(_ model: FleetModel = FleetModel(), now: Date) -> (model: FleetModel, jobs: [FleetJob], aborted: AtlasError?) {
        var model = model
        var queue: [FleetJob] = [.projects]
        var run: [FleetJob] = []
        var next = 0
        while next < queue.count {
            let job = queue[next]
            next += 1
            model.begin(job, now)
            run.append(job)
            switch model.apply(answer(job), now) {
            case .run(let jobs): queue += jobs
            case .abort(let error):
                for pending in queue[next...] { _ = model.apply(.cancelled(pending), now) }
                return (model, run, error)
            }
        }
        return (model, run, nil)
    }
}

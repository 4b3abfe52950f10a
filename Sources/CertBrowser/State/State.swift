import AtlasAPI
import Foundation

/// Everything the browser knows. `reduce` changes it; `render` draws it.
///
/// Data (projects, users, certificates) is kept apart from the tables that show it, so
/// results can arrive for any project at any time (the counts on the projects screen
/// fill in as a background scan progresses) and every table that shows them is
/// rebuilt, keeping its sort, filter and selection.
public struct State: Sendable, Equatable {
    public var policy: ExpiryPolicy
    public var keymap: Keymap
    public internal(set) var viewport: Size

    /// The data as loaded and where every load stands: the fleet engine's model, the
    /// same one the commands drive (its rules decide which loads follow a result).
    /// Changing it forgets the memo of `fleetScanStatus`, and marks every table row
    /// changed unless `changeFleet(for:_:)` describes the change.
    public internal(set) var fleet = FleetModel() {
        didSet {
            scanMemo = FleetScanMemo()
            if !isDescribingFleetChange { changes.markAll() }
        }
    }
    /// What changed in `fleet` since the tables were last brought up to date.
    var changes = TableChanges()
    var isDescribingFleetChange = false

    public var organizations: [Organization] { fleet.organizations }
    public var projects: [Project] { fleet.projects }
    public var users: [String: [DatabaseUser]] { fleet.usersByProject }
    public var certificates: [UserKey: [Certificate]] { fleet.certificatesByUser }
    public var projectsLoad: LoadStatus { fleet.projectsRecord }
    public var usersLoad: [String: LoadStatus] { fleet.usersRecords }
    public var certificatesLoad: [UserKey: LoadStatus] { fleet.certificatesRecords }
    /// `fleetScanStatus` walks every user; every frame of the fleet view asks for it, so it
    /// is worked out once per change of the data above (30 ms a frame with 100,000
    /// certificates before; docs/benchmarks.md).
    var scanMemo = FleetScanMemo()
    public internal(set) var pending: [RequestID: LoadTarget] = [:]
    var nextRequest: UInt64 = 1
    /// While `apply(_: [Action])` runs: tables are rebuilt once at its end.
    var isBatching = false
    var tablesNeedRebuild = false

    // Navigation and tables.
    public internal(set) var stack: [Screen] = [.projects]
    public internal(set) var projectsTable: Table<ProjectRow>
    public internal(set) var usersTable: Table<UserRow>?
    public internal(set) var certificatesTable: Table<CertificateTableRow>?
    /// The all-certificates view, while it is open.
    public internal(set) var fleetTable: Table<FleetRow>?
    /// The settings `fleetTable` was last built with; with `changes`, what lets results
    /// that only add users be inserted rather than rebuilt (`Table.insertRows`).
    var fleetTableSource: FleetTableSource?
    /// When the data shown was saved, while it comes from the disk cache (shown as
    /// CACHED with its age until the refresh after start has finished).
    public internal(set) var cachedAt: Date?
    /// Every certificate seen before, from the profile's history file: what tells a user
    /// who lost access from one never issued a certificate, and the recently expired
    /// certificates Atlas no longer lists (shown marked expired).
    public let history: CertificateHistory
    /// `history`'s entries by user, indexed once: every rebuild of the users and
    /// certificates tables asks it per user.
    let historyByUser: [UserKey: [CertificateHistory.Entry]]
    /// `s`: superseded certificates are left out of the certificates and all-certificates
    /// tables (the footer says how many).
    public internal(set) var hidesSuperseded = false
    /// How many superseded certificates the open certificates table leaves out.
    public internal(set) var hiddenSupersededCertificates = 0
    /// How many superseded certificates the all-certificates view leaves out.
    public internal(set) var hiddenSupersededFleet = 0
    /// Atlas answered 429: every request waits until then.
    public internal(set) var rateLimitedUntil: Date?

    // Overlays and footer.
    public internal(set) var isEditingFilter = false
    public internal(set) var isShowingHelp = false
    /// The `n` dialog, while open.
    public internal(set) var createDialog: CreateDialog?
    /// Where `n` proposes to write new certificates: the working directory.
    public var outputDirectory: String
    public internal(set) var helpScroll = 0
    public internal(set) var message: Message?
    public internal(set) var spinnerFrame = 0

    /// A browser with no data yet; send `Action.start` to begin loading.
    public init(policy: ExpiryPolicy = .default, keymap: Keymap = .standard, viewport: Size = Size(width: 80, height: 24),
                outputDirectory: String = ".", history: CertificateHistory = CertificateHistory()) {
        self.policy = policy
        self.history = history
        self.historyByUser = Dictionary(grouping: history.entries, by: \.user)
        self.outputDirectory = outputDirectory
        self.keymap = keymap
        self.viewport = viewport
        self.projectsTable = Table(sort: TableSort(column: .soonest), context: CellContext(now: .distantPast, policy: policy, ascii: false))
    }

    /// The screen on top of the stack.
    public var screen: Screen { stack.last ?? .projects }

    /// Rows of table body that fit the viewport: the page size for PgUp/PgDn.
    public var pageHeight: Int { max(1, viewport.height - Layout.chromeRows) }

    func context(_ now: Date) -> CellContext {
        CellContext(now: now, policy: policy, ascii: false)
    }

    /// True when the data of the screen on top is still arriving.
    public var isScreenLoading: Bool { !requests(forScreen: screen).isEmpty }

    /// The pending requests that feed `screen`, which Esc cancels.
    func requests(forScreen screen: Screen) -> [RequestID] {
        pending.filter { _, target in
            switch (screen, target) {
            case (.projects, _), (.fleet, _): true
            case (.users(let projectID), .users(let other)): projectID == other
            case (.users(let projectID), .certificates(let user)): user.projectID == projectID
            case (.certificates(let user), .certificates(let other)), (.detail(let user, _), .certificates(let other)):
                user == other
            case (_, .create):
                false
            default: false
            }
        }.keys.sorted()
    }

    /// The load status shown in the footer for `screen`.
    func loadStatus(for screen: Screen) -> LoadStatus {
        switch screen {
        case .projects, .fleet: projectsLoad
        case .users(let projectID): usersLoad[projectID] ?? LoadStatus()
        case .certificates(let user), .detail(let user, _): certificatesLoad[user] ?? LoadStatus()
        }
    }

    func project(_ id: String) -> Project? { fleet.project(id) }

    func user(_ key: UserKey) -> DatabaseUser? { fleet.user(key) }

    func organizationName(_ id: String) -> String {
        organizations.first { $0.id == id }?.name ?? id
    }
}

/// Screen rows used by the frame around the table: breadcrumbs, column headers,
/// message line and key hints.
enum Layout {
    static let chromeRows = 4
    static let minimum = Size(width: 40, height: 10)
}

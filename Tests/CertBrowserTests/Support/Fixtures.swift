import AtlasAPI
import Foundation
@testable import CertBrowser

/// Fixed, deterministic data for reducer and snapshot tests: one organization, projects
/// with a hostile name and a CJK name, users with a hostile and a CJK username, users
/// whose certificates Atlas does not manage, and certificates in every expiry band.
enum Fixture {
    /// 2026-03-01 12:00:00 UTC.
    static let now = Date(timeIntervalSince1970: 1_772_366_400)

    static let day: TimeInterval = 86_400
    static let hour: TimeInterval = 3_600

    static let organization = Organization(id: "5f00000000000000000000a1", name: "Acme Corp")

    static let payments = Project(id: "65a000000000000000000001", name: "Payments", orgId: organization.id)
    static let hostileProjectName = "evil\u{1B}]52;c;cm0gLXJmIH4=\u{07}\u{1B}[2Jproj\r\n"
    static let hostile = Project(id: "65a000000000000000000002", name: hostileProjectName, orgId: organization.id)
    static let analytics = Project(id: "65a000000000000000000003", name: "分析チーム Analytics", orgId: organization.id)
    static let empty = Project(id: "65a000000000000000000004", name: "Sandbox", orgId: organization.id)
    static let projects = [payments, hostile, analytics, empty]

    static let hostileUsername = "bob\u{1B}[31mRED\u{1B}[0m\r\n\u{202E}spoof"

    static func user(_ name: String, _ project: Project, _ type: DatabaseUser.X509Type = .managed,
                     db: String = "$external", roles: [DatabaseUser.Role] = [.init(roleName: "readWrite", databaseName: "app")]) -> DatabaseUser {
        DatabaseUser(username: name, databaseName: db, groupId: project.id, roles: roles, x509Type: type)
    }

    static let alice = user("alice", payments)
    static let bob = user(hostileUsername, payments)
    static let tanaka = user("田中太郎", payments, roles: [.init(roleName: "read", databaseName: "ledger")])
    static let reporting = user("svc-reporting", payments, .none, db: "admin",
                                roles: [.init(roleName: "read", databaseName: "reporting"), .init(roleName: "clusterMonitor", databaseName: "admin")])
    static let carol = user("carol", payments, .customer)
    static let mallory = user("mallory", hostile)
    static let yuki = user("ゆき🚀", analytics, roles: [.init(roleName: "readAnyDatabase", databaseName: "admin")])

    static let users: [String: [DatabaseUser]] = [
        payments.id: [alice, bob, tanaka, reporting, carol],
        hostile.id: [mallory],
        analytics.id: [yuki],
        empty.id: [],
    ]

    static func cert(_ id: UInt64, _ subject: String, _ project: Project, expiresIn: TimeInterval, lifetime: TimeInterval = 90 * 86_400) -> Certificate {
        let notAfter = now.addingTimeInterval(expiresIn)
        return Certificate(id: CertificateID(id), subject: subject, createdAt: notAfter.addingTimeInterval(-lifetime),
                           notAfter: notAfter, groupId: project.id)
    }

    static let certificates: [String: [Certificate]] = [
        "alice": [
            cert(9_876_543_210_987_654_321, "CN=alice", payments, expiresIn: 3 * day + 4 * hour),
            cert(1_234_567_890_123_456_789, "CN=alice,OU=payments,O=Acme Corp,L=Zürich,C=CH", payments, expiresIn: 200 * day),
            cert(946_028_664_465_903_704, "CN=alice", payments, expiresIn: -2 * hour),
        ],
        hostileUsername: [cert(5_555_555_555_555_555_555, "CN=bob", payments, expiresIn: 12 * day + 4 * hour)],
        "田中太郎": [
            cert(7_000_000_000_000_000_001, "CN=田中太郎", payments, expiresIn: 3 * hour + 10 * 60),
            cert(7_000_000_000_000_000_002, "CN=田中太郎", payments, expiresIn: 45 * day),
        ],
        "mallory": [cert(42, "CN=x\u{1B}]8;;http://evil.example\u{07}click\u{1B}]8;;\u{07}", hostile, expiresIn: 60 * day)],
        "ゆき🚀": [cert(8_000_000_000_000_000_000, "CN=ゆき", analytics, expiresIn: 20 * day)],
    ]

    /// Performs load effects with fixture data until none remain, as the runtime would.
    static func settle(_ state: inout State, _ effects: [Effect], at now: Date = now) {
        var queue = effects
        while !queue.isEmpty {
            let effect = queue.removeFirst()
            switch effect {
            case .load(let id, .projects):
                queue += state.apply(.projectsLoaded(id, organizations: [organization], projects: projects), now: now)
            case .load(let id, .users(let projectID)):
                queue += state.apply(.usersLoaded(id, projectID: projectID, users: users[projectID] ?? []), now: now)
            case .load(let id, .certificates(let user)):
                queue += state.apply(.certificatesLoaded(id, user: user, certificates: certificates[user.username] ?? []), now: now)
            case .cancel, .copy, .quit, .createCertificate:
                break
            }
        }
    }

    /// A browser with everything loaded at `now`.
    static func loaded(viewport: Size = Size(width: 80, height: 24)) -> State {
        var state = State(viewport: viewport)
        let effects = state.apply(.start, now: now)
        settle(&state, effects)
        return state
    }

    /// Sends keys, settling any loads they start.
    static func press(_ keys: KeyInput..., on state: inout State, at now: Date = now) {
        for key in keys {
            let effects = state.apply(.key(key), now: now)
            settle(&state, effects, at: now)
        }
    }

    /// Selects the row with `key` in the current table by moving down from the top.
    static func select(_ key: RowKey, on state: inout State) {
        press(.home, on: &state)
        for _ in 0..<200 {
            if currentKey(state) == key { return }
            press(.down, on: &state)
        }
    }

    static func currentKey(_ state: State) -> RowKey? {
        switch state.screen {
        case .projects: state.projectsTable.selectedKey
        case .users: state.usersTable?.selectedKey
        case .certificates, .detail: state.certificatesTable?.selectedKey
        case .fleet: state.fleetTable?.selectedKey
        }
    }
}

import AtlasAPI
import AtlasSimulator
import Foundation

/// Small hand-written data with known IDs and every username shape, for precise tests.
enum Fixtures {
    /// 2026-08-10T03:06:40Z, the time of the recorded certificate list.
    static let now = Date(timeIntervalSince1970: 1_786_331_200)

    static let orgA = "a0123456789abcdef012345a"
    static let orgB = "a1111111111111111111111a"
    static let project = "b0123456789abcdef012345b"
    static let otherProject = "b2222222222222222222222b"
    static let missing = "111111111111111111111111"

    static let managed = "user389"
    static let dnUser = "CN=Ana Lima,OU=Payments,O=Acme"
    static let oidcUser = "d0123456789abcdef012345d/user-332"
    static let plusUser = "ci+deploy@acme.io"
    static let accentUser = "josé"
    static let spacedUser = "用户 one"
    static let dottedUser = "ana.lima"
    static let scramUser = "app-reader"
    static let customerUser = "CN=Bruno Costa,OU=Platform,O=Globex"

    static func certificate(_ id: UInt64, _ username: String, createdDaysAgo: Double, expiresInDays: Double) -> Certificate {
        Certificate(
            id: CertificateID(id), subject: "CN=\(username)",
            createdAt: now.addingTimeInterval(-createdDaysAgo * 86_400),
            notAfter: now.addingTimeInterval(expiresInDays * 86_400), groupId: project)
    }

    static func basic() -> SimulatorData {
        func user(_ name: String, _ database: String, _ type: DatabaseUser.X509Type, group: String = project) -> DatabaseUser {
            DatabaseUser(
                username: name, databaseName: database, groupId: group,
                roles: [.init(roleName: "readWriteAnyDatabase", databaseName: "admin")], x509Type: type,
                awsIAMType: "NONE", ldapAuthType: "NONE", oidcAuthType: "NONE")
        }
        var oidc = user(oidcUser, "admin", .none)
        oidc.oidcAuthType = "IDP_GROUP"
        let users = [
            user(managed, "$external", .managed), user(dnUser, "$external", .managed), oidc,
            user(plusUser, "$external", .managed), user(accentUser, "$external", .managed),
            user(spacedUser, "$external", .managed), user(dottedUser, "$external", .managed), user(scramUser, "admin", .none),
            user(customerUser, "$external", .customer), user("svc-other", "$external", .managed, group: otherProject),
        ]
        return SimulatorData(
            organizations: [
                Organization(id: orgA, name: "Atlas CLI E2E", isDeleted: false),
                Organization(id: orgB, name: "Globex Research", isDeleted: false),
            ],
            projects: [
                Project(id: project, name: "payments-prod", orgId: orgA, clusterCount: 5, created: now.addingTimeInterval(-400 * 86_400)),
                Project(id: otherProject, name: "analytics", orgId: orgB, clusterCount: 0, created: now.addingTimeInterval(-30 * 86_400)),
            ],
            users: users,
            certificates: [
                .init(
                    groupId: project, username: managed,
                    certificates: [
                        certificate(2_558_523_591_213_958_694, managed, createdDaysAgo: 69, expiresInDays: 23),
                        certificate(1_976_722_359_483_124_370, managed, createdDaysAgo: 0.04, expiresInDays: 92),
                        certificate(1_500_000_000_000_000_001, managed, createdDaysAgo: 120, expiresInDays: -2),
                    ]),
                .init(
                    groupId: project, username: spacedUser,
                    certificates: [certificate(1_400_000_000_000_000_003, spacedUser, createdDaysAgo: 10, expiresInDays: 5)]),
            ])
    }

    /// A project with `count` organizations, for paging.
    static func manyOrganizations(_ count: Int) -> SimulatorData {
        SimulatorData(organizations: (0..<count).map { index in
            let suffix = String(index, radix: 16)
            let id = String(repeating: "0", count: 24 - suffix.count) + suffix
            return Organization(id: id, name: "org-\(index)", isDeleted: false)
        })
    }
}

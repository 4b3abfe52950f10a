import AtlasAPI
import AtlasSimulator
import Foundation

/// Simulator data holding the same entities as the Atlas recordings in ../shared, so the
/// simulator's answer to each recorded request can be compared with what Atlas sent.
enum RecordingMirror {
    static let org = "a0123456789abcdef012345a"
    static let group = "b0123456789abcdef012345b"
    /// 2026-08-10T03:06:40Z, the Date of the recorded certificate list.
    static let now = Date(timeIntervalSince1970: 1_786_331_200)

    static func date(_ text: String) -> Date {
        AtlasJSON.parseDate(text) ?? Date(timeIntervalSince1970: 0)
    }

    static var data: SimulatorData {
        let atlasAdmin = [DatabaseUser.Role(roleName: "atlasAdmin", databaseName: "admin")]
        func user(_ name: String, _ database: String, _ type: DatabaseUser.X509Type, oidc: String = "NONE", deleteAfter: String? = nil)
            -> DatabaseUser
        {
            DatabaseUser(
                username: name, databaseName: database, groupId: group, roles: atlasAdmin, x509Type: type, awsIAMType: "NONE",
                ldapAuthType: "NONE", oidcAuthType: oidc, deleteAfterDate: deleteAfter.map(date))
        }
        func certificate(_ id: UInt64, _ created: String, _ notAfter: String) -> Certificate {
            Certificate(id: CertificateID(id), subject: "CN=user389", createdAt: date(created), notAfter: date(notAfter), groupId: group)
        }
        return SimulatorData(
            organizations: [Organization(id: org, name: "Atlas CLI E2E", isDeleted: false)],
            projects: [Project(id: group, name: "Atlas CLI E2E", orgId: org, clusterCount: 5, created: date("2020-07-02T09:19:46Z"))],
            users: [
                user("user389", "$external", .managed),
                user("user-253", "admin", .none, deleteAfter: "2026-08-11T03:05:41Z"),
                user("d0123456789abcdef012345d/user-332", "admin", .none, oidc: "IDP_GROUP"),
                user("user-332", "admin", .none, deleteAfter: "2026-08-11T03:06:07Z"),
            ],
            certificates: [
                .init(
                    groupId: group, username: "user389",
                    certificates: [
                        certificate(2_558_523_591_213_958_694, "2026-06-02T13:56:22Z", "2026-09-02T14:56:22Z"),
                        certificate(1_976_722_359_483_124_370, "2026-08-10T02:06:35Z", "2026-11-10T03:06:35Z"),
                    ]),
            ])
    }
}

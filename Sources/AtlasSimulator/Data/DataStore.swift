import AtlasAPI
import Foundation

/// The simulator's live data: the `SimulatorData` it started with plus the certificates
/// created since, with indexes so that large generated fleets answer in constant time.
final class DataStore: Sendable {
    private struct CertificateKey: Hashable {
        var groupId: String
        var username: String
    }

    private struct State {
        var data: SimulatorData
        var organizationIndex: [String: Int] = [:]
        var projectIndex: [String: Int] = [:]
        var usersByGroup: [String: [DatabaseUser]] = [:]
        var certificateIndex: [CertificateKey: Int] = [:]
        var serials: Set<UInt64> = []

        init(_ data: SimulatorData) {
            self.data = data
            for (index, org) in data.organizations.enumerated() where organizationIndex[org.id] == nil {
                organizationIndex[org.id] = index
            }
            for (index, project) in data.projects.enumerated() where projectIndex[project.id] == nil {
                projectIndex[project.id] = index
            }
            for user in data.users { usersByGroup[user.groupId, default: []].append(user) }
            for (index, entry) in data.certificates.enumerated() {
                certificateIndex[CertificateKey(groupId: entry.groupId, username: entry.username)] = index
                serials.formUnion(entry.certificates.map(\.id.value))
            }
        }
    }

    private let state: Locked<State>

    init(_ data: SimulatorData) {
        state = Locked(State(data))
    }

    var snapshot: SimulatorData { state.withLock { $0.data } }

    var organizations: [Organization] { state.withLock { $0.data.organizations } }

    func organization(id: String) -> Organization? {
        state.withLock { state in state.organizationIndex[id].map { state.data.organizations[$0] } }
    }

    /// All projects, or those of one organization, in stored order.
    func projects(orgId: String? = nil) -> [Project] {
        state.withLock { state in
            guard let orgId else { return state.data.projects }
            return state.data.projects.filter { $0.orgId == orgId }
        }
    }

    func project(id: String) -> Project? {
        state.withLock { state in state.projectIndex[id].map { state.data.projects[$0] } }
    }

    func users(groupId: String) -> [DatabaseUser] {
        state.withLock { $0.usersByGroup[groupId] ?? [] }
    }

    /// Stored certificates of a user, expired ones included; callers filter by their clock.
    func certificates(groupId: String, username: String) -> [Certificate] {
        state.withLock { state in
            state.certificateIndex[CertificateKey(groupId: groupId, username: username)]
                .map { state.data.certificates[$0].certificates } ?? []
        }
    }

    /// A fresh serial above 2^60 that no stored certificate uses.
    func reserveSerial() -> UInt64 {
        var rng = SystemRandomNumberGenerator()
        return state.withLock { state in
            var serial = serialInAtlasRange(rng.next())
            while state.serials.contains(serial) { serial = serialInAtlasRange(rng.next()) }
            state.serials.insert(serial)
            return serial
        }
    }

    func add(_ certificate: Certificate, groupId: String, username: String) {
        state.withLock { state in
            let key = CertificateKey(groupId: groupId, username: username)
            if let index = state.certificateIndex[key] {
                state.data.certificates[index].certificates.append(certificate)
            } else {
                state.certificateIndex[key] = state.data.certificates.count
                state.data.certificates.append(.init(groupId: groupId, username: username, certificates: [certificate]))
            }
            state.serials.insert(certificate.id.value)
        }
    }
}

import AtlasAPI

extension SimulatorData {
    /// The same fleet as an `InMemoryFleet`, answering the engine's jobs without HTTP:
    /// what the benchmark's and the tests' in-memory walks run over. Certificates belong
    /// to the `$external` user of that name (where Atlas keeps X.509 users).
    public var inMemoryFleet: InMemoryFleet {
        var usersByProject: [String: [DatabaseUser]] = [:]
        var keys: [String: UserKey] = [:]
        for user in users {
            usersByProject[user.groupId, default: []].append(user)
            let key = UserKey(user, projectID: user.groupId)
            if keys[user.groupId + "\u{0}" + user.username] == nil || user.databaseName == "$external" {
                keys[user.groupId + "\u{0}" + user.username] = key
            }
        }
        var certificatesByUser: [UserKey: [Certificate]] = [:]
        for entry in certificates {
            guard let key = keys[entry.groupId + "\u{0}" + entry.username] else { continue }
            certificatesByUser[key] = entry.certificates
        }
        return InMemoryFleet(organizations: organizations, projects: projects, usersByProject: usersByProject,
                             certificatesByUser: certificatesByUser)
    }
}

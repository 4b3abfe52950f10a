import AtlasAPI
import CertBrowser

/// Converts between the disk cache's snapshot and the browser's cached metadata (the
/// two keep their own user keys so the API core does not depend on the browser).
enum CacheBridge {
    /// The action that shows what `load` found, if anything worth showing.
    static func restore(_ result: CacheLoadResult) -> Action? {
        switch result {
        case .hit(let snapshot):
            let certificates = Dictionary(snapshot.certificates.map { key, list in
                (UserKey(projectID: key.projectID, databaseName: key.databaseName, username: key.username), list)
            }, uniquingKeysWith: { first, _ in first })
            return .restoredFromCache(CachedMetadata(
                organizations: snapshot.organizations, projects: snapshot.projects, users: snapshot.users,
                certificates: certificates, savedAt: snapshot.savedAt))
        case .miss:
            return nil
        case .ignored(let reason):
            return .cacheIgnored(note: reason)
        }
    }

    static func snapshot(_ metadata: CachedMetadata) -> MetadataSnapshot {
        let certificates = Dictionary(metadata.certificates.map { key, list in
            (MetadataSnapshot.UserKey(projectID: key.projectID, databaseName: key.databaseName, username: key.username), list)
        }, uniquingKeysWith: { first, _ in first })
        return MetadataSnapshot(savedAt: metadata.savedAt, organizations: metadata.organizations, projects: metadata.projects,
                                users: metadata.users, certificates: certificates)
    }
}

import AtlasAPI
import CertBrowser

/// Converts between the disk cache's snapshot (the API core's type, with its file-format
/// markers) and the browser's cached metadata.
enum CacheBridge {
    /// The action that shows what `load` found, if anything worth showing.
    static func restore(_ result: CacheLoadResult) -> Action? {
        switch result {
        case .hit(let snapshot):
            return .restoredFromCache(CachedMetadata(
                organizations: snapshot.organizations, projects: snapshot.projects, users: snapshot.users,
                certificates: snapshot.certificates, savedAt: snapshot.savedAt))
        case .miss:
            return nil
        case .ignored(let reason):
            return .cacheIgnored(note: reason)
        }
    }

    static func snapshot(_ metadata: CachedMetadata) -> MetadataSnapshot {
        MetadataSnapshot(savedAt: metadata.savedAt, organizations: metadata.organizations, projects: metadata.projects,
                         users: metadata.users, certificates: metadata.certificates)
    }
}

import AtlasAPI
import Foundation

/// Starting from the disk cache: what the last run knew (`MetadataSnapshot`: the fleet
/// engine's data as the model holds it) is shown at once, marked CACHED, until the
/// refresh replaces it.
extension State {
    mutating func restore(_ cached: MetadataSnapshot, _ now: Date) {
        fleet.restore(cached.fleet)
        cachedAt = cached.savedAt
        rebuildTables(now)
    }

    /// What to write to the cache at the end: everything known, once a refresh has
    /// replaced what came from the cache (so the saved time never flatters old data).
    public var metadataToCache: MetadataSnapshot? {
        guard cachedAt == nil, let loaded = projectsLoad.lastLoaded else { return nil }
        return MetadataSnapshot(savedAt: loaded, fleet: fleet.data)
    }

    /// The data stops being "cached" once the refresh that followed the restore is done.
    mutating func settleCache() {
        guard cachedAt != nil, pending.isEmpty, projectsLoad.lastLoaded != nil else { return }
        cachedAt = nil
    }
}

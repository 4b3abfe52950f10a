import AtlasAPI
import CertBrowser

/// What the disk cache's `load` found, as the browser's first action.
enum CacheBridge {
    /// The action that shows what `load` found, if anything worth showing.
    static func restore(_ result: CacheLoadResult) -> Action? {
        switch result {
        case .hit(let snapshot): .restoredFromCache(snapshot)
        case .miss: nil
        case .ignored(let reason): .cacheIgnored(note: reason)
        }
    }
}

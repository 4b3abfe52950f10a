import AtlasAPI
import Foundation

/// What the last run knew, restored from the disk cache so the browser opens with data
/// at once; a refresh replaces it as fresh results arrive.
public struct CachedMetadata: Sendable, Hashable {
    public var organizations: [Organization]
    public var projects: [Project]
    public var users: [String: [DatabaseUser]]
    public var certificates: [UserKey: [Certificate]]
    public var savedAt: Date

    public init(organizations: [Organization], projects: [Project], users: [String: [DatabaseUser]],
                certificates: [UserKey: [Certificate]], savedAt: Date) {
        self.organizations = organizations
        self.projects = projects
        self.users = users
        self.certificates = certificates
        self.savedAt = savedAt
    }
}

extension State {
    mutating func restore(_ cached: CachedMetadata, _ now: Date) {
        organizations = cached.organizations
        projects = cached.projects
        users = cached.users
        certificates = cached.certificates
        cachedAt = cached.savedAt
        rebuildTables(now)
    }

    /// What to write to the cache at the end: everything known, once a refresh has
    /// replaced what came from the cache (so the saved time never flatters old data).
    public var metadataToCache: CachedMetadata? {
        guard cachedAt == nil, let loaded = projectsLoad.lastLoaded else { return nil }
        return CachedMetadata(organizations: organizations, projects: projects, users: users,
                              certificates: certificates, savedAt: loaded)
    }

    /// The data stops being "cached" once the refresh that followed the restore is done.
    mutating func settleCache() {
        guard cachedAt != nil, pending.isEmpty, projectsLoad.lastLoaded != nil else { return }
        cachedAt = nil
    }
}

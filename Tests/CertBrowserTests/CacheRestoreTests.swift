import AtlasAPI
import Foundation
import Testing
@testable import CertBrowser

/// Starting from the disk cache: data at once, marked CACHED with its age, replaced by
/// the refresh, and only then offered for saving.
@Suite("Restored from the cache")
struct CacheRestoreTests {
    static var cached: MetadataSnapshot {
        var certificates: [UserKey: [Certificate]] = [:]
        for (projectID, list) in Fixture.users {
            for user in list where user.hasManagedCertificates {
                certificates[UserKey(user, projectID: projectID)] = Fixture.certificates[user.username] ?? []
            }
        }
        return MetadataSnapshot(savedAt: Fixture.now.addingTimeInterval(-2 * Fixture.hour), organizations: [Fixture.organization],
                                projects: Fixture.projects, users: Fixture.users, certificates: certificates)
    }

    @Test func theFirstFrameShowsTheCachedDataWithItsAge() {
        var state = State(viewport: Size(width: 100, height: 24))
        _ = state.apply(.restoredFromCache(Self.cached), now: Fixture.now)
        let effects = state.apply(.start, now: Fixture.now)
        #expect(effects.count == 1, "the refresh starts")
        let screen = render(state, size: Size(width: 100, height: 24), now: Fixture.now).plainText
        #expect(screen.contains("CACHED 2h ago"), "\(screen)")
        #expect(screen.contains("Payments") && screen.contains("分析チーム"))
        #expect(state.projectsTable.rows.first { $0.project.id == Fixture.payments.id }?.managedUsers == 3)
        #expect(state.metadataToCache == nil, "nothing fresh to save yet")
    }

    @Test func theRefreshReplacesItAndOnlyThenIsItSaved() {
        var state = State()
        _ = state.apply(.restoredFromCache(Self.cached), now: Fixture.now)
        Fixture.settle(&state, state.apply(.start, now: Fixture.now))
        #expect(state.cachedAt == nil)
        let saved = state.metadataToCache
        #expect(saved?.savedAt == Fixture.now)
        #expect(saved?.certificates.count == Self.cached.certificates.count)
        let screen = render(state, size: Size(width: 100, height: 24), now: Fixture.now).plainText
        #expect(!screen.contains("CACHED"))
    }

    @Test func aFailedRefreshKeepsTheCachedMarkAndSavesNothing() {
        var state = State()
        _ = state.apply(.restoredFromCache(Self.cached), now: Fixture.now)
        guard case .load(let id, .projects)? = state.apply(.start, now: Fixture.now).first else {
            Issue.record("start loads the projects")
            return
        }
        _ = state.apply(.loaded(id, .failed(.projects, AtlasError(kind: .transport(.connectionRefused(host: "cloud.mongodb.com:443")), message: "Cannot connect."))), now: Fixture.now)
        #expect(state.cachedAt != nil)
        #expect(state.metadataToCache == nil)
        #expect(state.projectsTable.rows.count == 4, "the cached rows stay")
    }

    @Test func anIgnoredCacheFileIsANoteNotAnError() {
        var state = State()
        _ = state.apply(.cacheIgnored(note: "Ignored the cache file /x: not valid JSON."), now: Fixture.now)
        #expect(state.message?.text == "Ignored the cache file /x: not valid JSON.")
    }
}

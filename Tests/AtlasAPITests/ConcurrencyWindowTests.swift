import Testing
@testable import AtlasAPI

/// The engine's concurrency rule, without I/O: start high, halve once per episode of
/// trouble, widen additively, never exceed what the rate-limit bucket allows.
@Suite("Concurrency window")
struct ConcurrencyWindowTests {
    @Test("starts at its maximum (64 by default)")
    func startsHigh() {
        #expect(ConcurrencyWindow().allowed == 64)
        #expect(ConcurrencyWindow(maximum: 8).allowed == 8)
        #expect(ConcurrencyWindow(maximum: 0).allowed == 1)
    }

    @Test("trouble halves the window once per episode, not once per request that met it")
    func halvesOncePerEpisode() {
        var window = ConcurrencyWindow(maximum: 64)
        window.record(.trouble)
        #expect(window.allowed == 32)
        // The other requests in flight meet the same 429 or 5xx: no further halving...
        for _ in 0..<40 { window.record(.trouble) }
        #expect(window.allowed == 32)
        // ...until the halved window has been used once (32 clean answers).
        for _ in 0..<32 { window.record(.success) }
        let afterRecovery = window.allowed
        window.record(.trouble)
        #expect(window.allowed == afterRecovery / 2)
    }

    @Test("sustained trouble keeps the window small, never zero")
    func sustainedTrouble() {
        var window = ConcurrencyWindow(maximum: 64)
        for _ in 0..<20 {
            window.record(.trouble)
            // Just enough clean answers to re-arm the halving (they also widen it a little).
            for _ in 0..<window.limit { window.record(.success) }
            #expect(window.allowed >= 1)
        }
        #expect(window.limit <= 8, "one trouble per window holds it at 8 or less, from 64")
        var single = ConcurrencyWindow(maximum: 1)
        single.record(.trouble)
        #expect(single.allowed == 1)
    }

    @Test("after a back-off, clean answers widen the window by one per quarter-window, up to the maximum")
    func widensAdditively() {
        var window = ConcurrencyWindow(maximum: 64)
        window.record(.trouble)
        #expect(window.limit == 32)
        for _ in 0..<8 { window.record(.success) }   // 32 / 4 successes
        #expect(window.limit == 33)
        for _ in 0..<10_000 { window.record(.success) }
        #expect(window.limit == 64)
    }

    @Test("Ratelimit-Remaining caps the window: half of what remains once under twice the window")
    func bucketCaps() {
        var window = ConcurrencyWindow(maximum: 64)
        window.record(.remaining(1_200))
        #expect(window.allowed == 64)
        window.record(.remaining(127))
        #expect(window.allowed == 63)
        window.record(.remaining(10))
        #expect(window.allowed == 5)
        window.record(.remaining(0))
        #expect(window.allowed == 1)
        window.record(.remaining(-5))
        #expect(window.allowed == 1)
        window.record(.remaining(1_199))   // the bucket refilled
        #expect(window.allowed == 64)
    }
}

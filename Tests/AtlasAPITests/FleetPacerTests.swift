import Synchronization
import Testing
@testable import AtlasAPI

/// The gate every fleet request passes: a bound on jobs in flight that moves with the
/// client's events, jobs admitted in order, a cancelled waiter gone at once.
@Suite("Fleet pacer")
struct FleetPacerTests {
    /// Counts jobs inside the gate and the most seen at once.
    final class Occupancy: Sendable {
        private let state = Mutex((now: 0, peak: 0, order: [Int]()))
        func enter(_ id: Int) { state.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now); $0.order.append(id) } }
        func leave() { state.withLock { $0.now -= 1 } }
        var peak: Int { state.withLock { $0.peak } }
        var order: [Int] { state.withLock { $0.order } }
    }

    @Test("never more jobs inside than the window allows; every job runs, in the order it asked")
    func boundsAndOrder() async throws {
        let pacer = FleetPacer(maximum: 3)
        let occupancy = Occupancy()
        let (gate, opener) = AsyncStream.makeStream(of: Void.self)
        let release = Mutex(Optional(opener))
        try await withThrowingTaskGroup(of: Void.self) { group in
            // The first three hold their slots until the gate opens; the rest must queue.
            for id in 0..<10 {
                group.addTask {
                    try await pacer.run {
                        occupancy.enter(id)
                        if id < 3 { for await _ in gate { break } }
                        occupancy.leave()
                    }
                }
                // Ask in a known order.
                while occupancy.order.count < min(id + 1, 3) { await Task.yield() }
            }
            release.withLock { $0?.finish(); $0 = nil }
            try await group.waitForAll()
        }
        #expect(occupancy.peak == 3)
        #expect(occupancy.order.count == 10)
        #expect(Array(occupancy.order.dropFirst(3)) == Array(3..<10))
    }

    @Test("a 429 narrows the window for the jobs still waiting; clean answers widen it again")
    func windowFollowsEvents() {
        let pacer = FleetPacer(maximum: 64)
        #expect(pacer.allowed == 64)
        pacer.record(.rateLimited(path: "/x", wait: .seconds(1)))
        #expect(pacer.allowed == 32)
        pacer.record(.retrying(path: "/x", reason: "HTTP 503", attempt: 1, delay: .milliseconds(10)))
        #expect(pacer.allowed == 32, "one episode halves once")
        for _ in 0..<2_000 { pacer.record(.responseReceived(method: "GET", path: "/x", status: 200)) }
        #expect(pacer.allowed == 64)
        pacer.record(.responseReceived(method: "GET", path: "/x", status: 401))   // a Digest challenge leg: no signal
        pacer.record(.rateLimitRemaining(20))
        #expect(pacer.allowed == 10)
    }

    @Test("a job cancelled while it waits leaves at once and never runs")
    func cancelledWaiterLeaves() async throws {
        let pacer = FleetPacer(maximum: 1)
        let occupancy = Occupancy()
        let (gate, opener) = AsyncStream.makeStream(of: Void.self)
        let holder = Task {
            try await pacer.run {
                occupancy.enter(0)
                for await _ in gate { break }
                occupancy.leave()
            }
        }
        while occupancy.order.isEmpty { await Task.yield() }
        let waiter = Task { try await pacer.run { occupancy.enter(1) } }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        opener.finish()
        try await holder.value
        #expect(occupancy.order == [0])
        // The slot is free again.
        try await pacer.run { occupancy.enter(2) }
        #expect(occupancy.order == [0, 2])
    }
}

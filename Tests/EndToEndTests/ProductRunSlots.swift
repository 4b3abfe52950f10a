/// At most two built products (`atlas-certs` processes) run at once across the
/// end-to-end suites.
///
/// Why: Swift Testing runs suites and the cases of a parameterised test in parallel, so
/// dozens of debug binaries could start together on a 2-core machine; the test process,
/// whose in-process simulators answer them, then got so little CPU that its simulators
/// answered other tests after their 30 s timeouts.
actor ProductRunSlots {
    static let shared = ProductRunSlots(limit: 2)

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) {
        free = limit
    }

    /// Runs `body` once a slot is free.
    static func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        await shared.acquire()
        do {
            let value = try await body()
            await shared.release()
            return value
        } catch {
            await shared.release()
            throw error
        }
    }

    private func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            free += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}

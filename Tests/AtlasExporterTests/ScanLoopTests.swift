import AtlasAPI
import AtlasExporter
import Foundation
import Synchronization
import Testing

/// The scan loop with a scripted scan: one at a time, errors counted, history kept.
@Suite struct ScanLoopTests {
    /// A scan that waits until released, so a test can hold one in flight.
    final class HeldScan: Sendable {
        private let state = Mutex<(started: Int, waiter: CheckedContinuation<Void, Never>?, startedWaiter: CheckedContinuation<Void, Never>?)>((0, nil, nil))

        func scan() async throws -> FleetScanResult {
            await withCheckedContinuation { continuation in
                let started = state.withLock { state in
                    state.started += 1
                    state.waiter = continuation
                    defer { state.startedWaiter = nil }
                    return state.startedWaiter
                }
                started?.resume()
            }
            return FleetScanResult(fleet: FleetModel(), progress: ScanProgress())
        }

        func waitUntilStarted() async {
            await withCheckedContinuation { continuation in
                let already = state.withLock { state in
                    if state.started > 0 { return true }
                    state.startedWaiter = continuation
                    return false
                }
                if already { continuation.resume() }
            }
        }

        func release() { state.withLock { state in defer { state.waiter = nil }; return state.waiter }?.resume() }
        var started: Int { state.withLock { $0.started } }
    }

    @Test("never two scans at once: a scan asked for while one runs is not started")
    func oneAtATime() async throws {
        let held = HeldScan()
        let loop = ExporterScanLoop(scan: { try await held.scan() }, interval: .seconds(3_600), version: "t", logger: ExporterHarness.quiet)
        async let first = loop.scanOnce()
        await held.waitUntilStarted()
        #expect(await loop.scanOnce() == false)
        #expect(held.started == 1)
        held.release()
        #expect(await first == true)
        #expect(await loop.scansFinished == 1)
    }

    @Test("errors are counted by a fixed reason word, never server text")
    func errorReasons() async throws {
        let error = AtlasError(kind: .unauthorized, message: "Atlas said \"nope\"\n")
        let loop = ExporterScanLoop(scan: { throw error }, interval: .seconds(3_600), version: "t", logger: ExporterHarness.quiet)
        await loop.scanOnce()
        await loop.scanOnce()
        let snapshot = await loop.currentSnapshot
        #expect(snapshot.errorsByReason == ["unauthorized": 2])
        #expect(snapshot.lastComplete == false)
        #expect(snapshot.lastSuccess == nil)
        #expect(ScanErrorReason.label(for: AtlasError(kind: .transport(.connectionRefused(host: "x")), message: "")) == "connection_refused")
    }

    @Test("the history file is 0600, round-trips, and a corrupt one is an empty history")
    func historyFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("atlas-certs-history-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = CertificateHistoryFile(identity: CacheIdentity(baseURL: "http://127.0.0.1:1", credentialIdentifier: "api-key:abc", profile: nil),
                                          directory: directory)
        let history = CertificateHistory(entries: [
            .init(projectID: "p", projectName: "P", username: "u", certificateID: CertificateID(18_446_744_073_709_551_557),
                  notAfter: Date(timeIntervalSince1970: 1_800_000_000), firstSeen: Date(timeIntervalSince1970: 1_700_000_000),
                  lastSeen: Date(timeIntervalSince1970: 1_700_000_100)),
        ])
        try file.save(history)
        #expect(file.load() == history)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        #expect(!file.fileName.contains("abc"))
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: file.path))
        #expect(file.load() == CertificateHistory())
    }
}

import AtlasAPI
import CertBrowser
import Foundation

/// Section "stream": the all-certificates view open while a scan streams every
/// certificate of the TUI data in (issue 10 section 3). The runtime applies the results
/// that arrived as one batch per frame, then a key, then draws: a key pressed while a
/// batch is applied is answered after it. Each step here is one batch of `batch`
/// certificate listings, then one ↓, then one frame; its time is the longest a key can
/// wait for its frame at that moment. The final table is compared with one built from
/// scratch.
enum StreamBench {
    static let goalMilliseconds = 50.0

    static func run(_ configuration: BenchConfiguration, batch: Int = 100) -> [Result] {
        let now = Date()
        let size = Size(width: configuration.terminalSize.columns, height: configuration.terminalSize.rows)
        let data = TUIData.fleet(configuration.tuiCertificates, now: now)
        let fleet = data.inMemoryFleet
        var state = State(viewport: size)
        _ = state.apply(.resize(size), now: now)
        // Projects and users first, then the view opens and the certificates stream in.
        var pending = state.apply(.start, now: now)
        var certificateLoads: [Action] = []
        while !pending.isEmpty {
            var next: [Effect] = []
            for effect in pending {
                guard case .load(let id, let job) = effect else { continue }
                if case .certificates = job {
                    certificateLoads.append(.loaded(id, fleet.answer(job)))
                } else {
                    next += state.apply(.loaded(id, fleet.answer(job)), now: now)
                }
            }
            pending = next
        }
        _ = state.apply(.key(.character("a")), now: now)
        var steps: [Double] = []
        var start = 0
        while start < certificateLoads.count {
            let end = min(certificateLoads.count, start + batch)
            let slice = Array(certificateLoads[start..<end])
            let (_, elapsed) = measure {
                _ = state.apply(slice, now: now)
                _ = state.apply(.key(.down), now: now)
                return render(state, size: size, now: now).width
            }
            steps.append(elapsed.milliseconds)
            start = end
        }
        let rows = state.fleetTable?.rows ?? []
        let scratch = Table(rows: rows.sorted { $0.key < $1.key }, sort: state.fleetTable?.sort ?? TableSort(column: .expires),
                            context: CellContext(now: now, policy: .default, ascii: false))
        let same = rows == scratch.rows && state.fleetTable?.visibleRows.map(\.key) == scratch.visibleRows.map(\.key)
        let sorted = steps.sorted()
        func percentile(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)] }
        let p99 = percentile(0.99)
        let count = grouped(rows.count)
        return [
            Result(section: .stream, measure: "\(count) certificates streamed into the open view, \(batch) listings a batch: batch + ↓ + frame, p50 / p99 / max of \(steps.count)",
                   value: "\(fixed(percentile(0.5), 1)) / \(fixed(p99, 1)) / \(fixed(sorted.last ?? 0, 1)) ms", goal: "p99 < \(fixed(goalMilliseconds, 0)) ms",
                   met: configuration.isTiny ? nil : p99 < goalMilliseconds),
            Result(section: .stream, measure: "the grown table equals one built from scratch (rows in key order, visible order)",
                   value: same && rows.count == configuration.tuiCertificates ? "yes" : "NO (\(rows.count) rows)"),
        ]
    }
}

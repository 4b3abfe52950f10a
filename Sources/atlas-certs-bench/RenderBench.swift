import AtlasAPI
import CertBrowser
import Foundation

/// Section 4a: one frame of the all-certificates view, 200×60, into the cell grid
/// (`render`), with the table holding every certificate of the TUI data.
enum RenderBench {
    static let frameGoalMicroseconds = 2_000.0

    static func run(_ configuration: BenchConfiguration) -> [Result] {
        let now = Date()
        let size = Size(width: configuration.terminalSize.columns, height: configuration.terminalSize.rows)
        let data = TUIData.fleet(configuration.tuiCertificates, now: now)
        let (loaded, loading) = measure { TUIData.loadedState(data, viewport: size, now: now) }
        var state = loaded
        let rows = state.fleetTable?.rows.count ?? 0
        let count = grouped(rows)
        var results = [Result(section: .render, measure: "load \(count) certificates through the reducer (batches of 1,000) and open the view",
                              value: "\(fixed(loading.seconds, 2)) s")]
        guard rows == configuration.tuiCertificates else {
            return results + [Result(section: .render, measure: "failed", value: "the view holds \(rows) rows")]
        }

        // Warm up, then time frames at the top, and frames while the selection walks down.
        _ = render(state, size: size, now: now)
        let frames = configuration.renderFrames
        let (_, still) = measure {
            var cells = 0
            for _ in 0..<frames { cells &+= render(state, size: size, now: now).width }
            return cells
        }
        var moving: [Double] = []
        var keys: [Double] = []
        for _ in 0..<frames {
            let (_, key) = measure { _ = state.apply(.key(.down), now: now) }
            keys.append(key.microseconds)
            let (_, frame) = measure { render(state, size: size, now: now) }
            moving.append(frame.microseconds)
        }
        let perFrame = still.microseconds / Double(frames)
        let perMovingFrame = moving.reduce(0, +) / Double(moving.count)
        let goal = "< \(fixed(frameGoalMicroseconds, 0)) µs"
        results += [
            Result(section: .render, measure: "frame \(size.width)×\(size.height), \(count) rows (mean of \(frames))",
                   value: "\(fixed(perFrame, 0)) µs", goal: goal, met: perFrame < frameGoalMicroseconds),
            Result(section: .render, measure: "frame after each ↓ (mean of \(frames); median \(fixed(median(moving), 0)) µs)",
                   value: "\(fixed(perMovingFrame, 0)) µs", goal: goal, met: perMovingFrame < frameGoalMicroseconds),
            Result(section: .render, measure: "reducer: one ↓ key (mean)", value: "\(fixed(keys.reduce(0, +) / Double(keys.count), 1)) µs"),
        ]
        return results
    }
}

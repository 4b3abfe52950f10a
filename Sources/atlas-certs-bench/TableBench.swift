import AtlasAPI
import CertBrowser
import Foundation

/// Section 3: sorting and filtering the all-certificates view with 100,000 rows, driven
/// through the browser's reducer with the keys a user presses (`a` opens the view, `>`
/// sorts by the next column, `r` reverses, `/` and typing filter, Esc clears), so the
/// table code runs exactly as in the program (specialised for its rows inside the
/// CertBrowser module; calling the generic `Table` from here would not be).
enum TableBench {
    static let sortGoalMilliseconds = 50.0

    /// A state with every certificate loaded and the all-certificates view open.
    static func loaded(_ configuration: BenchConfiguration, now: Date) -> State {
        TUIData.loadedState(TUIData.fleet(configuration.tuiCertificates, now: now),
                            viewport: Size(width: configuration.terminalSize.columns, height: configuration.terminalSize.rows), now: now)
    }

    /// Presses `key` and returns how long the reducer took.
    static func press(_ key: KeyInput, _ state: inout State, now: Date) -> Duration {
        measure { _ = state.apply(.key(key), now: now) }.1
    }

    /// Esc then `a`: the view closes and opens again with a new table (new rows: every
    /// cached sort key and order gone), sorted by EXPIRES ▲. Returns the time of `a`.
    static func reopen(_ state: inout State, now: Date) -> Duration {
        _ = state.apply(.key(.escape), now: now)
        return press(.character("a"), &state, now: now)
    }

    static func sort(_ configuration: BenchConfiguration) -> [Result] {
        let now = Date()
        var state = loaded(configuration, now: now)
        let count = grouped(state.fleetTable?.rows.count ?? 0)
        let opened = reopen(&state, now: now)
        var results = [Result(section: .sort, measure: "open the view (a): \(count) rows in (search text, widths, sort by EXPIRES ▲)",
                              value: "\(fixed(opened.milliseconds)) ms")]
        let columns = FleetRow.columns.map(\.id)
        for (position, column) in columns.enumerated() {
            let title = FleetRow.columns[position].title
            // First since new rows: reopen, walk with `>` to the column before, then time
            // `>` onto it (▲: its keys and order worked out) and `r` (▼: derived from ▲).
            _ = reopen(&state, now: now)
            var first: (up: Double?, down: Double) = (nil, 0)
            if column != .expires {
                while let sorted = state.fleetTable?.sort.column,
                      columns[(columns.firstIndex(of: sorted)! + 1) % columns.count] != column {
                    _ = press(.character(">"), &state, now: now)
                }
                first.up = press(.character(">"), &state, now: now).milliseconds
            }
            first.down = press(.character("r"), &state, now: now).milliseconds
            // Again: away with `<` and back with `>` (▲), then `r` (▼), median of n.
            var again: (up: [Double], down: [Double]) = ([], [])
            for _ in 0..<configuration.sortRepetitions {
                _ = press(.character("<"), &state, now: now)
                again.up.append(press(.character(">"), &state, now: now).milliseconds)
                again.down.append(press(.character("r"), &state, now: now).milliseconds)
            }
            guard state.fleetTable?.sort == TableSort(column: column, ascending: false) else {
                return results + [Result(section: .sort, measure: "failed", value: "the view is not sorted by \(title) ▼")]
            }
            for (arrow, firstTime, samples) in [("▲", first.up, again.up), ("▼", first.down, again.down)] {
                let repeated = median(samples)
                let firstText = firstTime.map { fixed($0) } ?? "(on open)"
                let worst = max(firstTime ?? repeated, repeated)
                results.append(Result(
                    section: .sort,
                    measure: "sort \(count) by \(title) \(arrow): first since new rows / again (median of \(samples.count))",
                    value: "\(firstText) / \(fixed(repeated)) ms", goal: "< \(fixed(sortGoalMilliseconds, 0)) ms",
                    met: worst < sortGoalMilliseconds))
            }
        }
        return results
    }

    static func filter(_ configuration: BenchConfiguration) -> [Result] {
        let now = Date()
        var state = loaded(configuration, now: now)
        let count = grouped(state.fleetTable?.rows.count ?? 0)
        var results: [Result] = []
        // Typing a project name, a username fragment, a status word, and a text that
        // matches nothing (every row's dynamic columns are searched too), then clearing.
        for word in ["payments", "svc-", "critical", "zzzz"] {
            _ = press(.character("/"), &state, now: now)
            var samples: [Double] = []
            for character in word {
                samples.append(press(.character(character), &state, now: now).milliseconds)
            }
            let matches = state.fleetTable?.order.count ?? 0
            guard state.fleetTable?.filter == word else {
                return results + [Result(section: .filter, measure: "failed", value: "the filter is not /\(word)")]
            }
            results.append(Result(
                section: .filter, measure: "type /\(word) over \(count) rows, per keystroke (\(grouped(matches)) match)",
                value: "mean \(fixed(samples.reduce(0, +) / Double(samples.count))) ms, max \(fixed(samples.max() ?? 0)) ms"))
            let cleared = press(.escape, &state, now: now)
            if word == "zzzz" {
                results.append(Result(section: .filter, measure: "clear the filter (Esc)", value: "\(fixed(cleared.milliseconds)) ms"))
            }
        }
        return results
    }
}

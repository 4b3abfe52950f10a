import AtlasAPI
import CertBrowser
import Foundation

/// Sections 3: sorting and filtering the all-certificates table (`Table<FleetRow>`) of
/// the TUI core, as `<`/`>`/`r` and typing after `/` do.
enum TableBench {
    static let sortGoalMilliseconds = 50.0

    /// A table of `count` certificates, and how long loading it took (`setRows`: the
    /// haystacks, column widths and the first sort).
    static func table(_ configuration: BenchConfiguration, now: Date) -> (Table<FleetRow>, CellContext, Duration) {
        let rows = TUIData.fleetRows(TUIData.fleet(configuration.tuiCertificates, now: now))
        let context = CellContext(now: now, policy: .default, ascii: false)
        var table = Table<FleetRow>(sort: TableSort(column: .expires), context: context)
        let (_, elapsed) = measure { table.setRows(rows, context: context) }
        return (table, context, elapsed)
    }

    static func sort(_ configuration: BenchConfiguration) -> [Result] {
        let now = Date()
        var (table, context, loading) = table(configuration, now: now)
        let count = grouped(table.rows.count)
        var results = [Result(section: .sort, measure: "setRows: \(count) rows in (search text, widths, first sort, tie-breaker ranks)",
                              value: "\(fixed(loading.milliseconds)) ms")]
        // The first sort after new rows: the tie-breaker's row-key ranks are worked out by
        // the first sort that meets a tie (setRows' own sort, if its column has ties, else
        // this one), and reused until the rows change.
        let rows = table.rows
        table.setSort(TableSort(column: .expires), context: context)
        table.setRows(rows, context: context)
        let (_, first) = measure { table.setSort(TableSort(column: .status), context: context) }
        results.append(Result(section: .sort, measure: "first sort after new rows (by STATUS)",
                              value: "\(fixed(first.milliseconds)) ms", goal: "< \(fixed(sortGoalMilliseconds, 0)) ms",
                              met: first.milliseconds < sortGoalMilliseconds))
        for column in FleetRow.columns {
            for ascending in [true, false] {
                var samples: [Double] = []
                for _ in 0..<configuration.sortRepetitions {
                    // Sort by another column first, so every sample really re-sorts.
                    table.setSort(TableSort(column: column.id == .expires ? .subject : .expires), context: context)
                    let (_, elapsed) = measure { table.setSort(TableSort(column: column.id, ascending: ascending), context: context) }
                    samples.append(elapsed.milliseconds)
                }
                let value = median(samples)
                results.append(Result(
                    section: .sort, measure: "sort \(count) by \(column.title) \(ascending ? "▲" : "▼") (median of \(samples.count))",
                    value: "\(fixed(value)) ms", goal: "< \(fixed(sortGoalMilliseconds, 0)) ms", met: value < sortGoalMilliseconds))
            }
        }
        return results
    }

    static func filter(_ configuration: BenchConfiguration) -> [Result] {
        let now = Date()
        var (table, context, _) = table(configuration, now: now)
        let count = grouped(table.rows.count)
        var results: [Result] = []
        // Typing a project name, a username fragment, a status word, and a text that
        // matches nothing (every row's dynamic columns are searched too), then clearing.
        for word in ["payments", "svc-", "critical", "zzzz"] {
            var samples: [Double] = []
            var typed = ""
            for character in word {
                typed.append(character)
                let (_, elapsed) = measure { table.setFilter(typed, context: context) }
                samples.append(elapsed.milliseconds)
            }
            let matches = table.order.count
            results.append(Result(
                section: .filter, measure: "type /\(word) over \(count) rows, per keystroke (\(grouped(matches)) match)",
                value: "mean \(fixed(samples.reduce(0, +) / Double(samples.count))) ms, max \(fixed(samples.max() ?? 0)) ms"))
            let (_, cleared) = measure { table.setFilter("", context: context) }
            if word == "zzzz" {
                results.append(Result(section: .filter, measure: "clear the filter (Esc)", value: "\(fixed(cleared.milliseconds)) ms"))
            }
        }
        return results
    }
}

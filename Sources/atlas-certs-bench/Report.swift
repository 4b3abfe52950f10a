import Foundation

/// One line of the results table.
struct Result: Sendable {
    var section: Section
    var measure: String
    var value: String
    /// The goal of issue 5 for this line, as text ("< 50 ms"); nil when none applies.
    var goal: String? = nil
    /// Whether the goal was met; nil when there is no goal or the run is tiny.
    var met: Bool? = nil
}

/// Collects results and prints them as one Markdown table.
struct Report {
    private(set) var results: [Result] = []
    var failed = false

    mutating func add(_ more: [Result]) {
        results += more
    }

    func markdown(configuration: BenchConfiguration) -> String {
        var lines = [
            "atlas-certs-bench, configuration: \(configuration.name)",
            "",
            "| section | measure | result | goal | met |",
            "|---|---|---|---|---|",
        ]
        for result in results {
            let met: String
            switch (result.goal, result.met, configuration.isTiny) {
            case (nil, _, _): met = ""
            case (_, _, true): met = "n/a"
            case (_, true?, false): met = "yes"
            case (_, false?, false): met = "**no**"
            case (_, nil, false): met = ""
            }
            lines.append("| \(result.section.rawValue) | \(result.measure) | \(result.value) | \(result.goal ?? "") | \(met) |")
        }
        return lines.joined(separator: "\n")
    }
}

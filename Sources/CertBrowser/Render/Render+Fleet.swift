import AtlasAPI
import Foundation

/// The all-certificates view's own words: its progress while the scan runs, what it
/// found (or could not read) when the scan ends.
extension Renderer {
    var emptyFleetText: String {
        let status = state.fleetScanStatus
        if status.inFlight > 0 { return "Scanning every project for certificates\(StatusText.pending(ascii: glyphs.ascii))" }
        // Without the projects nothing was scanned: "no certificates" would be a wrong answer.
        if state.projectsLoad.failureMessage != nil { return "The projects could not be listed, so no certificates were read." }
        return status.failures.isEmpty ? "No Atlas-managed certificates in any project." : "No certificates could be read."
    }

    /// `Scanning 12/20 projects, 900/3000 users ▕████░░░░░░▏ 45%` while the scan runs;
    /// a summary when it has ended.
    var fleetProgressText: (String, StyleRole) {
        let status = state.fleetScanStatus
        guard let projectsTotal = status.projectsTotal else {
            if let failure = state.projectsLoad.failureMessage { return ("Load failed: \(failure) Press R to retry.", .error) }
            return ("Listing projects\(StatusText.pending(ascii: glyphs.ascii))", .normal)
        }
        let counts = "\(status.projectsDone)/\(projectsTotal) projects, \(status.usersDone)/\(status.usersTotal) X.509 users"
        if status.inFlight > 0 {
            var text = "Scanning \(counts) \(bar(status.fraction)) \(Int((status.fraction * 100).rounded(.down)))%"
            if let until = state.rateLimitedUntil, until > now {
                text += " \(glyphs.dot) waiting \(TimeLeft.span(until.timeIntervalSince(now))) for Atlas's rate limit"
            }
            return (text + " \(glyphs.dot) Esc stops", .normal)
        }
        if !status.failures.isEmpty {
            let more = status.failures.count > 1 ? " (and \(status.failures.count - 1) more)" : ""
            return ("Scan incomplete: could not read \(status.failures[0])\(more). R rescans.", .error)
        }
        if status.cancelled > 0 {
            return ("Scan stopped after \(counts); these rows are partial. R rescans.", .stale)
        }
        return ("All \(status.certificates) certificates of \(status.usersTotal) X.509 users in \(projectsTotal) projects.", .muted)
    }

    /// A ten-cell progress bar.
    func bar(_ fraction: Double) -> String {
        let filled = max(0, min(10, Int((fraction * 10).rounded(.down))))
        let (full, empty) = glyphs.ascii ? ("#", "-") : ("█", "░")
        return "[" + String(repeating: full, count: filled) + String(repeating: empty, count: 10 - filled) + "]"
    }
}

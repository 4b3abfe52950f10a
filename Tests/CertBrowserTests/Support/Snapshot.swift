import Foundation
import Testing

/// A zero-dependency snapshot assertion in the style of swift-argument-parser's
/// `assertSnapshot`: the expected text lives in `Snapshots/<name>.txt` beside this test
/// target and is compared exactly.
///
/// - A missing file fails with instructions, never passes silently.
/// - `SNAPSHOT_RECORD=1` rewrites the file and still fails, so a recording run can
///   never be mistaken for a passing one; run again without it to compare.
func assertSnapshot(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    // This file is Tests/CertBrowserTests/Support/Snapshot.swift; Snapshots/ is beside Support/.
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Snapshots")
    let file = directory.appendingPathComponent(name + ".txt")
    let recording = ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] == "1"

    if recording {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: file)
            Issue.record("Recorded snapshot \(name). Run again without SNAPSHOT_RECORD=1 to compare.", sourceLocation: sourceLocation)
        } catch {
            Issue.record("Could not record snapshot \(file.path): \(error)", sourceLocation: sourceLocation)
        }
        return
    }

    guard let data = FileManager.default.contents(atPath: file.path) else {
        Issue.record(
            "Missing snapshot \(file.path). Record it with: SNAPSHOT_RECORD=1 swift test --filter CertBrowserTests",
            sourceLocation: sourceLocation)
        return
    }
    let expected = String(decoding: data, as: UTF8.self)
    guard expected != actual else { return }
    Issue.record(
        "Snapshot \(name) differs.\n\(lineDiff(expected: expected, actual: actual))\nIf the change is intended, re-record with SNAPSHOT_RECORD=1.",
        sourceLocation: sourceLocation)
}

/// The differing lines, numbered, as `-expected` / `+actual` pairs.
func lineDiff(expected: String, actual: String) -> String {
    let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
    var out: [String] = []
    for index in 0..<max(old.count, new.count) {
        let a = index < old.count ? String(old[index]) : "<none>"
        let b = index < new.count ? String(new[index]) : "<none>"
        if a != b {
            out.append("line \(index + 1):\n- \(a)\n+ \(b)")
        }
    }
    return out.joined(separator: "\n")
}

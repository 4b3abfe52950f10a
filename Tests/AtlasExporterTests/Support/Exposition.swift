import Foundation

/// A Prometheus text exposition read back sample by sample, label values unescaped as the
/// format defines (`\\`, `\"`, `\n`): what a scraper sees, independent of our renderer.
struct Exposition {
    struct Sample: Hashable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var samples: [Sample] = []
    var help: [String: String] = [:]
    var type: [String: String] = [:]

    struct Malformed: Error, CustomStringConvertible {
        var line: String
        var description: String { "malformed exposition line: \(line.debugDescription)" }
    }

    init(_ text: String) throws {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
                let rest = line.dropFirst(7)
                guard let space = rest.firstIndex(of: " ") else { throw Malformed(line: String(line)) }
                let name = String(rest[..<space]), value = String(rest[rest.index(after: space)...])
                if line.hasPrefix("# HELP ") { help[name] = value } else { type[name] = value }
                continue
            }
            if line.hasPrefix("#") { continue }
            samples.append(try Self.sample(Substring(line)))
        }
    }

    static func sample(_ line: Substring) throws -> Sample {
        var index = line.startIndex
        while index < line.endIndex, line[index] != "{", line[index] != " " { index = line.index(after: index) }
        let name = String(line[..<index])
        var labels: [String: String] = [:]
        if index < line.endIndex, line[index] == "{" {
            index = line.index(after: index)
            while index < line.endIndex, line[index] != "}" {
                guard let equals = line[index...].firstIndex(of: "=") else { throw Malformed(line: String(line)) }
                let key = String(line[index..<equals])
                var cursor = line.index(after: equals)
                guard cursor < line.endIndex, line[cursor] == "\"" else { throw Malformed(line: String(line)) }
                cursor = line.index(after: cursor)
                var value = ""
                while true {
                    guard cursor < line.endIndex else { throw Malformed(line: String(line)) }
                    let character = line[cursor]
                    if character == "\"" { break }
                    if character == "\\" {
                        cursor = line.index(after: cursor)
                        guard cursor < line.endIndex else { throw Malformed(line: String(line)) }
                        switch line[cursor] {
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        case "n": value.append("\n")
                        default: throw Malformed(line: String(line))
                        }
                    } else {
                        value.append(character)
                    }
                    cursor = line.index(after: cursor)
                }
                labels[key] = value
                index = line.index(after: cursor)
                if index < line.endIndex, line[index] == "," { index = line.index(after: index) }
            }
            guard index < line.endIndex else { throw Malformed(line: String(line)) }
            index = line.index(after: index)
        }
        let rest = line[index...].trimmingCharacters(in: .whitespaces)
        guard let value = Double(rest.split(separator: " ").first ?? "") else { throw Malformed(line: String(line)) }
        return Sample(name: name, labels: labels, value: value)
    }

    func samples(named name: String) -> [Sample] { samples.filter { $0.name == name } }

    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { sample in sample.name == name && labels.allSatisfy { key, value in sample.labels[key] == value } }?.value
    }
}

import Foundation

/// A targeted edit of the Atlas CLI's config.toml: the `access_token` and `refresh_token`
/// values in one profile's table are replaced, and every other byte of the file (keys,
/// tables, comments, spacing, line endings) is kept as it was. The file is never
/// re-serialised; anything this edit does not understand is refused, never guessed.
public enum ConfigTokenEdit {
    /// Why the edit was refused. Descriptions name the key or table, never a value.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case tableNotFound(profile: String)
        case tableRepeated(profile: String)
        case keyNotFound(key: String, profile: String)
        case keyRepeated(key: String, profile: String)
        case valueNotASingleLineString(key: String, profile: String)
        case tokenNotPrintable(key: String)

        public var description: String {
            switch self {
            case .tableNotFound(let profile): "config.toml has no table for profile \(profile)"
            case .tableRepeated(let profile): "config.toml has the table for profile \(profile) more than once"
            case .keyNotFound(let key, let profile): "profile \(profile) in config.toml has no \(key) line"
            case .keyRepeated(let key, let profile): "profile \(profile) in config.toml has \(key) more than once"
            case .valueNotASingleLineString(let key, let profile):
                "\(key) of profile \(profile) in config.toml is not a one-line string"
            case .tokenNotPrintable(let key): "the new \(key) has characters config.toml cannot hold as they are"
            }
        }
    }

    /// `text` with `access_token` and `refresh_token` in `[profile]` set to the new values.
    public static func replacingTokens(
        in text: String, profile: String, accessToken: Secret, refreshToken: Secret
    ) throws(Failure) -> String {
        var lines = splitKeepingTerminators(text)
        let range = try tableRange(in: lines, profile: profile)
        for (key, secret) in [("access_token", accessToken), ("refresh_token", refreshToken)] {
            let printable = secret.withValue { value in
                !value.isEmpty && value.unicodeScalars.allSatisfy { $0.value >= 0x21 && $0.value <= 0x7E && $0 != "\"" && $0 != "\\" }
            }
            guard printable else { throw .tokenNotPrintable(key: key) }
            var found: Int?
            for index in range {
                guard let line = KeyLine(lines[index]), line.key == key else { continue }
                guard found == nil else { throw .keyRepeated(key: key, profile: profile) }
                found = index
            }
            guard let index = found else { throw .keyNotFound(key: key, profile: profile) }
            guard let line = KeyLine(lines[index]), let rest = line.afterSingleLineString else {
                throw .valueNotASingleLineString(key: key, profile: profile)
            }
            lines[index] = secret.withValue { line.prefix + "\"" + $0 + "\"" + rest }
        }
        return lines.joined()
    }

    /// The lines of `text`, each with its own `\n` or `\r\n`, so joining gives `text` back.
    static func splitKeepingTerminators(_ text: String) -> [String] {
        var lines: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if character == "\n" || character == "\r\n" {
                lines.append(current)
                current = ""
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// Indices of the key lines of `[profile]`: after its header, before the next header.
    static func tableRange(in lines: [String], profile: String) throws(Failure) -> Range<Int> {
        var start: Int?
        var end: Int?
        for (index, line) in lines.enumerated() {
            guard let name = tableHeaderName(line) else { continue }
            if start != nil, end == nil { end = index }
            if name == profile {
                guard start == nil else { throw .tableRepeated(profile: profile) }
                start = index + 1
            }
        }
        guard let start else { throw .tableNotFound(profile: profile) }
        return start..<(end ?? lines.count)
    }

    /// The name in a `[name]` or `["name"]` header line (a `[[array]]` header is a header
    /// too, with no name that matches a profile); nil for any other line.
    static func tableHeaderName(_ line: String) -> String? {
        let trimmed = stripComment(line).trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("["), trimmed.hasSuffix("]") else { return nil }
        if trimmed.hasPrefix("[[") { return "\u{0}[[array]]" }
        let inner = trimmed.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
        if inner.count >= 2, (inner.hasPrefix("\"") && inner.hasSuffix("\"")) || (inner.hasPrefix("'") && inner.hasSuffix("'")) {
            let body = String(inner.dropFirst().dropLast())
            return body.contains("\\") ? "\u{0}escaped" : body
        }
        return inner
    }

    /// `line` up to a `#` outside a string (good enough for header lines, which hold no `#` in names we match).
    private static func stripComment(_ line: String) -> Substring {
        var quote: Character?
        for index in line.indices {
            let character = line[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#" {
                return line[..<index]
            }
        }
        return line[...]
    }

    /// `key = "value" # comment` split as prefix (up to and including `= `), and what follows the value.
    struct KeyLine {
        var key: String
        var prefix: String
        var value: Substring

        init?(_ line: String) {
            guard let equals = line.firstIndex(of: "=") else { return nil }
            let rawKey = line[..<equals].trimmingCharacters(in: .whitespaces)
            var key = rawKey
            if key.count >= 2, (key.hasPrefix("\"") && key.hasSuffix("\"")) || (key.hasPrefix("'") && key.hasSuffix("'")) {
                key = String(key.dropFirst().dropLast())
            }
            guard !key.isEmpty, !key.hasPrefix("#"), !key.hasPrefix("[") else { return nil }
            var valueStart = line.index(after: equals)
            while valueStart < line.endIndex, line[valueStart] == " " || line[valueStart] == "\t" {
                valueStart = line.index(after: valueStart)
            }
            self.key = key
            self.prefix = String(line[..<valueStart])
            self.value = line[valueStart...]
        }

        /// What follows a one-line basic or literal string value (comment, spaces, the line
        /// terminator), or nil when the value is anything else (multi-line, not a string).
        var afterSingleLineString: String? {
            guard let open = value.first, open == "\"" || open == "'" else { return nil }
            if value.hasPrefix("\"\"\"") || value.hasPrefix("'''") { return nil }
            var index = value.index(after: value.startIndex)
            while index < value.endIndex {
                let character = value[index]
                if character == "\n" || character == "\r\n" { return nil }
                if open == "\"", character == "\\" {
                    index = value.index(after: index)
                    guard index < value.endIndex else { return nil }
                } else if character == open {
                    let rest = value[value.index(after: index)...]
                    let trimmed = rest.trimmingCharacters(in: .whitespacesAndNewlines)
                    guard trimmed.isEmpty || trimmed.hasPrefix("#") else { return nil }
                    return String(rest)
                }
                index = value.index(after: index)
            }
            return nil
        }
    }
}

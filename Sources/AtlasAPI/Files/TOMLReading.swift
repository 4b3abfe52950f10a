import TOMLKit

/// Parses a TOML file the user edits by hand (the Atlas CLI's config.toml, our settings),
/// after refusing what TOMLKit's C++ parser cannot survive.
///
/// Why: toml++ (inside TOMLKit) asserts, rather than reports, that a table header's key
/// starts with a bare-key character or a quote: `[,default]` aborted the whole program
/// (found by the `config` fuzz target, Fuzz/Findings), and where assertions are compiled
/// out the same line is undefined behaviour. A typo in a config file must be one line
/// naming the file and the position, as every other syntax error is.
enum TOMLReading {
    /// A syntax error at a 1-based line and column; never the text, which may hold keys.
    struct SyntaxError: Error, Equatable {
        var line: Int
        var column: Int
    }

    /// The parsed table, or `SyntaxError`; another error of TOMLKit's passes through.
    static func table(_ text: String) throws -> TOMLTable {
        if let bad = unparsableHeader(in: text) { throw bad }
        do {
            return try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw SyntaxError(line: Int(error.source.begin.line), column: Int(error.source.begin.column))
        }
    }

    /// The position of the first table header (`[key]`, `[[key]]`) whose key starts with
    /// something other than a bare-key character, a quote or the closing bracket (which
    /// toml++ reports itself), or nil. Header lines are told from arrays spanning lines
    /// by following strings, comments and the nesting of values.
    static func unparsableHeader(in text: String) -> SyntaxError? {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        var line = 1
        var lineStart = 0
        var depth = 0
        var atStatementStart = true

        func next() {
            if scalars[index] == "\n" {
                line += 1
                lineStart = index + 1
                if depth == 0 { atStatementStart = true }
            }
            index += 1
        }
        func skipToEndOfLine() {
            while index < scalars.count && scalars[index] != "\n" { index += 1 }
        }
        func at(_ offset: Int) -> Unicode.Scalar? {
            index + offset < scalars.count ? scalars[index + offset] : nil
        }

        while index < scalars.count {
            let scalar = scalars[index]
            if atStatementStart {
                if scalar == " " || scalar == "\t" || scalar == "\r" || scalar == "\n" { next(); continue }
                atStatementStart = false
                if scalar == "[" {
                    var key = index + 1
                    if key < scalars.count && scalars[key] == "[" { key += 1 }
                    while key < scalars.count && (scalars[key] == " " || scalars[key] == "\t") { key += 1 }
                    if key < scalars.count, !startsKey(scalars[key]), scalars[key] != "]" {
                        return SyntaxError(line: line, column: key - lineStart + 1)
                    }
                    // A header is one line: quoted keys cannot hold a newline.
                    skipToEndOfLine()
                    continue
                }
            }
            switch scalar {
            case "#":
                skipToEndOfLine()
            case "\"", "'":
                let multiline = at(1) == scalar && at(2) == scalar
                let escapes = scalar == "\""
                index += multiline ? 3 : 1
                while index < scalars.count {
                    if escapes && scalars[index] == "\\" { next(); if index < scalars.count { next() }; continue }
                    if scalars[index] == scalar && (!multiline || (at(1) == scalar && at(2) == scalar)) {
                        index += multiline ? 3 : 1
                        break
                    }
                    if !multiline && scalars[index] == "\n" { break }
                    next()
                }
            case "[", "{":
                depth += 1
                index += 1
            case "]", "}":
                depth = max(0, depth - 1)
                index += 1
            default:
                next()
            }
        }
        return nil
    }

    /// What toml++ accepts as the first character of a key.
    private static func startsKey(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "-", "\"", "'": true
        default: false
        }
    }
}

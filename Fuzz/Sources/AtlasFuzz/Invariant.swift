import AtlasAPI
import Foundation

/// Checks the fuzz targets make of a parser's answer. A failure prints what broke and the
/// input's first bytes, then traps, so libFuzzer saves the input as a crash.
enum Invariant {
    static func require(_ condition: Bool, _ what: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
        guard !condition else { return }
        FileHandle.standardError.write(Data("invariant broken (\(file):\(line)): \(what())\n".utf8))
        fatalError("invariant broken: \(what())", file: file, line: line)
    }

    /// Text that may reach the terminal holds no scalar the sanitiser escapes.
    static func requireTerminalSafe(_ text: String, _ what: String, file: StaticString = #fileID, line: UInt = #line) {
        if let bad = text.unicodeScalars.first(where: TerminalSafe.isUnsafe) {
            require(false, "\(what) holds U+\(String(bad.value, radix: 16, uppercase: true)): \(text.debugDescription.prefix(200))",
                    file: file, line: line)
        }
    }
}

extension [UInt8] {
    /// The bytes as text, invalid UTF-8 repaired as the client's `String(decoding:as:)` does.
    var text: String { String(decoding: self, as: UTF8.self) }
}

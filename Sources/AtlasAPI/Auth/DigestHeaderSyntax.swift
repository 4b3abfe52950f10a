/// Splits a `WWW-Authenticate` value into challenges and their parameters (RFC 9110 §11).
///
/// Hand-written rather than split on `", "` (as the Go digest library does) because real
/// headers put commas inside quoted strings, escape quotes, leave values unquoted, write
/// `domain=""`, and carry several challenges in one header (`Basic realm="x", Digest …`).
/// It never fails: text it cannot read is skipped, and the caller checks for the
/// parameters it needs.
enum DigestHeaderSyntax {
    /// One challenge: its scheme as written and its parameters in order, names lower-cased.
    struct Challenge: Equatable {
        var scheme: String
        var parameters: [(name: String, value: String)]

        /// The first value of a parameter; names are compared lower-cased.
        func value(_ name: String) -> String? {
            parameters.first(where: { $0.name == name })?.value
        }

        static func == (lhs: Challenge, rhs: Challenge) -> Bool {
            lhs.scheme == rhs.scheme && lhs.parameters.elementsEqual(rhs.parameters, by: { $0 == $1 })
        }
    }

    static func challenges(in header: String) -> [Challenge] {
        var scanner = Scanner(bytes: Array(header.utf8))
        var result: [Challenge] = []
        while let element = scanner.nextElement() {
            switch element {
            case .scheme(let name):
                result.append(Challenge(scheme: name, parameters: []))
            case .parameter(let name, let value):
                // A parameter before any scheme belongs to nothing and is dropped.
                guard !result.isEmpty else { continue }
                result[result.count - 1].parameters.append((name, value))
            case .token68:
                continue
            }
        }
        return result
    }

    private enum Element {
        case scheme(String)
        case parameter(name: String, value: String)
        /// The opaque credentials form (`Negotiate abc==`); never part of a Digest challenge.
        case token68
    }

    /// Walks the UTF-8 bytes; only ASCII delimiters are inspected, so multi-byte
    /// characters inside values pass through unchanged.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
        private static let comma = UInt8(ascii: ","), equals = UInt8(ascii: "="), quote = UInt8(ascii: "\"")
        private static let backslash = UInt8(ascii: "\\")

        mutating func nextElement() -> Element? {
            while index < bytes.count {
                skip { $0 == Self.space || $0 == Self.tab || $0 == Self.comma }
                guard index < bytes.count else { return nil }
                guard let word = readWord() else {
                    index += 1  // a byte that starts nothing we know, e.g. a stray quote
                    continue
                }
                skip { $0 == Self.space || $0 == Self.tab }
                guard index < bytes.count, bytes[index] == Self.equals else { return .scheme(word) }
                index += 1
                skip { $0 == Self.space || $0 == Self.tab }
                // `word=` followed by nothing, a comma or more `=` is token68 padding, not a parameter.
                if index >= bytes.count || bytes[index] == Self.comma || bytes[index] == Self.equals {
                    skip { $0 == Self.equals }
                    return .token68
                }
                let value = bytes[index] == Self.quote ? readQuoted() : readBare()
                return .parameter(name: word.lowercased(), value: value)
            }
            return nil
        }

        private mutating func skip(while predicate: (UInt8) -> Bool) {
            while index < bytes.count, predicate(bytes[index]) { index += 1 }
        }

        /// A token (RFC 9110 `tchar`), also allowing `/` so a token68 is read as one word.
        private mutating func readWord() -> String? {
            let start = index
            skip { Self.isWordByte($0) }
            return start < index ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
        }

        /// An unquoted value runs to the next comma or whitespace: nonces are base64 and may
        /// contain `/`, `+` and `=`, which are not token characters.
        private mutating func readBare() -> String {
            let start = index
            skip { $0 != Self.comma && $0 != Self.space && $0 != Self.tab }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        /// A quoted-string with backslash escapes; an unterminated one runs to the end.
        private mutating func readQuoted() -> String {
            index += 1
            var value: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if byte == Self.quote { break }
                if byte == Self.backslash, index < bytes.count {
                    value.append(bytes[index])
                    index += 1
                } else {
                    value.append(byte)
                }
            }
            return String(decoding: value, as: UTF8.self)
        }

        private static func isWordByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            default:
                "!#$%&'*+-.^_`|~/".utf8.contains(byte)
            }
        }
    }
}

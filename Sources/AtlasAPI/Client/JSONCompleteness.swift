/// Whether a JSON body arrived whole: one pass over the bytes that tracks strings and
/// nesting, without building anything.
///
/// Why: a proxy that cuts a body short still sends a valid HTTP message, so the transport
/// cannot see it; a decoder can, but then a cut body and a body that breaks the schema look
/// the same. The first is transient (send the GET again), the second permanent. A body is
/// complete when every string and every `{`/`[` it opens is closed and something other
/// than whitespace came. It does not validate JSON: the decoder does that afterwards.
enum JSONCompleteness {
    /// True unless the response says it is JSON and its body is visibly cut short.
    static func isComplete(_ response: HTTPResponse) -> Bool {
        guard let type = response.header("Content-Type"), type.lowercased().contains("json") else { return true }
        return isComplete(response.body)
    }

    static func isComplete(_ body: [UInt8]) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        var sawValue = false
        for byte in body {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true; sawValue = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1; sawValue = true
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): break
            default: sawValue = true
            }
        }
        return sawValue && !inString && depth <= 0
    }
}

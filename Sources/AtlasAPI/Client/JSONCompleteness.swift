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
        body.withUnsafeBufferPointer { bytes in
            var depth = 0
            var sawValue = false
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case 0x22:  // "
                    sawValue = true
                    guard let end = JSONStringScan.end(of: bytes, contentFrom: index) else { return false }
                    index = end
                case 0x7B, 0x5B: depth += 1; sawValue = true   // { [
                case 0x7D, 0x5D: depth -= 1                    // } ]
                case 0x20, 0x0A, 0x0D, 0x09: break             // whitespace
                default: sawValue = true
                }
            }
            return sawValue && depth <= 0
        }
    }
}

/// Percent-decoding and -encoding of URL path segments and query components.
///
/// Atlas usernames contain `/`, `@`, `+`, `,`, `=`, spaces and non-ASCII, so paths must be
/// split on raw `/` first and each segment decoded afterwards; decoding the whole path
/// first would turn `d0123…%2Fuser-332` into two segments.
enum PercentEncoding {
    /// Decodes `%XX` escapes as UTF-8; nil for a malformed escape or invalid UTF-8.
    /// With `plusIsSpace` (form and query encoding) `+` becomes a space.
    static func decode(_ text: Substring, plusIsSpace: Bool = false) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            } else if plusIsSpace && byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        // `String(validating:as:)` needs macOS 15; a lossy decode that round-trips is valid UTF-8.
        let text = String(decoding: bytes, as: UTF8.self)
        return text.utf8.elementsEqual(bytes) ? text : nil
    }

    /// Encodes one path segment the way Atlas writes its links (Go's `url.PathEscape`):
    /// unreserved characters and `$ & + : = @` stay, everything else becomes `%XX`
    /// (uppercase), so `/` is `%2F` and `$external` stays literal.
    static func encodePathSegment(_ text: String) -> String {
        encode(text, keeping: "$&+:=@")
    }

    /// Encodes a query value (Go's `url.QueryEscape` minus the `+` for space).
    static func encodeQueryValue(_ text: String) -> String {
        encode(text, keeping: "")
    }

    private static func encode(_ text: String, keeping extra: String) -> String {
        let kept = Set(extra.utf8)
        var out = ""
        for byte in text.utf8 {
            if isUnreserved(byte) || kept.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return out
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

import Foundation

/// Decoding and encoding of Atlas JSON, shared by the client, the simulator and the tests.
///
/// Dates: Atlas sends ISO 8601 with a `Z` and whole seconds; other implementations and
/// older endpoints send fractional seconds or an offset, so both are accepted.
/// Numbers: the original documentation printed an ID with a leading zero
/// (`0946028664465903704`), which strict JSON forbids; `decode` accepts it by
/// dropping such zeros before the bytes reach `JSONDecoder`.
public enum AtlasJSON {
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseDate(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "not an ISO 8601 date-time: \(text.prefix(40))")
            }
            return date
        }
        return decoder
    }

    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(formatDate(date))
        }
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Decodes `type` from `data`, tolerating the leading zeros of the documented example.
    public static func decode<T: Decodable>(_ type: T.Type, from data: some Collection<UInt8>) throws -> T {
        let bytes = Array(data)
        let cleaned = removingLeadingZeros(bytes)
        return try decoder().decode(T.self, from: Data(cleaned))
    }

    /// Parses `2026-11-10T03:06:35Z`, `2026-11-10T03:06:35.123Z` and offsets like `+02:00`.
    public static func parseDate(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: false)) {
            return date
        }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            return date
        }
        return nil
    }

    /// Formats as Atlas does: UTC, whole seconds, `Z`.
    public static func formatDate(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false))
    }

    /// Returns the bytes with leading zeros removed from integer literals outside strings
    /// (`0946` becomes `946`; `0`, `0.5` and `-0` stay as they are). Returns the input
    /// unchanged, without copying, in the usual case where there is nothing to remove.
    static func removingLeadingZeros(_ bytes: [UInt8]) -> [UInt8] {
        guard let firstFix = firstLeadingZero(in: bytes) else { return bytes }
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        out.append(contentsOf: bytes[..<firstFix])
        var index = firstFix
        var inString = false
        var previousSignificant: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                out.append(byte)
                if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                    out.append(bytes[index + 1])
                    index += 2
                    continue
                }
                if byte == UInt8(ascii: "\"") { inString = false; previousSignificant = byte }
                index += 1
                continue
            }
            if byte == UInt8(ascii: "\"") {
                inString = true
                out.append(byte)
                index += 1
                continue
            }
            if byte == UInt8(ascii: "0"), startsNumber(previousSignificant), index + 1 < bytes.count,
               isDigit(bytes[index + 1]) {
                // Skip this zero; the loop sees the next digit as the number's start again.
                index += 1
                continue
            }
            out.append(byte)
            if !isWhitespace(byte) { previousSignificant = byte }
            index += 1
        }
        return out
    }

    private static func firstLeadingZero(in body: [UInt8]) -> Int? {
        body.withUnsafeBufferPointer { bytes in
            var previousSignificant: UInt8 = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 0x22 {  // a string: nothing in it is a number
                    guard let end = JSONStringScan.end(of: bytes, contentFrom: index + 1) else { return nil }
                    previousSignificant = byte
                    index = end
                    continue
                }
                if byte == 0x30, startsNumber(previousSignificant), index + 1 < bytes.count, isDigit(bytes[index + 1]) {
                    return index
                }
                if !isWhitespace(byte) { previousSignificant = byte }
                index += 1
            }
            return nil
        }
    }

    /// A number starts after one of these (or after a minus sign).
    private static func startsNumber(_ previous: UInt8) -> Bool {
        previous == UInt8(ascii: ":") || previous == UInt8(ascii: "[") || previous == UInt8(ascii: ",")
            || previous == UInt8(ascii: "-") || previous == 0
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}

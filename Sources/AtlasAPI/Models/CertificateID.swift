/// The identifier Atlas gives an Atlas-managed X.509 certificate.
///
/// Atlas sends `_id` as a bare JSON integer that *is* the certificate's serial number.
/// Real values are around 2^60, far above 2^53, so any path through `Double`
/// (JavaScript, `JSONSerialization`, `NSNumber.doubleValue`) silently corrupts them.
/// This type keeps the exact 64-bit value, prints it as plain decimal digits (what the
/// Atlas UI, the `atlas` CLI and the API show, and what a user pastes into a shell),
/// and as the hexadecimal serial that `openssl x509 -serial` prints.
public struct CertificateID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The serial number.
    public let value: UInt64

    public init(_ value: UInt64) {
        self.value = value
    }

    /// Parses decimal digits exactly. Leading zeros are accepted because the original
    /// Atlas documentation printed an ID as `0946028664465903704`; they carry no meaning.
    /// Returns nil for anything that is not 1...20 ASCII digits or does not fit in 64 bits.
    public init?(decimal text: Substring) {
        guard !text.isEmpty, text.utf8.count <= 40,
              text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        let trimmed = text.drop(while: { $0 == "0" })
        if trimmed.isEmpty { self.value = 0; return }
        guard let value = UInt64(trimmed) else { return nil }
        self.value = value
    }

    public init?(decimal text: String) {
        self.init(decimal: Substring(text))
    }

    /// Exact decimal digits, no padding: the form to copy and to show.
    public var decimal: String { String(value) }

    /// The serial as `openssl x509 -noout -serial` prints it: uppercase hex, two digits
    /// per byte of the big-endian magnitude (so an odd digit count gets a leading 0).
    public var hexSerial: String {
        var hex = String(value, radix: 16, uppercase: true)
        if hex.count % 2 == 1 { hex = "0" + hex }
        return hex
    }

    /// The same serial with a colon between bytes, as `openssl x509 -text` shows it.
    public var colonHexSerial: String {
        var out = ""
        for (index, character) in hexSerial.enumerated() {
            if index > 0 && index % 2 == 0 { out.append(":") }
            out.append(character)
        }
        return out
    }

    public var description: String { decimal }

    public static func < (lhs: CertificateID, rhs: CertificateID) -> Bool {
        lhs.value < rhs.value
    }
}

extension CertificateID: Codable {
    /// Decodes a JSON number exactly (never through Double), or a string of digits as
    /// the v1.0 documentation printed it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(UInt64.self) {
            self.value = number
            return
        }
        if let text = try? container.decode(String.self), let parsed = CertificateID(decimal: text) {
            self = parsed
            return
        }
        throw DecodingError.dataCorruptedError(
            in: container,
            debugDescription: "certificate _id is not an unsigned 64-bit integer")
    }

    /// Encodes as a bare JSON integer, exactly as Atlas sends it.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

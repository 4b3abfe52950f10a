/// D-Bus marshalling (specification, "Marshaling (Wire Format)"): values to bytes and back.
///
/// Pure and separate from the socket so every rule is unit-tested with byte fixtures.
/// Offsets are counted from the start of the buffer, which must itself sit on an 8-byte
/// boundary of the message (the header does, and so does the body).
struct DBusEncoder {
    private(set) var bytes: [UInt8] = []

    /// Writes little-endian, the order this client announces with `l`.
    mutating func encode(_ value: DBusValue) {
        pad(to: value.type.alignment)
        switch value {
        case .byte(let byte): bytes.append(byte)
        case .boolean(let flag): append(UInt32(flag ? 1 : 0))
        case .int16(let number): append(UInt16(bitPattern: number))
        case .uint16(let number): append(number)
        case .int32(let number): append(UInt32(bitPattern: number))
        case .uint32(let number), .unixFD(let number): append(number)
        case .int64(let number): append(UInt64(bitPattern: number))
        case .uint64(let number): append(number)
        case .double(let number): append(number.bitPattern)
        case .string(let text), .objectPath(let text):
            let utf8 = Array(text.utf8)
            append(UInt32(utf8.count))
            bytes += utf8
            bytes.append(0)
        case .signature(let text):
            let utf8 = Array(text.utf8)
            bytes.append(UInt8(truncatingIfNeeded: utf8.count))
            bytes += utf8
            bytes.append(0)
        case .variant(let inner):
            encode(.signature(inner.type.description))
            encode(inner)
        case .array(let element, let elements):
            let lengthAt = bytes.count
            append(UInt32(0))
            // The padding before the first element is not part of the length.
            pad(to: element.alignment)
            let start = bytes.count
            for item in elements { encode(item) }
            let length = UInt32(bytes.count - start)
            withUnsafeBytes(of: length.littleEndian) { bytes.replaceSubrange(lengthAt..<lengthAt + 4, with: $0) }
        case .structure(let fields):
            for field in fields { encode(field) }
        case .dictEntry(let key, let value):
            encode(key)
            encode(value)
        }
    }

    mutating func pad(to alignment: Int) {
        while bytes.count % alignment != 0 { bytes.append(0) }
    }

    private mutating func append<T: FixedWidthInteger>(_ number: T) {
        withUnsafeBytes(of: number.littleEndian) { bytes += $0 }
    }
}

/// Why bytes could not be read as the D-Bus values they claim to be.
struct DBusDecodingError: Error, Equatable, CustomStringConvertible {
    var reason: String
    var description: String { "malformed D-Bus data: \(reason)" }
}

/// Reads values of known types; every length is checked against what is there, because
/// the bytes come from another process.
struct DBusDecoder {
    private let bytes: [UInt8]
    private let littleEndian: Bool
    private(set) var offset: Int

    /// Arrays in a message may not exceed 64 MiB (specification); far less is plenty here.
    static let maximumArrayLength = 1 << 24
    private static let maximumDepth = 64

    init(_ bytes: [UInt8], littleEndian: Bool, offset: Int = 0) {
        self.bytes = bytes
        self.littleEndian = littleEndian
        self.offset = offset
    }

    var isAtEnd: Bool { offset >= bytes.count }

    mutating func decode(_ type: DBusType) throws -> DBusValue {
        try decode(type, depth: 0)
    }

    private mutating func decode(_ type: DBusType, depth: Int) throws -> DBusValue {
        guard depth < Self.maximumDepth else { throw DBusDecodingError(reason: "nested too deeply") }
        try align(to: type.alignment)
        switch type {
        case .byte: return .byte(try takeByte())
        case .boolean:
            let raw: UInt32 = try integer()
            guard raw <= 1 else { throw DBusDecodingError(reason: "boolean \(raw)") }
            return .boolean(raw == 1)
        case .int16: return .int16(Int16(bitPattern: try integer()))
        case .uint16: return .uint16(try integer())
        case .int32: return .int32(Int32(bitPattern: try integer()))
        case .uint32: return .uint32(try integer())
        case .unixFD: return .unixFD(try integer())
        case .int64: return .int64(Int64(bitPattern: try integer()))
        case .uint64: return .uint64(try integer())
        case .double: return .double(Double(bitPattern: try integer()))
        case .string: return .string(try text(length: Int(try integer() as UInt32)))
        case .objectPath: return .objectPath(try text(length: Int(try integer() as UInt32)))
        case .signature: return .signature(try text(length: Int(try takeByte())))
        case .variant:
            guard case .signature(let signature) = try decode(.signature, depth: depth + 1),
                  let types = DBusType.parse(signature: signature), types.count == 1 else {
                throw DBusDecodingError(reason: "variant signature")
            }
            return .variant(try decode(types[0], depth: depth + 1))
        case .array(let element):
            let length = Int(try integer() as UInt32)
            guard length <= Self.maximumArrayLength else { throw DBusDecodingError(reason: "array of \(length) bytes") }
            try align(to: element.alignment)
            let end = offset + length
            guard end <= bytes.count else { throw DBusDecodingError(reason: "array runs past the end") }
            var elements: [DBusValue] = []
            while offset < end {
                elements.append(try decode(element, depth: depth + 1))
            }
            guard offset == end else { throw DBusDecodingError(reason: "array length") }
            return .array(element, elements)
        case .structure(let fields):
            return .structure(try fields.map { try decode($0, depth: depth + 1) })
        case .dictEntry(let key, let value):
            return .dictEntry(try decode(key, depth: depth + 1), try decode(value, depth: depth + 1))
        }
    }

    mutating func align(to alignment: Int) throws {
        let padded = (offset + alignment - 1) / alignment * alignment
        guard padded <= bytes.count else { throw DBusDecodingError(reason: "padding runs past the end") }
        // The specification requires padding to be zero; a non-zero byte means misframing.
        guard bytes[offset..<padded].allSatisfy({ $0 == 0 }) else { throw DBusDecodingError(reason: "non-zero padding") }
        offset = padded
    }

    private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, offset + count <= bytes.count else { throw DBusDecodingError(reason: "value runs past the end") }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    private mutating func takeByte() throws -> UInt8 {
        let slice = try take(1)
        return slice[slice.startIndex]
    }

    private mutating func integer<T: FixedWidthInteger>() throws -> T {
        let slice = try take(MemoryLayout<T>.size)
        var value: T = 0
        for byte in littleEndian ? slice.reversed() : Array(slice) {
            value = value << 8 | T(byte)
        }
        return value
    }

    /// A string, object path or signature: UTF-8, then a NUL.
    private mutating func text(length: Int) throws -> String {
        guard length <= Self.maximumArrayLength else { throw DBusDecodingError(reason: "string of \(length) bytes") }
        let utf8 = try take(length)
        guard try take(1).first == 0 else { throw DBusDecodingError(reason: "string without its NUL") }
        guard let text = String(validating: utf8, as: UTF8.self) else { throw DBusDecodingError(reason: "string not UTF-8") }
        return text
    }
}

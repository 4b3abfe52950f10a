/// A D-Bus type, as a signature spells it (D-Bus specification, "Type System").
///
/// Only what the Secret Service calls need is modelled, but every basic type is here so
/// that a reply carrying an unexpected one is skipped correctly rather than misread.
indirect enum DBusType: Equatable, Sendable, CustomStringConvertible {
    case byte, boolean, int16, uint16, int32, uint32, int64, uint64, double
    case string, objectPath, signature, unixFD
    case variant
    case array(DBusType)
    case structure([DBusType])
    case dictEntry(DBusType, DBusType)

    /// The signature text of this one type.
    var description: String {
        switch self {
        case .byte: "y"
        case .boolean: "b"
        case .int16: "n"
        case .uint16: "q"
        case .int32: "i"
        case .uint32: "u"
        case .int64: "x"
        case .uint64: "t"
        case .double: "d"
        case .string: "s"
        case .objectPath: "o"
        case .signature: "g"
        case .unixFD: "h"
        case .variant: "v"
        case .array(let element): "a\(element)"
        case .structure(let fields): "(" + fields.map(\.description).joined() + ")"
        case .dictEntry(let key, let value): "{\(key)\(value)}"
        }
    }

    /// The boundary a value of this type starts on.
    var alignment: Int {
        switch self {
        case .byte, .signature, .variant: 1
        case .int16, .uint16: 2
        case .boolean, .int32, .uint32, .string, .objectPath, .unixFD, .array: 4
        case .int64, .uint64, .double, .structure, .dictEntry: 8
        }
    }

    /// Parses a whole signature into its complete types; nil when it is malformed.
    static func parse(signature text: String) -> [DBusType]? {
        var scalars = Array(text.utf8)[...]
        var types: [DBusType] = []
        while !scalars.isEmpty {
            guard let type = parseOne(&scalars, depth: 0) else { return nil }
            types.append(type)
        }
        return types
    }

    /// The specification caps nesting at 32 arrays and 32 structures; 64 bounds both.
    private static let maximumDepth = 64

    private static func parseOne(_ scalars: inout ArraySlice<UInt8>, depth: Int) -> DBusType? {
        guard depth < maximumDepth, let first = scalars.popFirst() else { return nil }
        switch first {
        case UInt8(ascii: "y"): return .byte
        case UInt8(ascii: "b"): return .boolean
        case UInt8(ascii: "n"): return .int16
        case UInt8(ascii: "q"): return .uint16
        case UInt8(ascii: "i"): return .int32
        case UInt8(ascii: "u"): return .uint32
        case UInt8(ascii: "x"): return .int64
        case UInt8(ascii: "t"): return .uint64
        case UInt8(ascii: "d"): return .double
        case UInt8(ascii: "s"): return .string
        case UInt8(ascii: "o"): return .objectPath
        case UInt8(ascii: "g"): return .signature
        case UInt8(ascii: "h"): return .unixFD
        case UInt8(ascii: "v"): return .variant
        case UInt8(ascii: "a"):
            if scalars.first == UInt8(ascii: "{") {
                scalars.removeFirst()
                guard let key = parseOne(&scalars, depth: depth + 1), key.isBasic,
                      let value = parseOne(&scalars, depth: depth + 1),
                      scalars.popFirst() == UInt8(ascii: "}") else { return nil }
                return .array(.dictEntry(key, value))
            }
            return parseOne(&scalars, depth: depth + 1).map { .array($0) }
        case UInt8(ascii: "("):
            var fields: [DBusType] = []
            while scalars.first != UInt8(ascii: ")") {
                guard let field = parseOne(&scalars, depth: depth + 1) else { return nil }
                fields.append(field)
            }
            scalars.removeFirst()
            return fields.isEmpty ? nil : .structure(fields)
        default:
            return nil
        }
    }

    /// Dictionary keys must be basic types.
    var isBasic: Bool {
        switch self {
        case .variant, .array, .structure, .dictEntry: false
        default: true
        }
    }
}

/// One D-Bus value. Arrays carry their element type so an empty one still has a signature.
indirect enum DBusValue: Equatable, Sendable {
    case byte(UInt8)
    case boolean(Bool)
    case int16(Int16)
    case uint16(UInt16)
    case int32(Int32)
    case uint32(UInt32)
    case int64(Int64)
    case uint64(UInt64)
    case double(Double)
    case string(String)
    case objectPath(String)
    case signature(String)
    case unixFD(UInt32)
    case variant(DBusValue)
    case array(DBusType, [DBusValue])
    case structure([DBusValue])
    case dictEntry(DBusValue, DBusValue)

    var type: DBusType {
        switch self {
        case .byte: .byte
        case .boolean: .boolean
        case .int16: .int16
        case .uint16: .uint16
        case .int32: .int32
        case .uint32: .uint32
        case .int64: .int64
        case .uint64: .uint64
        case .double: .double
        case .string: .string
        case .objectPath: .objectPath
        case .signature: .signature
        case .unixFD: .unixFD
        case .variant: .variant
        case .array(let element, _): .array(element)
        case .structure(let fields): .structure(fields.map(\.type))
        case .dictEntry(let key, let value): .dictEntry(key.type, value.type)
        }
    }

    /// `a{ss}` from a Swift dictionary, keys sorted so the bytes are reproducible.
    static func stringDictionary(_ dictionary: [String: String]) -> DBusValue {
        .array(.dictEntry(.string, .string), dictionary.keys.sorted().map { .dictEntry(.string($0), .string(dictionary[$0]!)) })
    }

    // MARK: Reading replies

    var stringValue: String? {
        switch self {
        case .string(let text), .objectPath(let text), .signature(let text): text
        case .variant(let inner): inner.stringValue
        default: nil
        }
    }

    var boolValue: Bool? {
        switch self {
        case .boolean(let flag): flag
        case .variant(let inner): inner.boolValue
        default: nil
        }
    }

    var arrayElements: [DBusValue]? {
        switch self {
        case .array(_, let elements): elements
        case .variant(let inner): inner.arrayElements
        default: nil
        }
    }

    /// An `ao` as paths.
    var objectPaths: [String]? {
        arrayElements?.map { element -> String? in
            if case .objectPath(let path) = element { return path }
            return nil
        }.reduce(into: [String]?.some([])) { result, path in
            guard let path else { result = nil; return }
            result?.append(path)
        }
    }

    /// An `ay` as bytes.
    var bytes: [UInt8]? {
        guard case .array(.byte, let elements) = self else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(elements.count)
        for element in elements {
            guard case .byte(let byte) = element else { return nil }
            out.append(byte)
        }
        return out
    }

    var fields: [DBusValue]? {
        if case .structure(let fields) = self { return fields }
        return nil
    }
}

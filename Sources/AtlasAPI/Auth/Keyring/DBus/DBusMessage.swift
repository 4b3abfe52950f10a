/// One D-Bus message: the fixed header, the header fields and the body (specification,
/// "Message Format"). Pure: `encoded()` and `decode(_:)` turn it into bytes and back;
/// `frameLength(_:)` tells the socket reader how many bytes a message takes.
struct DBusMessage: Equatable, Sendable {
    enum Kind: UInt8, Sendable {
        case methodCall = 1
        case methodReturn = 2
        case error = 3
        case signal = 4
    }

    var kind: Kind
    var flags: UInt8 = 0
    var serial: UInt32
    var path: String?
    var interface: String?
    var member: String?
    var errorName: String?
    var replySerial: UInt32?
    var destination: String?
    var sender: String?
    var body: [DBusValue] = []

    /// Messages may be up to 128 MiB; the Secret Service answers here are a few hundred bytes.
    static let maximumLength = 1 << 22

    static func methodCall(serial: UInt32, destination: String, path: String, interface: String, member: String,
                           body: [DBusValue] = []) -> DBusMessage {
        DBusMessage(kind: .methodCall, serial: serial, path: path, interface: interface, member: member,
                    destination: destination, body: body)
    }

    var signature: String { body.map(\.type.description).joined() }

    /// The header field codes.
    private enum Field: UInt8 {
        case path = 1, interface, member, errorName, replySerial, destination, sender, signature, unixFDs
    }

    func encoded() -> [UInt8] {
        var bodyEncoder = DBusEncoder()
        for value in body { bodyEncoder.encode(value) }

        var fields: [DBusValue] = []
        func add(_ field: Field, _ value: DBusValue?) {
            if let value { fields.append(.structure([.byte(field.rawValue), .variant(value)])) }
        }
        add(.path, path.map(DBusValue.objectPath))
        add(.interface, interface.map(DBusValue.string))
        add(.member, member.map(DBusValue.string))
        add(.errorName, errorName.map(DBusValue.string))
        add(.replySerial, replySerial.map(DBusValue.uint32))
        add(.destination, destination.map(DBusValue.string))
        add(.sender, sender.map(DBusValue.string))
        if !body.isEmpty { add(.signature, .signature(signature)) }

        var header = DBusEncoder()
        header.encode(.byte(UInt8(ascii: "l")))
        header.encode(.byte(kind.rawValue))
        header.encode(.byte(flags))
        header.encode(.byte(1))
        header.encode(.uint32(UInt32(bodyEncoder.bytes.count)))
        header.encode(.uint32(serial))
        header.encode(.array(.structure([.byte, .variant]), fields))
        header.pad(to: 8)
        return header.bytes + bodyEncoder.bytes
    }

    /// How many bytes the message at the start of `bytes` takes, nil while fewer than 16
    /// bytes are there to tell. Throws when the lengths are impossible.
    static func frameLength(_ bytes: ArraySlice<UInt8>) throws -> Int? {
        guard bytes.count >= 16 else { return nil }
        let start = bytes.startIndex
        let littleEndian: Bool
        switch bytes[start] {
        case UInt8(ascii: "l"): littleEndian = true
        case UInt8(ascii: "B"): littleEndian = false
        default: throw DBusDecodingError(reason: "unknown byte order")
        }
        func word(_ at: Int) -> Int {
            let four = bytes[(start + at)..<(start + at + 4)]
            return Int((littleEndian ? four.reversed() : Array(four)).reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        }
        let bodyLength = word(4)
        let fieldsLength = word(12)
        guard bodyLength <= maximumLength, fieldsLength <= maximumLength else {
            throw DBusDecodingError(reason: "message longer than \(maximumLength) bytes")
        }
        let headerLength = (16 + fieldsLength + 7) / 8 * 8
        let total = headerLength + bodyLength
        guard total <= maximumLength else { throw DBusDecodingError(reason: "message longer than \(maximumLength) bytes") }
        return total
    }

    /// Reads one whole message (exactly `frameLength` bytes).
    static func decode(_ bytes: [UInt8]) throws -> DBusMessage {
        guard let length = try frameLength(bytes[...]), length == bytes.count else {
            throw DBusDecodingError(reason: "incomplete message")
        }
        let littleEndian = bytes[0] == UInt8(ascii: "l")
        guard let kind = Kind(rawValue: bytes[1]) else { throw DBusDecodingError(reason: "message type \(bytes[1])") }
        guard bytes[3] == 1 else { throw DBusDecodingError(reason: "protocol version \(bytes[3])") }
        var decoder = DBusDecoder(bytes, littleEndian: littleEndian, offset: 4)
        guard case .uint32 = try decoder.decode(.uint32),
              case .uint32(let serial) = try decoder.decode(.uint32),
              case .array(_, let fields) = try decoder.decode(.array(.structure([.byte, .variant]))) else {
            throw DBusDecodingError(reason: "header")
        }
        var message = DBusMessage(kind: kind, flags: bytes[2], serial: serial)
        var signature = ""
        for field in fields {
            guard case .structure(let parts) = field, parts.count == 2, case .byte(let code) = parts[0],
                  case .variant(let value) = parts[1] else { continue }
            switch Field(rawValue: code) {
            case .path?: message.path = value.stringValue
            case .interface?: message.interface = value.stringValue
            case .member?: message.member = value.stringValue
            case .errorName?: message.errorName = value.stringValue
            case .replySerial?: if case .uint32(let reply) = value { message.replySerial = reply }
            case .destination?: message.destination = value.stringValue
            case .sender?: message.sender = value.stringValue
            case .signature?: signature = value.stringValue ?? ""
            case .unixFDs?, nil: break // Unknown fields must be ignored.
            }
        }
        try decoder.align(to: 8)
        let bodyStart = decoder.offset
        guard let types = DBusType.parse(signature: signature) else { throw DBusDecodingError(reason: "body signature") }
        // The body's alignment counts from its own start, which is 8-aligned in the message.
        var bodyDecoder = DBusDecoder(Array(bytes[bodyStart...]), littleEndian: littleEndian)
        message.body = try types.map { try bodyDecoder.decode($0) }
        guard bodyDecoder.isAtEnd else { throw DBusDecodingError(reason: "bytes after the body") }
        return message
    }
}

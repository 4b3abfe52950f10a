import Foundation
import Testing
@testable import AtlasAPI

/// The D-Bus marshalling against bytes libdbus and gnome-keyring really sent (captured with
/// `dbus-monitor --binary` while `secret-tool` looked up an item stored as go-keyring
/// stores it), and against hand-derived bytes for what this client sends.
@Suite("D-Bus wire format")
struct DBusCodingTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try SharedData.fixture("dbus-\(name).bin"))
    }

    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    @Test("Hello is encoded byte for byte as the specification lays it out")
    func helloBytes() {
        let hello = DBusMessage.methodCall(serial: 1, destination: "org.freedesktop.DBus", path: "/org/freedesktop/DBus",
                                           interface: "org.freedesktop.DBus", member: "Hello")
        let expected = Self.hex(
            "6c01000100000000010000006d00000001016f00150000002f6f72672f667265656465736b746f702f44427573000000"
            + "02017300140000006f72672e667265656465736b746f702e444275730000000003017300050000"
            + "0048656c6c6f00000006017300140000006f72672e667265656465736b746f702e4442757300000000")
        #expect(hello.encoded() == expected)
    }

    @Test("libdbus's Hello decodes: kind, serial, path, member, destination and the sender the bus added")
    func libdbusHello() throws {
        let message = try DBusMessage.decode(try Self.fixture("hello-call"))
        #expect(message.kind == .methodCall)
        #expect(message.serial == 1)
        #expect(message.path == "/org/freedesktop/DBus")
        #expect(message.interface == "org.freedesktop.DBus")
        #expect(message.member == "Hello")
        #expect(message.destination == "org.freedesktop.DBus")
        #expect(message.sender == ":1.4")
        #expect(message.body.isEmpty)
    }

    @Test("secret-tool's SearchItems call: its a{ss} body is what go-keyring sends, and ours encodes to the same bytes")
    func searchItemsCall() throws {
        let bytes = try Self.fixture("searchitems-call")
        let message = try DBusMessage.decode(bytes)
        #expect(message.member == "SearchItems")
        #expect(message.interface == SecretServiceCalls.serviceInterface)
        let ours = SecretServiceCalls.attributes(.atlasCLI(profile: "test", property: "public_api_key"))
        #expect(message.body == [ours])
        var encoder = DBusEncoder()
        encoder.encode(ours)
        #expect(Array(bytes.suffix(encoder.bytes.count)) == encoder.bytes)
        #expect(message.signature == "a{ss}")
    }

    @Test("gnome-keyring's SearchItems reply (aoao) finds the item in the login collection")
    func searchItemsReply() throws {
        let message = try DBusMessage.decode(try Self.fixture("searchitems-reply"))
        #expect(message.kind == .methodReturn)
        #expect(message.replySerial == 10)
        let result = try SecretServiceCalls.searchResult(message.body, collection: SecretServiceCalls.loginCollectionPath)
        #expect(result == .unlocked("/org/freedesktop/secrets/collection/login/1"))
        // An item of another collection does not count, as go-keyring searches login alone.
        #expect(try SecretServiceCalls.searchResult(message.body, collection: "/org/freedesktop/secrets/collection/other") == .notFound)
    }

    @Test("gnome-keyring's GetSecrets reply a{o(oayays)} decodes to the item's secret structure")
    func getSecretsReply() throws {
        let message = try DBusMessage.decode(try Self.fixture("getsecrets-reply"))
        #expect(message.signature == "a{o(oayays)}")
        guard case .array(_, let entries) = try #require(message.body.first), case .dictEntry(let key, let value)? = entries.first,
              let fields = value.fields else {
            Issue.record("not a dictionary of structures: \(message.body)")
            return
        }
        #expect(key == .objectPath("/org/freedesktop/secrets/collection/login/1"))
        #expect(fields.count == 4)
        #expect(fields[3] == .string("text/plain"))
        #expect(fields[2].bytes?.isEmpty == false)
    }

    @Test("a signal between replies decodes (the client skips it by reply serial)")
    func signal() throws {
        let message = try DBusMessage.decode(try Self.fixture("nameownerchanged-signal"))
        #expect(message.kind == .signal)
        #expect(message.member == "NameOwnerChanged")
        #expect(message.replySerial == nil)
        #expect(message.body.count == 3)
    }

    @Test("every value round-trips through the encoder and decoder")
    func roundTrip() throws {
        let values: [DBusValue] = [
            .byte(7), .boolean(true), .int16(-2), .uint16(65_000), .int32(-70_000), .uint32(4_000_000_000),
            .int64(-1 << 40), .uint64(1 << 63), .double(2.5), .string("héllo"), .objectPath("/a/b"), .signature("a{sv}"),
            .variant(.array(.string, [.string("x"), .string("y")])),
            .array(.byte, []),
            .structure([.byte(1), .uint64(2), .string("three")]),
            .array(.dictEntry(.string, .variant), [.dictEntry(.string("k"), .variant(.uint32(9)))]),
        ]
        var encoder = DBusEncoder()
        for value in values { encoder.encode(value) }
        var decoder = DBusDecoder(encoder.bytes, littleEndian: true)
        for value in values {
            #expect(try decoder.decode(value.type) == value)
        }
        #expect(decoder.isAtEnd)
    }

    @Test("an empty array still aligns its first element's place, outside its length")
    func emptyArrayOfStructures() {
        var encoder = DBusEncoder()
        encoder.encode(.array(.structure([.byte]), []))
        #expect(encoder.bytes == [0, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test("signatures parse, and malformed ones are refused", arguments: [
        ("a{sv}", true), ("(oayays)", true), ("aoao", true), ("a{o(oayays)}", true),
        ("a{vs}", false), ("(", false), ("()", false), ("a", false), ("z", false), ("a{s}", false),
    ])
    func signatures(_ text: String, _ valid: Bool) {
        let parsed = DBusType.parse(signature: text)
        #expect((parsed != nil) == valid)
        if let parsed { #expect(parsed.map(\.description).joined() == text) }
    }

    @Test("hostile bytes are refused, never trapped on", arguments: [
        ("a string longer than the buffer", DBusType.string, [0xff, 0xff, 0, 0, 0x61] as [UInt8]),
        ("a string without its NUL", .string, [1, 0, 0, 0, 0x61, 0x62]),
        ("a boolean of 2", .boolean, [2, 0, 0, 0]),
        ("an array past the end", .array(.uint32), [8, 0, 0, 0, 1, 0, 0, 0]),
        ("an array length that splits an element", .array(.uint32), [2, 0, 0, 0, 1, 0, 0, 0]),
        ("a variant with two types", .variant, [2, 0x73, 0x73, 0]),
        ("invalid UTF-8", .string, [1, 0, 0, 0, 0xff, 0]),
    ])
    func hostile(_ what: String, _ type: DBusType, _ bytes: [UInt8]) {
        var decoder = DBusDecoder(bytes, littleEndian: true)
        #expect(throws: DBusDecodingError.self, "\(what)") { try decoder.decode(type) }
    }

    @Test("non-zero padding means misframing and is refused")
    func nonZeroPadding() {
        var decoder = DBusDecoder([1, 9, 9, 9, 1, 0, 0, 0], littleEndian: true)
        _ = try? decoder.decode(.byte)
        #expect(throws: DBusDecodingError.self) { try decoder.decode(.uint32) }
    }

    @Test("big-endian values decode too")
    func bigEndian() throws {
        var decoder = DBusDecoder([0, 0, 0, 3, 0x61, 0x62, 0x63, 0], littleEndian: false)
        #expect(try decoder.decode(.string) == .string("abc"))
    }

    @Test("frame length: nil until 16 bytes, then header plus body; impossible lengths throw")
    func frameLength() throws {
        let bytes = try Self.fixture("searchitems-reply")
        #expect(try DBusMessage.frameLength(bytes[..<15]) == nil)
        #expect(try DBusMessage.frameLength(bytes[...]) == bytes.count)
        #expect(try DBusMessage.frameLength((bytes + bytes)[...]) == bytes.count)
        var huge = bytes
        huge[4] = 0xff; huge[5] = 0xff; huge[6] = 0xff; huge[7] = 0x7f
        #expect(throws: DBusDecodingError.self) { try DBusMessage.frameLength(huge[...]) }
        var garbage = bytes
        garbage[0] = UInt8(ascii: "x")
        #expect(throws: DBusDecodingError.self) { try DBusMessage.frameLength(garbage[...]) }
        #expect(throws: DBusDecodingError.self) { try DBusMessage.decode(Array(bytes.dropLast())) }
    }
}

@Suite("D-Bus address and authentication")
struct DBusAddressTests {
    @Test("session bus addresses: path, abstract, escapes; other transports are passed over")
    func addresses() {
        #expect(DBusSocketAddress.parse("unix:path=/run/user/1000/bus") == [.path("/run/user/1000/bus")])
        #expect(DBusSocketAddress.parse("unix:abstract=/tmp/dbus-AbC,guid=0123") == [.abstract("/tmp/dbus-AbC")])
        #expect(DBusSocketAddress.parse("tcp:host=localhost,port=1;unix:path=/tmp/a%2cb%20c") == [.path("/tmp/a,b c")])
        #expect(DBusSocketAddress.parse("unix:tmpdir=/tmp").isEmpty)
        #expect(DBusSocketAddress.parse("unix:path=/tmp/%zz").isEmpty)
        #expect(DBusSocketAddress.parse("").isEmpty)
    }

    @Test("without DBUS_SESSION_BUS_ADDRESS the bus is $XDG_RUNTIME_DIR/bus; without either there is none")
    func defaults() {
        #expect(DBusSocketAddress.sessionBus(environment: ["XDG_RUNTIME_DIR": "/run/user/5/"]) == [.path("/run/user/5/bus")])
        #expect(DBusSocketAddress.sessionBus(environment: ["XDG_RUNTIME_DIR": "relative"]).isEmpty)
        #expect(DBusSocketAddress.sessionBus(environment: [:]).isEmpty)
        #expect(DBusSocketAddress.sessionBus(environment: ["DBUS_SESSION_BUS_ADDRESS": "unix:path=/x", "XDG_RUNTIME_DIR": "/run"]) == [.path("/x")])
    }

    @Test("SASL EXTERNAL sends a NUL, then the uid's decimal digits in hex")
    func externalAuthentication() {
        #expect(DBusAuthentication.request(uid: 1000) == [0] + Array("AUTH EXTERNAL 31303030\r\n".utf8))
        #expect(DBusAuthentication.request(uid: 0) == [0] + Array("AUTH EXTERNAL 30\r\n".utf8))
        #expect(DBusAuthentication.reply("OK 1234deadbeef") == .ok)
        #expect(DBusAuthentication.reply("REJECTED EXTERNAL DBUS_COOKIE_SHA1") == .rejected)
        #expect(DBusAuthentication.reply("ERROR") == .other)
    }
}

@Suite("Secret Service calls")
struct SecretServiceCallsTests {
    @Test("CreateItem's arguments are a{sv}(oayays)b with go-keyring's label, attributes and content type")
    func createItem() {
        let arguments = SecretServiceCalls.createItemArguments(.atlasCLI(profile: "p", property: "access_token"),
                                                               label: "L", value: Array("v".utf8), session: "/s/1")
        #expect(arguments.map(\.type.description).joined() == "a{sv}(oayays)b")
        guard let secret = arguments[1].fields else { Issue.record("no secret structure"); return }
        #expect(secret[0] == .objectPath("/s/1"))
        #expect(secret[2].bytes == Array("v".utf8))
        #expect(secret[3] == .string("text/plain; charset=utf8"))
        guard case .array(_, let properties) = arguments[0] else { Issue.record("no properties"); return }
        #expect(properties.contains(.dictEntry(.string("org.freedesktop.Secret.Item.Attributes"),
                                               .variant(.stringDictionary(["service": "atlascli_p", "username": "access_token"])))))
    }

    @Test("the login collection when listed, else the default alias; '/' is no collection")
    func collections() throws {
        let listed: [DBusValue] = [.variant(.array(.objectPath, [.objectPath("/org/freedesktop/secrets/collection/session"),
                                                               .objectPath(SecretServiceCalls.loginCollectionPath)]))]
        #expect(SecretServiceCalls.loginCollection(collectionsProperty: listed) == SecretServiceCalls.loginCollectionPath)
        let other: [DBusValue] = [.variant(.array(.objectPath, [.objectPath("/org/freedesktop/secrets/collection/kdewallet")]))]
        #expect(SecretServiceCalls.loginCollection(collectionsProperty: other) == nil)
        #expect(try SecretServiceCalls.aliasCollection([.objectPath("/")]) == nil)
        #expect(try SecretServiceCalls.aliasCollection([.objectPath("/org/freedesktop/secrets/collection/kdewallet")])
                == "/org/freedesktop/secrets/collection/kdewallet")
    }

    @Test("a locked match is reported as locked; an unlocked one wins; a reply of the wrong shape throws")
    func search() throws {
        let login = SecretServiceCalls.loginCollectionPath
        let locked: [DBusValue] = [.array(.objectPath, []), .array(.objectPath, [.objectPath(login + "/3")])]
        #expect(try SecretServiceCalls.searchResult(locked, collection: login) == .locked(login + "/3"))
        let both: [DBusValue] = [.array(.objectPath, [.objectPath(login + "/1")]), .array(.objectPath, [.objectPath(login + "/3")])]
        #expect(try SecretServiceCalls.searchResult(both, collection: login) == .unlocked(login + "/1"))
        #expect(throws: DBusConnectionError.self) { try SecretServiceCalls.searchResult([.string("x")], collection: login) }
    }

    @Test("GetSecret's value is the plain session's bytes as UTF-8")
    func secretValue() throws {
        let reply: [DBusValue] = [.structure([.objectPath("/s"), .array(.byte, []), .array(.byte, Array("pässword".utf8).map(DBusValue.byte)),
                                              .string("text/plain")])]
        #expect(try SecretServiceCalls.secretValue(reply) == "pässword")
        let binary: [DBusValue] = [.structure([.objectPath("/s"), .array(.byte, []), .array(.byte, [.byte(0xff)]), .string("")])]
        #expect(throws: DBusConnectionError.self) { try SecretServiceCalls.secretValue(binary) }
    }
}

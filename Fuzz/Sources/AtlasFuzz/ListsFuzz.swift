@_spi(Fuzzing) import AtlasAPI
import Foundation

/// The list decoders: an Atlas list body as `Page<Certificate>`, `Page<DatabaseUser>` and
/// `Page<Project>`. Each either throws (and the client's message for that is safe text)
/// or returns, and what it returns survives re-encoding.
enum ListsFuzz {
    static func run(_ bytes: [UInt8]) {
        decode(Certificate.self, bytes)
        decode(DatabaseUser.self, bytes)
        decode(Project.self, bytes)

        // Dropping leading zeros never touches a body that is already strict JSON.
        let cleaned = ParserEntryPoints.removingLeadingZeros(bytes)
        Invariant.require(cleaned.count <= bytes.count, "removing leading zeros made the body longer")
        if (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil {
            Invariant.require(cleaned == bytes, "removing leading zeros changed valid JSON")
        }
    }

    static func decode<Item: Codable & Hashable & Sendable>(_ type: Item.Type, _ bytes: [UInt8]) {
        do {
            let page = try AtlasJSON.decode(Page<Item>.self, from: bytes)
            Invariant.require(ParserEntryPoints.jsonIsComplete(bytes), "a body that decoded counts as cut short")
            // One encode/decode round normalises (dates lose their fraction); the second
            // must then give the same items back.
            let once = try AtlasJSON.decode([Item].self, from: AtlasJSON.encoder().encode(page.results))
            let twice = try AtlasJSON.decode([Item].self, from: AtlasJSON.encoder().encode(once))
            Invariant.require(once == twice, "\(Item.self) items do not survive re-encoding")
        } catch {
            let message = ParserEntryPoints.decodingError(error, endpoint: "GET /groups/x/databaseUsers/y/certs").message
            Invariant.require(!message.isEmpty, "an empty decoding message")
            Invariant.requireTerminalSafe(message, "the decoding message")
        }
    }
}

import AtlasAPI
import Foundation

/// Atlas's `envelope=true` query parameter, for clients that cannot read the HTTP status
/// or headers (MongoDB's API guideline IPA-115; every operation of the spec declares it):
/// the response is sent with HTTP status 200 and the real status moves into the body.
/// - a single resource, an error, or the PEM text of a created certificate becomes
///   `{"status": <status>, "content": <body>}` (the PEM as a JSON string);
/// - a list already is an envelope (`links`, `results`, `totalCount`), so `status` is
///   added to it.
///
/// Only what the Admin API's handlers answer is wrapped: digest challenges, the OAuth
/// token endpoint and the edge's HTML maintenance page stay as they are, since a digest
/// or OAuth client needs the real 401 and the edge does not read the query. Headers
/// (`X-Error-Code`, `Allow`, `Retry-After`, the rate-limit pair) stay too.
enum Envelope {
    /// How a response body is wrapped; set by whoever builds an Admin API response.
    enum Shape: Sendable {
        /// A JSON document (one resource or an `ApiError`): goes under `content`.
        case entity
        /// A paginated list: gets a `status` member of its own.
        case list
        /// Text under a JSON content type (the created certificate's PEM): goes under
        /// `content` as a JSON string.
        case text
    }

    /// Atlas reads booleans as Java does: `true` in any case is true, anything else false.
    static func isRequested(_ query: [String: String]) -> Bool {
        query["envelope"]?.lowercased() == "true"
    }

    /// The response as Atlas sends it under `envelope=true`; unchanged if it has no shape.
    static func wrap(_ response: SimulatorResponse) -> SimulatorResponse {
        guard let shape = response.envelopeShape, response.delivery != .dropped else { return response }
        var wrapped = response
        let status = Array(String(response.status).utf8)
        switch shape {
        case .entity:
            wrapped.body = Array(#"{"status":"#.utf8) + status + Array(#","content":"#.utf8) + response.body + [UInt8(ascii: "}")]
        case .text:
            let text = String(decoding: response.body, as: UTF8.self)
            // JSONEncoder does not fail on a String; were it to, the answer is Atlas's 500,
            // never a 200 whose content is not the certificate.
            guard let encoded = try? AtlasJSON.encoder().encode(text) else { return FaultResponses.serverError() }
            let string = Array(encoded)
            wrapped.body = Array(#"{"status":"#.utf8) + status + Array(#","content":"#.utf8) + string + [UInt8(ascii: "}")]
        case .list:
            guard let open = response.body.firstIndex(of: UInt8(ascii: "{")) else { return response }
            let rest = response.body[(open + 1)...]
            let isEmptyObject = rest.first { !Self.isWhitespace($0) } == UInt8(ascii: "}")
            let member = Array(#""status":"#.utf8) + status + (isEmptyObject ? [] : [UInt8(ascii: ",")])
            wrapped.body = Array(response.body[...open]) + member + Array(rest)
        }
        wrapped.status = 200
        wrapped.envelopeShape = nil
        return wrapped
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}

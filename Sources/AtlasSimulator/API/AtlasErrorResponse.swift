import AtlasAPI
import Foundation

/// Atlas's error body (`ApiError`) and the headers that go with it.
///
/// Atlas sends errors with the unversioned `Content-Type: application/json` even on v2,
/// repeats the code in `X-Error-Code`, and fills `parameters` with the values substituted
/// into `detail` (strings and numbers, although the spec says objects).
enum AtlasErrorResponse {
    enum Parameter: Encodable, Sendable {
        case string(String)
        case int(Int64)
        case double(Double)

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let value): try container.encode(value)
            case .int(let value): try container.encode(value)
            case .double(let value): try container.encode(value)
            }
        }
    }

    struct FieldViolation: Encodable, Sendable {
        var description: String
        var field: String
    }

    private struct BadRequestDetail: Encodable {
        var fields: [FieldViolation]
    }

    private struct Body: Encodable {
        var badRequestDetail: BadRequestDetail?
        var detail: String
        var error: Int
        var errorCode: String
        var parameters: [Parameter]
        var reason: String
    }

    static func make(
        status: Int, code: String, detail: String, parameters: [Parameter] = [], violations: [FieldViolation]? = nil
    ) -> SimulatorResponse {
        let body = Body(
            badRequestDetail: violations.map { BadRequestDetail(fields: $0) }, detail: detail, error: status,
            errorCode: code, parameters: parameters, reason: reasonPhrase(status))
        // Encoding these plain values cannot fail; the fallback avoids a forced try in Sources.
        let bytes = (try? AtlasJSON.encoder().encode(body)).map(Array.init)
            ?? Array("{\"error\":\(status),\"errorCode\":\"\(code)\"}".utf8)
        var response = SimulatorResponse(
            status: status, headers: [("Content-Type", "application/json"), ("X-Error-Code", code)], body: bytes)
        response.envelopeShape = .entity
        return response
    }

    static func groupNotFound(_ id: String) -> SimulatorResponse {
        make(status: 404, code: "GROUP_NOT_FOUND", detail: "No group with ID \(id) exists.", parameters: [.string(id)])
    }

    static func orgNotFound(_ id: String) -> SimulatorResponse {
        make(status: 404, code: "ORG_NOT_FOUND", detail: "No organization with ID \(id) exists.", parameters: [.string(id)])
    }

    static func usernameNotFound(_ username: String) -> SimulatorResponse {
        make(
            status: 404, code: "USERNAME_NOT_FOUND", detail: "No user with username \(username) exists.",
            parameters: [.string(username)])
    }

    /// The code Atlas's error table gives for a bad query value ("Invalid query parameter
    /// %s specified."). Atlas's exact answer to `itemsPerPage` above 500 was not found in
    /// any source; this is the documented generic code for it.
    static func invalidQueryParameter(_ name: String) -> SimulatorResponse {
        make(
            status: 400, code: "INVALID_QUERY_PARAMETER", detail: "Invalid query parameter \(name) specified.",
            parameters: [.string(name)])
    }

    /// A request body over `HTTPServer.maximumBodySize`. Atlas's code for it was not found
    /// in any source (its edge may answer before the API does); this one follows the reason
    /// phrase, in Atlas's usual upper snake case.
    static func payloadTooLarge(limit: Int) -> SimulatorResponse {
        make(
            status: 413, code: "PAYLOAD_TOO_LARGE",
            detail: "The request body exceeds the maximum size of \(limit) bytes.", parameters: [.int(Int64(limit))])
    }

    static func resourceNotFound(_ path: String) -> SimulatorResponse {
        make(status: 404, code: "RESOURCE_NOT_FOUND", detail: "Cannot find resource \(path).", parameters: [.string(path)])
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 409: "Conflict"
        case 413: "Payload Too Large"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Error"
        }
    }
}

/// The one public error of the API core.
///
/// It carries what the server said (HTTP status, Atlas `errorCode`, `detail`,
/// `parameters`) and a `message`: one line that says what happened and what to do.
/// Every piece of server text in it is sanitised for the terminal, and no credential is
/// ever part of it.
public struct AtlasError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What kind of failure this is; switch on it to react in code.
    public enum Kind: Sendable, Equatable {
        case unauthorized
        case accessListDenied
        case forbidden
        case notFound
        case invalidVersion
        case badRequest
        case conflict
        case rateLimited
        case serverError
        case httpStatus
        case transport(TransportFailure)
        case decoding
        case pagination
        case credentials
        case invalidInput
        case cancelled
    }

    public var kind: Kind
    public var status: Int?
    public var errorCode: String?
    /// The server's `detail`, sanitised.
    public var detail: String?
    /// The server's `parameters`, as strings, sanitised.
    public var parameters: [String]
    /// Method and path of the call that failed, e.g. `GET /api/atlas/v2/groups/…/certs`.
    public var endpoint: String?
    /// The one-line, user-facing explanation.
    public var message: String

    public init(kind: Kind, message: String, status: Int? = nil, errorCode: String? = nil,
                detail: String? = nil, parameters: [String] = [], endpoint: String? = nil) {
        self.kind = kind
        self.status = status
        self.errorCode = errorCode.map { TerminalSafe.sanitize($0, maxCharacters: 80) }
        self.detail = detail.map { TerminalSafe.sanitize($0, maxCharacters: 300) }
        self.parameters = parameters.map { TerminalSafe.sanitize($0, maxCharacters: 120) }
        self.endpoint = endpoint.map { TerminalSafe.sanitize($0, maxCharacters: 300) }
        self.message = TerminalSafe.neutralize(message, maxCharacters: 600)
    }

    public var description: String { message }

    /// True when the operation could succeed later without any change by the user.
    public var isTransient: Bool {
        switch kind {
        case .rateLimited, .serverError: true
        case .transport(let failure): failure.isTransient
        default: false
        }
    }
}

extension AtlasError {
    static func invalidInput(_ message: String) -> AtlasError {
        AtlasError(kind: .invalidInput, message: message)
    }

    static func credentials(_ message: String) -> AtlasError {
        AtlasError(kind: .credentials, message: message)
    }

    static func cancelled(endpoint: String?) -> AtlasError {
        AtlasError(kind: .cancelled, message: "Cancelled.", endpoint: endpoint)
    }
}

import AtlasAPI

/// The `reason` label of `atlas_certs_scan_errors_total`: a small fixed set of
/// snake_case words, never server text (a label set that grows with server messages
/// would be a cardinality leak and an injection point).
public enum ScanErrorReason {
    public static func label(for error: any Error) -> String {
        guard let error = error as? AtlasError else { return error is CancellationError ? "cancelled" : "other" }
        return label(for: error.kind)
    }

    public static func label(for kind: AtlasError.Kind) -> String {
        switch kind {
        case .unauthorized: "unauthorized"
        case .accessListDenied: "access_list_denied"
        case .forbidden: "forbidden"
        case .notFound: "not_found"
        case .invalidVersion: "invalid_version"
        case .badRequest: "bad_request"
        case .conflict: "conflict"
        case .rateLimited: "rate_limited"
        case .serverError: "server_error"
        case .httpStatus: "http_status"
        case .transport(let failure):
            switch failure {
            case .timeout: "timeout"
            case .dnsFailure: "dns"
            case .connectionRefused: "connection_refused"
            case .connectionReset: "connection_reset"
            case .tls: "tls"
            case .truncatedBody: "truncated_body"
            case .bodyTooLarge: "body_too_large"
            case .proxy: "proxy"
            case .other: "transport"
            }
        case .decoding: "decoding"
        case .pagination: "pagination"
        case .credentials: "credentials"
        case .invalidInput: "invalid_input"
        case .cancelled: "cancelled"
        }
    }
}

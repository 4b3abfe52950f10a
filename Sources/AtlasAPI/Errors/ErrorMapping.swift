import Foundation

/// Turns an HTTP error response or a transport failure into an `AtlasError` whose
/// message says what to do. Pure: it only reads the response.
enum ErrorMapping {
    /// The Atlas error body (`ApiError`). Every field is optional here because error bodies
    /// may come from an edge proxy, in HTML, or be empty.
    struct APIErrorBody: Decodable {
        var error: Int?
        var errorCode: String?
        var detail: String?
        var reason: String?
        var parameters: [Parameter]?

        /// Atlas documents parameters as objects but sends strings and numbers.
        struct Parameter: Decodable {
            var text: String
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let string = try? container.decode(String.self) { text = string }
                else if let int = try? container.decode(Int64.self) { text = String(int) }
                else if let double = try? container.decode(Double.self) { text = String(double) }
                else if let bool = try? container.decode(Bool.self) { text = String(bool) }
                else { text = "…" }
            }
        }
    }

    static func error(for response: HTTPResponse, endpoint: String, host: String, attempts: Int, usingServiceAccount: Bool) -> AtlasError {
        let body = try? JSONDecoder().decode(APIErrorBody.self, from: Data(response.body))
        let errorCode = body?.errorCode ?? response.header("X-Error-Code")
        let detail = body?.detail
        let parameters = body?.parameters?.map(\.text) ?? []
        let status = response.status
        // Without a JSON body (an HTML maintenance page, an empty body) the status line is all we say.
        let said: String = {
            // Server text is sanitised here, once; AtlasError only neutralises the whole message.
            var parts = ["HTTP \(status)"]
            if let errorCode { parts.append(TerminalSafe.sanitize(errorCode, maxCharacters: 80)) } else if !response.reason.isEmpty { parts.append(TerminalSafe.sanitize(response.reason, maxCharacters: 80)) }
            var text = parts.joined(separator: " ")
            if let detail, !detail.isEmpty {
                text += ": " + TerminalSafe.sanitize(detail, maxCharacters: 300)
                // The advice follows after ". "; do not double the server's own full stop.
                while text.hasSuffix(".") { text.removeLast() }
            }
            return text
        }()
        func make(_ kind: AtlasError.Kind, _ advice: String) -> AtlasError {
            AtlasError(kind: kind, message: "\(said). \(advice)", status: status, errorCode: errorCode,
                       detail: detail, parameters: parameters, endpoint: endpoint)
        }
        let keyWords = usingServiceAccount
            ? "the service account's client ID or secret is wrong or revoked, or it belongs to another organization than this project"
            : "the API key pair is wrong or revoked, or the key belongs to another organization than this project"
        switch (status, errorCode) {
        // A key from another organization than the project's gets 401 with one of these
        // codes on /groups/{id}/... calls: about that project, not the key as a whole.
        case (401, "NOT_IN_GROUP"?), (401, "USER_CANNOT_ACCESS_GROUP"?), (401, "USER_CANNOT_ACCESS_ORG"?):
            return make(.forbidden, "These credentials cannot reach this project: the \(usingServiceAccount ? "service account" : "API key") belongs to another organization, or has no role in the project.")
        case (401, _):
            return make(.unauthorized, "Atlas rejected the credentials: \(keyWords). Check the profile or environment variables in use (atlas-certs --verbose names them).")
        // Create-certificate refusals (documented as 400; matched on the code for any 4xx).
        case (400...499, "CERT_EXPIRY_CANNOT_EXCEED_TWO_YEARS"?):
            return make(.badRequest, "No certificate was created: Atlas-managed certificates last at most 24 months; use --months between 1 and 24.")
        case (400...499, "ATLAS_GENERATED_CERTS_LIMIT_EXCEEDED"?):
            return make(.badRequest, "No certificate was created: this user has reached Atlas's limit on generated certificates; see its certificates with atlas-certs list --user, or issue the certificate for another Atlas-managed X.509 user.")
        case (400...499, "CANNOT_GENERATE_CERT_IF_ADVANCED_X509"?):
            return make(.badRequest, "No certificate was created: this project uses self-managed X.509 (its own certificate authority), so Atlas does not generate certificates in it; issue the certificate from that CA instead.")
        case (400...499, "USER_NOT_MANAGED_X509"?):
            return make(.badRequest, "No certificate was created: only Atlas-managed X.509 users (x509Type MANAGED) can get certificates from Atlas, and this user's x509Type is not MANAGED.")
        case (400...499, "ATLAS_MANAGED_X509_NAME_INVALID"?):
            return make(.badRequest, "No certificate was created: Atlas requires an Atlas-managed X.509 username of the form CN=<name> with no other attributes, and this username does not have that form.")
        case (403, "IP_ADDRESS_NOT_ON_ACCESS_LIST"?), (403, "IP_ADDRESS_NOT_ON_WHITELIST"?), (403, "RESOURCE_REQUIRES_ACCESS_LIST"?):
            let ip = parameters.first.map { "this machine's address \($0)" } ?? "this machine's address"
            return make(.accessListDenied, "Add \(ip) to the API access list of the \(usingServiceAccount ? "service account" : "API key") (Atlas: Organization Access Manager > Applications > \(usingServiceAccount ? "Service Accounts" : "API Keys") > Edit).")
        case (403, "ORG_REQUIRES_ACCESS_LIST"?), (403, "ORG_REQUIRES_WHITELIST"?):
            let ip = parameters.first.map { " and add \($0) to it" } ?? ""
            return make(.accessListDenied, "This organization requires an API access list for every key: give the \(usingServiceAccount ? "service account" : "API key") an access list\(ip) (Atlas: Organization Access Manager > Applications).")
        case (403, _):
            return make(.forbidden, "The credentials lack the role this call needs: listing needs Project Read Only (Organization Read Only for the project list), creating a certificate needs Project Owner.")
        case (404, "GROUP_NOT_FOUND"?), (404, "INVALID_GROUP_ID"?), (404, "NOT_IN_GROUP"?):
            let id = parameters.first.map { " \($0)" } ?? ""
            return make(.notFound, "No project\(id) is visible to these credentials: check the project ID or name (the browser, atlas-certs, lists the projects these credentials see).")
        case (404, "USERNAME_NOT_FOUND"?), (404, "USER_NOT_FOUND"?):
            return make(.notFound, "No such database user in this project: check the username and its authentication database.")
        case (404, "ORG_NOT_FOUND"?), (404, "INVALID_ORG_ID"?):
            return make(.notFound, "No organization with that ID is visible to these credentials.")
        case (404, _):
            return make(.notFound, "Atlas found nothing at \(endpoint); check the IDs and the base URL.")
        case (406, _), (400, "INVALID_VERSION_DATE"?):
            return make(.invalidVersion, "The server does not accept this API version; try --api-version v1.0, or check --base-url.")
        case (429, _):
            return make(.rateLimited, "Atlas rate-limited the request and it was still limited after \(attempts) attempt\(attempts == 1 ? "" : "s"); wait a minute and run again, or lower the concurrency.")
        case (409, _):
            return make(.conflict, "Atlas reported a conflict with the current state; refresh and try again.")
        case (400, _):
            return make(.badRequest, "Atlas refused the request as invalid.")
        case (500...599, _):
            let tries = attempts > 1 ? " after \(attempts) attempts" : ""
            return make(.serverError, "Atlas (\(host)) had a server error\(tries); try again later (status: https://status.mongodb.com).")
        default:
            return make(.httpStatus, "Unexpected answer from \(endpoint).")
        }
    }

    static func error(for failure: TransportFailure, endpoint: String, host: String, timeout: Duration, attempts: Int) -> AtlasError {
        let tries = attempts > 1 ? " (\(attempts) attempts)" : ""
        let message: String
        switch failure {
        case .timeout:
            message = "No answer from \(host) within \(timeout.formattedSeconds)\(tries); check the network, or raise --timeout."
        case .dnsFailure(let name):
            message = "Cannot resolve host \(name): check the network connection and --base-url."
        case .connectionRefused(let name):
            message = "Cannot connect to \(name): the connection was refused\(tries); check --base-url and any proxy settings."
        case .connectionReset:
            message = "The connection to \(host) was reset\(tries); check the network and try again."
        case .tls(let reason):
            message = "TLS with \(host) failed (\(reason)): check the system clock, the base URL and any intercepting proxy."
        case .truncatedBody:
            message = "The response from \(host) ended early\(tries) (truncated body); try again."
        case .bodyTooLarge(let limit):
            message = "The response from \(host) was larger than \(byteCount(limit)), more than any Atlas answer atlas-certs asks for; not retried. Check --base-url and any proxy."
        case .proxy(let reason):
            message = "The HTTPS proxy failed (\(reason)); check HTTPS_PROXY and NO_PROXY."
        case .other(let reason):
            message = "Network error talking to \(host): \(reason)."
        }
        return AtlasError(kind: .transport(failure), message: message, endpoint: endpoint)
    }

    /// A decoding failure names the endpoint and, when known, the missing or wrong field.
    static func error(decoding error: any Error, endpoint: String) -> AtlasError {
        let what: String
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            what = "required field '\(path(context.codingPath + [key]))' is missing"
        case DecodingError.valueNotFound(_, let context):
            what = "field '\(path(context.codingPath))' is null"
        case DecodingError.typeMismatch(_, let context):
            what = "field '\(path(context.codingPath))' has the wrong type"
        case DecodingError.dataCorrupted(let context):
            what = context.codingPath.isEmpty ? "the body is not valid JSON (truncated?)" : "field '\(path(context.codingPath))' is invalid: \(context.debugDescription)"
        default:
            what = "the body could not be read"
        }
        return AtlasError(kind: .decoding, message: "Unexpected response from \(endpoint): \(what).", endpoint: endpoint)
    }

    /// `64 MiB`, `4 KiB`, `1000 bytes`: a limit, for messages.
    static func byteCount(_ bytes: Int) -> String {
        if bytes > 0, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes > 0, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { key in key.intValue.map { "[\($0)]" } ?? key.stringValue }
            .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }
}

extension Duration {
    /// `30 s`, `1.5 s`.
    var formattedSeconds: String {
        let seconds = Double(components.seconds) + Double(components.attoseconds) / 1e18
        if seconds == seconds.rounded() { return "\(Int(seconds)) s" }
        return String(format: "%.1f s", seconds)
    }
}

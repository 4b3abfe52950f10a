import Foundation

/// The internal parsers of untrusted input, reachable by the fuzz package (Fuzz/, see
/// docs/fuzzing.md) through `@_spi(Fuzzing) import AtlasAPI`.
///
/// Why an SPI rather than public API or `@testable`: the fuzz targets are built in release
/// mode by another package, which can use neither internal nor `package` declarations; an
/// SPI keeps these out of the API that `import AtlasAPI` shows, and each entry point calls
/// the very code the client runs, so nothing is copied.
@_spi(Fuzzing)
public enum ParserEntryPoints {
    /// The parameter lists of every challenge in a `WWW-Authenticate` value, as
    /// `DigestChallenge.parse` sees them: `(scheme, [(name, value)])`.
    public static func digestChallengeSyntax(_ header: String) -> [(scheme: String, parameters: [(name: String, value: String)])] {
        DigestHeaderSyntax.challenges(in: header).map { ($0.scheme, $0.parameters) }
    }

    /// Why a 401 with these `WWW-Authenticate` values offers nothing to answer.
    public static func digestUnanswerableReason(_ headerValues: [String]) -> String {
        DigestChallenge.unanswerableReason(HTTPResponse(status: 401, headers: headerValues.map { ("WWW-Authenticate", $0) }))
    }

    /// The challenge in a 401 with these `WWW-Authenticate` values, as the authorizer reads it.
    public static func digestChallenge(_ headerValues: [String]) -> DigestChallenge? {
        DigestChallenge.parse(HTTPResponse(status: 401, headers: headerValues.map { ("WWW-Authenticate", $0) }))
    }

    /// Whether a JSON body arrived whole (`JSONCompleteness`).
    public static func jsonIsComplete(_ body: [UInt8]) -> Bool {
        JSONCompleteness.isComplete(body)
    }

    /// The body with leading zeros of integer literals dropped, as `AtlasJSON.decode` does first.
    public static func removingLeadingZeros(_ body: [UInt8]) -> [UInt8] {
        AtlasJSON.removingLeadingZeros(body)
    }

    /// The `AtlasError` the client makes of a decoding failure of a body from `endpoint`.
    public static func decodingError(_ error: any Error, endpoint: String) -> AtlasError {
        ErrorMapping.error(decoding: error, endpoint: endpoint)
    }

    /// The `AtlasError` the client makes of an HTTP error response (the error-body decoder).
    public static func responseError(status: Int, reason: String, headers: [(name: String, value: String)], body: [UInt8],
                                     usingServiceAccount: Bool) -> AtlasError {
        ErrorMapping.error(for: HTTPResponse(status: status, reason: reason, headers: headers, body: body),
                           endpoint: "GET /groups/x/databaseUsers/y/certs", host: "cloud.mongodb.com", attempts: 1,
                           usingServiceAccount: usingServiceAccount)
    }

    /// The Atlas CLI `config.toml` reader: the profile names and global keys it found, or
    /// the `AtlasError` it throws.
    public static func atlasCLIConfig(_ text: String) throws -> (profiles: [String], globals: [String]) {
        let config = try AtlasCLIConfig.parse(text, path: "/fuzz/config.toml")
        return (config.profileNames, config.globals.keys.sorted())
    }

    /// The labels of the PEM blocks of Atlas's answer to create, or why it is refused.
    public static func pemBlockLabels(_ text: String) -> Result<[String], any Error> {
        IssuedAnswerCheck.blockLabels(of: text).mapError { $0 as any Error }
    }

    /// Atlas's answer to create, as the client wraps it before checking and writing it.
    public static func issuedCertificatePEM(_ text: String) -> IssuedCertificatePEM {
        IssuedCertificatePEM(pem: text)
    }
}

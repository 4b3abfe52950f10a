import Foundation

/// The parsers of untrusted input that are fuzzed, one per libFuzzer run. One binary
/// serves them all (one link of the sanitised dependency graph instead of nine); the
/// environment variable `ATLAS_FUZZ_TARGET` picks the target, and Fuzz/run.sh runs each
/// with its own corpus directory, Fuzz/Corpus/<name>.
enum FuzzTarget: String, CaseIterable, Sendable {
    /// `WWW-Authenticate` values (one per line) → `DigestChallenge`.
    case digest
    /// Server text → `TerminalSafe.sanitize`.
    case sanitizer
    /// Text → `TextWidth`, `TextFit` and `Canvas.write`.
    case width
    /// `wget_wch` results → `KeyDecoder` → the browser's reducer and renderer.
    case keys
    /// Atlas list bodies → `Page<Certificate>`, `Page<DatabaseUser>`, `Page<Project>`.
    case lists
    /// HTTP error responses (status line, then the body) → `AtlasError`.
    case errorBody = "error-body"
    /// TOML → the Atlas CLI config reader and atlas-certs' own settings reader.
    case config
    /// Cache file bytes → `MetadataCache`'s decoding.
    case cache
    /// Atlas's answer to create → the PEM block splitter and certificate reader.
    case pem

    static let selected: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["ATLAS_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("ATLAS_FUZZ_TARGET must be one of: \(allCases.map(\.rawValue).joined(separator: " ")) (got \"\(name)\")\n".utf8))
            exit(2)
        }
        return target
    }()

    func run(_ bytes: [UInt8]) {
        switch self {
        case .digest: DigestFuzz.run(bytes)
        case .sanitizer: SanitizerFuzz.run(bytes)
        case .width: WidthFuzz.run(bytes)
        case .keys: KeysFuzz.run(bytes)
        case .lists: ListsFuzz.run(bytes)
        case .errorBody: ErrorBodyFuzz.run(bytes)
        case .config: ConfigFuzz.run(bytes)
        case .cache: CacheFuzz.run(bytes)
        case .pem: PEMFuzz.run(bytes)
        }
    }
}

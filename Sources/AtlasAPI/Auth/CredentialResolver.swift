/// Finds the credentials to use the way the Atlas CLI does, so a machine set up for
/// `atlas` works with atlas-certs unchanged.
///
/// Order: a profile named on the command line (`--profile`), then the environment
/// (`MONGODB_ATLAS_*`, or `MCLI_*` when any variable starts with `MCLI`), then the profile
/// the CLI would pick in its `config.toml`. Settings such as the project ID come from the
/// same place as the credentials, except that with an implicitly chosen profile the
/// environment's `ORG_ID`, `PROJECT_ID`, base URL and `AUTH_TYPE` override the file's, as
/// in the CLI.
///
/// Pure: the environment, home directory, platform and file reading are injected, so
/// every rule is tested with in-memory files. `CredentialResolver.system()` wires the real ones.
/// No secret value ever enters a message, a warning or `source`.
public struct CredentialResolver: Sendable {
    public enum Platform: Sendable {
        case linux
        case macOS

        /// The platform this binary runs on; other Unix systems use the Linux rules, as Go does.
        public static var current: Platform {
            #if os(macOS)
            .macOS
            #else
            .linux
            #endif
        }
    }

    /// A file's text and POSIX permission bits.
    public struct File: Sendable {
        public var contents: String
        public var mode: UInt32

        public init(contents: String, mode: UInt32) {
            self.contents = contents
            self.mode = mode
        }
    }

    /// Returns the file at a path, nil when there is none; throws when it exists but cannot be read.
    public typealias FileReader = @Sendable (_ path: String) throws -> File?

    private let environment: [String: String]
    private let platform: Platform
    private let homeDirectory: String
    private let readFile: FileReader

    public init(environment: [String: String], homeDirectory: String, platform: Platform, readFile: @escaping FileReader) {
        self.environment = environment
        self.homeDirectory = homeDirectory
        self.platform = platform
        self.readFile = readFile
    }

    /// Where the Atlas CLI's config file is for this environment and platform.
    public var configFilePath: String {
        AtlasCLIConfig.path(environment: environment, homeDirectory: homeDirectory, platform: platform)
    }

    /// The credentials and settings to use.
    ///
    /// - Parameter profile: the `--profile` flag; when given, only that profile is used.
    /// - Throws: `AtlasError` of kind `.credentials` with a one-line message saying what to do.
    public func resolve(profile: String?) throws -> ResolvedProfile {
        let variables = EnvironmentVariables(environment)
        if let profile {
            return try resolveNamed(profile, variables: variables)
        }
        if let found = try variables.credentials() {
            return ResolvedProfile(
                credentials: found.credentials,
                orgID: variables.orgID?.value,
                projectID: variables.projectID?.value,
                baseURL: variables.baseURL?.value,
                source: "environment: " + (found.variables + [variables.orgID, variables.projectID, variables.baseURL].compactMap { $0?.origin }).joined(separator: ", "),
                warnings: found.warnings
            )
        }
        return try resolveFromFile(variables: variables)
    }

    // MARK: Sources

    private func resolveNamed(_ requested: String, variables: EnvironmentVariables) throws -> ResolvedProfile {
        let path = configFilePath
        guard let (config, fileWarnings) = try loadConfig() else {
            throw AtlasError.credentials("Profile \"\(requested)\" was asked for with --profile, but there is no Atlas CLI config file at \(path).")
        }
        guard let name = config.profileName(matching: requested) else {
            throw AtlasError.credentials("There is no profile \"\(requested)\" in \(path); \(config.profileListing).")
        }
        let profile = try config.profile(name, authTypeOverride: nil, variables: variables)
        var warnings = fileWarnings + profile.warnings
        let ignored = variables.credentialNamesSet
        if !ignored.isEmpty {
            warnings.append("--profile \(name) was given, so \(ignored.joined(separator: ", ")) \(ignored.count == 1 ? "is" : "are") ignored.")
        }
        return ResolvedProfile(credentials: profile.credentials, orgID: profile.orgID, projectID: profile.projectID,
                               baseURL: profile.baseURL, source: config.describe(profile: name), warnings: warnings)
    }

    private func resolveFromFile(variables: EnvironmentVariables) throws -> ResolvedProfile {
        let path = configFilePath
        let names = ["CLIENT_ID", "CLIENT_SECRET", "PUBLIC_API_KEY", "PRIVATE_API_KEY"].map(variables.name).joined(separator: ", ")
        func nothingFound(_ fileOutcome: String) -> AtlasError {
            AtlasError.credentials("No Atlas credentials found. Tried, in order: 1) --profile: not given; 2) environment: none of \(names) is set; 3) Atlas CLI config file \(path): \(fileOutcome). Set \(variables.suggestion), or pick a profile with --profile.")
        }
        guard let (config, fileWarnings) = try loadConfig() else {
            throw nothingFound("not found")
        }
        let chosen = config.implicitProfile
        guard let name = config.profileName(matching: chosen.name) else {
            if chosen.reason == "the default profile" {
                throw nothingFound("no profile \"default\", and \(config.profileListing)")
            }
            throw AtlasError.credentials("\(path) selects profile \"\(chosen.name)\" with \(chosen.reason), but there is no such profile; \(config.profileListing).")
        }
        let profile = try config.profile(name, authTypeOverride: try variables.authType(), variables: variables)
        // The environment beats the file for settings (ENVDOC precedence), as in the CLI.
        let overrides = [variables.orgID, variables.projectID, variables.baseURL].compactMap { $0?.origin }
        var source = config.describe(profile: name)
        if !overrides.isEmpty {
            source += " with \(overrides.joined(separator: ", ")) from the environment"
        }
        return ResolvedProfile(
            credentials: profile.credentials,
            orgID: variables.orgID?.value ?? profile.orgID,
            projectID: variables.projectID?.value ?? profile.projectID,
            baseURL: variables.baseURL?.value ?? profile.baseURL,
            source: source,
            warnings: fileWarnings + profile.warnings
        )
    }

    /// Reads and parses the config file; nil when there is none. The warnings are about the
    /// file itself: its permissions.
    private func loadConfig() throws -> (AtlasCLIConfig, [String])? {
        let path = configFilePath
        let file: File?
        do {
            file = try readFile(path)
        } catch {
            throw AtlasError.credentials("Cannot read the Atlas CLI config file \(path): check its permissions, or set the credentials in environment variables.")
        }
        guard let file else { return nil }
        let config = try AtlasCLIConfig.parse(file.contents, path: path)
        var warnings: [String] = []
        // The CLI writes the file 0600; anything more open lets other users read keys.
        if file.mode & 0o077 != 0 {
            let octal = String(file.mode & 0o777, radix: 8)
            let mode = String(repeating: "0", count: 4 - octal.count) + octal
            warnings.append("\(path) is open to other users (mode \(mode)) and may hold keys; run: chmod 600 '\(path)'")
        }
        return (config, warnings)
    }
}

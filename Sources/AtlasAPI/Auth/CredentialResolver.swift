/// Finds the credentials to use the way the Atlas CLI does, so a machine set up for
/// `atlas` works with atlas-certs unchanged.
///
/// The profile: `--profile`, else `MONGODB_ATLAS_PROFILE`, else the file's top-level
/// `profile`, else the only profile, else `default` (mongodb-atlas-cli `InitProfile`).
/// Every property from the environment (`MONGODB_ATLAS_*`, or `MCLI_*` when any variable
/// starts with `MCLI`) beats the profile's, named or not (atlas-cli-core
/// `GetHierarchicalValue`): complete credentials in the environment are used whole, and
/// `ORG_ID`, `PROJECT_ID`, the base URL and `AUTH_TYPE` override the profile's one by one.
/// A profile's secrets come from its config.toml table (config version 1) or, when the
/// table lacks them (version 2), from the OS keyring, service `atlascli_<profile>`.
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

    /// The credentials and settings to use, without consulting an OS keyring: a profile
    /// whose secrets are there gets a message naming the variables to set instead.
    ///
    /// - Parameter profile: the `--profile` flag; when given, that profile must exist.
    /// - Throws: `AtlasError` of kind `.credentials` with a one-line message saying what to do.
    public func resolve(profile: String?) throws -> ResolvedProfile {
        try finish(try prepare(profile: profile), keyring: .notAsked)
    }

    /// The credentials and settings to use, reading what the chosen profile lacks in its
    /// config.toml table from `keyring`, as the CLI does since config version 2.
    ///
    /// The keyring is asked only when the environment holds no credentials and the file
    /// lacks the profile's secrets. A keyring that is not there (no session D-Bus) is the
    /// same as none; a locked one, or one that does not answer, is an error naming it.
    public func resolve(profile: String?, keyring: (any Keyring)?) async throws -> ResolvedProfile {
        let context = try prepare(profile: profile)
        guard let keyring, context.environmentCredentials == nil, let name = context.profileName, let config = context.config else {
            return try finish(context, keyring: .notAsked)
        }
        let wanted = config.keyringProperties(name, authTypeOverride: try context.variables.authType())
        var values = AtlasCLIConfig.KeyringValues(state: .asked)
        lookups: for property in wanted {
            let item = KeyringItemName.atlasCLI(profile: name, property: property)
            do {
                if let value = try await keyring.read(item) {
                    values.values[property] = value.withValue { $0 }
                }
            } catch let failure as KeyringFailure {
                if case .unavailable(let why) = failure {
                    values = AtlasCLIConfig.KeyringValues(state: .unavailable(why))
                    break lookups
                }
                throw AtlasError.credentials("Reading \(item) for \(config.describe(profile: name)): \(failure.description) The variables: \(context.variables.suggestion).")
            }
        }
        return try finish(context, keyring: values)
    }

    // MARK: Steps

    /// What is known before any keyring is asked.
    struct Context {
        var variables: EnvironmentVariables
        /// Complete credentials from the environment, which beat any profile's.
        var environmentCredentials: (credentials: Credentials, variables: [String], warnings: [String])?
        var config: AtlasCLIConfig?
        var fileWarnings: [String]
        /// The profile in use; nil when there is none (no file, or the implicit one is absent
        /// and the environment holds the credentials).
        var profileName: String?
    }

    /// Chooses the profile as the CLI does: `--profile`, else `MONGODB_ATLAS_PROFILE`, else
    /// the file's top-level `profile`, else the only profile, else `default`.
    func prepare(profile requested: String?) throws -> Context {
        let variables = EnvironmentVariables(environment)
        let fromEnvironment = try variables.credentials()
        let path = configFilePath
        var context = Context(variables: variables, environmentCredentials: fromEnvironment, config: nil, fileWarnings: [], profileName: nil)

        // With credentials in the environment the file only adds settings: one that cannot
        // be read is skipped with a word, as the credentials never needed it.
        let loaded: (AtlasCLIConfig, [String])?
        if fromEnvironment != nil {
            do {
                loaded = try loadConfig()
            } catch let error as AtlasError {
                context.fileWarnings = ["\(error.message) Its settings are ignored; the credentials come from the environment."]
                loaded = nil
            }
        } else {
            loaded = try loadConfig()
        }
        if let (config, warnings) = loaded {
            context.config = config
            context.fileWarnings = warnings
        }

        if let requested {
            guard let config = context.config else {
                throw AtlasError.credentials("Profile \"\(requested)\" was asked for with --profile, but there is no Atlas CLI config file at \(path).")
            }
            guard let name = config.profileName(matching: requested) else {
                throw AtlasError.credentials("There is no profile \"\(requested)\" in \(path); \(config.profileListing).")
            }
            context.profileName = name
            return context
        }

        let names = ["CLIENT_ID", "CLIENT_SECRET", "PUBLIC_API_KEY", "PRIVATE_API_KEY"].map(variables.name).joined(separator: ", ")
        func nothingFound(_ fileOutcome: String) -> AtlasError {
            AtlasError.credentials("No Atlas credentials found. Tried, in order: 1) --profile: not given; 2) environment: none of \(names) is set; 3) Atlas CLI config file \(path): \(fileOutcome). Set \(variables.suggestion), or pick a profile with --profile.")
        }
        guard let config = context.config else {
            if fromEnvironment != nil { return context }
            throw nothingFound("not found")
        }
        let environmentProfile = variables.value("PROFILE").map { (name: variables.name("PROFILE"), value: $0) }
        let chosen = config.implicitProfile(environmentVariable: environmentProfile)
        guard let name = config.profileName(matching: chosen.name) else {
            if fromEnvironment != nil { return context }
            if chosen.reason == "the default profile" {
                throw nothingFound("no profile \"default\", and \(config.profileListing)")
            }
            throw AtlasError.credentials("\(path) selects profile \"\(chosen.name)\" with \(chosen.reason), but there is no such profile; \(config.profileListing).")
        }
        context.profileName = name
        return context
    }

    /// Every property from the environment beats the profile's (atlas-cli-core
    /// `GetHierarchicalValue`), whether the profile was named or chosen implicitly.
    func finish(_ context: Context, keyring: AtlasCLIConfig.KeyringValues) throws -> ResolvedProfile {
        let variables = context.variables
        var settings = AtlasCLIConfig.Settings(orgID: nil, projectID: nil, baseURL: nil, warnings: [])
        var origins: [SettingOrigin] = []
        var warnings = context.fileWarnings
        let credentials: Credentials
        var source: String
        let profile = context.config.flatMap { config in context.profileName.map { (config, $0) } }
        if let (config, name) = profile {
            settings = config.settings(name)
        }
        func filePlace() -> SettingOrigin.Place? {
            profile.map { .configFile(path: $0.0.path, profile: $0.1) }
        }

        if let found = context.environmentCredentials {
            credentials = found.credentials
            warnings += found.warnings
            origins += found.variables.map { variable in
                SettingOrigin(property: String(variable.dropFirst(variables.prefix.count)).lowercased(), place: .environment(variable: variable))
            }
            source = "environment: " + (found.variables + [variables.orgID, variables.projectID, variables.baseURL].compactMap { $0?.origin }).joined(separator: ", ")
        } else {
            guard let (config, name) = profile else {
                // prepare() returns no profile only when the environment has the credentials.
                throw AtlasError.credentials("No Atlas credentials found.")
            }
            let found = try config.credentials(name, authTypeOverride: try variables.authType(), variables: variables, keyring: keyring)
            credentials = found.credentials
            warnings += found.warnings
            let service = "atlascli_\(name)"
            let used: [String]
            switch found.credentials {
            case .apiKey: used = ["public_api_key", "private_api_key"]
            case .serviceAccount: used = ["client_id", "client_secret"]
            case .userAccount: used = ["access_token", "refresh_token"]
            }
            origins += used.map { property in
                SettingOrigin(property: property, place: found.fromKeyring.contains(property) ? .keyring(service: service) : .configFile(path: config.path, profile: name))
            }
            source = config.describe(profile: name)
            if !found.fromKeyring.isEmpty {
                source += " with its secrets from the OS keyring (service \(service))"
            }
            let overrides = [variables.orgID, variables.projectID, variables.baseURL].compactMap { $0?.origin }
            if !overrides.isEmpty {
                source += " with \(overrides.joined(separator: ", ")) from the environment"
            }
        }
        warnings += settings.warnings

        // Settings: the environment's, else the profile's.
        func setting(_ property: String, _ environment: Setting?, _ file: String?) -> String? {
            if let environment {
                origins.append(SettingOrigin(property: property, place: .environment(variable: environment.origin)))
                return environment.value
            }
            if let file, let place = filePlace() {
                origins.append(SettingOrigin(property: property, place: place))
                return file
            }
            return nil
        }
        let orgID = setting("org_id", variables.orgID, settings.orgID)
        let projectID = setting("project_id", variables.projectID, settings.projectID)
        let baseURL = setting("ops_manager_url", variables.baseURL, settings.baseURL)
        if context.environmentCredentials != nil, let (config, name) = profile {
            let fromFile = origins.compactMap { origin -> String? in
                if case .configFile = origin.place { return origin.property }
                return nil
            }
            if !fromFile.isEmpty {
                source += "; \(fromFile.joined(separator: ", ")) from \(config.describe(profile: name))"
            }
        }
        return ResolvedProfile(credentials: credentials, orgID: orgID, projectID: projectID, baseURL: baseURL,
                               source: source, warnings: warnings, origins: origins)
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

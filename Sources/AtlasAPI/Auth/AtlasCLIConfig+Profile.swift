extension AtlasCLIConfig {
    /// A profile's settings other than its credentials.
    struct Settings {
        var orgID: String?
        var projectID: String?
        var baseURL: String?
        var warnings: [String]
    }

    /// What the OS keyring gave for a profile's secret properties, and whether it was asked.
    struct KeyringValues {
        enum State: Equatable {
            /// No keyring was consulted (none given to the resolver).
            case notAsked
            /// Asked; `values` holds what it had.
            case asked
            /// There is no keyring here (no session D-Bus, no Secret Service, no `security`).
            case unavailable(String)
        }

        var state: State
        /// Property → value, only for properties the file does not have.
        var values: [String: String] = [:]

        static let notAsked = KeyringValues(state: .notAsked)
    }

    /// The secret properties the CLI keeps in the OS keyring since config version 2
    /// (atlas-cli-core `SecureProperties`), in the order they are looked up.
    static let secureProperties = ["client_id", "client_secret", "public_api_key", "private_api_key", "access_token", "refresh_token"]

    /// The properties of profile `name`, empty strings counting as unset.
    func properties(_ name: String) -> [String: String] {
        (profiles[name] ?? [:]).filter { !$0.value.isEmpty }
    }

    /// The secure properties profile `name` lacks and would need from the keyring, given
    /// its auth type (the environment's `AUTH_TYPE` beats the file's); empty when its file
    /// entry already holds what it uses.
    func keyringProperties(_ name: String, authTypeOverride: CredentialResolver.AuthType?) -> [String] {
        let properties = properties(name)
        let authType = authTypeOverride ?? properties["auth_type"].flatMap { CredentialResolver.AuthType(rawValue: $0.lowercased()) }
        let wanted: [String]
        switch authType {
        case .apiKeys?: wanted = ["public_api_key", "private_api_key"]
        case .serviceAccount?: wanted = ["client_id", "client_secret"]
        case .userAccount?: wanted = ["access_token", "refresh_token"]
        case nil:
            let hasPair = { (one: String, two: String) in properties[one] != nil && properties[two] != nil }
            if hasPair("client_id", "client_secret") || hasPair("public_api_key", "private_api_key") { return [] }
            wanted = Self.secureProperties
        }
        return wanted.filter { properties[$0] == nil }
    }

    /// Profile `name`'s settings (it must exist): org, project, base URL.
    func settings(_ name: String) -> Settings {
        let properties = properties(name)
        let described = describe(profile: name)
        var warnings: [String] = []
        // A top-level `service` beats the profile's (atlas-cli-core `Service()`).
        let service = globals["service"] ?? properties["service"]
        var baseURL = properties["ops_manager_url"] ?? properties["base_url"]
        switch service?.lowercased() {
        case nil, "", "cloud":
            break
        case "cloudgov":
            baseURL = baseURL ?? Self.cloudGovBaseURL
        case let other?:
            warnings.append("\(described) has service \"\(other)\", which atlas-certs does not know; using \(baseURL ?? "https://cloud.mongodb.com").")
        }
        return Settings(orgID: properties["org_id"], projectID: properties["project_id"], baseURL: baseURL, warnings: warnings)
    }

    /// Reads profile `name`'s credentials (it must exist) the way the CLI does: from its
    /// table, and what it lacks from the OS keyring (service `atlascli_<name>`), where the
    /// CLI moves them since config version 2 whenever a keyring is available.
    ///
    /// - Parameters:
    ///   - authTypeOverride: the environment's `AUTH_TYPE`, which beats the file's.
    ///   - variables: the environment family in use, to name the right variables.
    ///   - keyring: what the keyring gave; the properties it supplied are returned in `fromKeyring`.
    func credentials(_ name: String, authTypeOverride: CredentialResolver.AuthType?,
                     variables: CredentialResolver.EnvironmentVariables,
                     keyring: KeyringValues) throws -> (credentials: Credentials, fromKeyring: [String], warnings: [String]) {
        let fileProperties = properties(name)
        let properties = fileProperties.merging(keyring.values.filter { !$0.value.isEmpty }) { file, _ in file }
        let described = describe(profile: name)
        func field(_ property: String) -> CredentialResolver.Field {
            CredentialResolver.Field(name: property, value: properties[property])
        }
        let apiKey = CredentialResolver.Pair(field("public_api_key"), field("private_api_key"))
        let serviceAccount = CredentialResolver.Pair(field("client_id"), field("client_secret"))

        var authType = authTypeOverride
        if authType == nil, let raw = properties["auth_type"] {
            guard let parsed = CredentialResolver.AuthType(rawValue: raw.lowercased()) else {
                throw AtlasError.credentials("The auth_type of \(described) must be one of \(CredentialResolver.AuthType.validValues).")
            }
            authType = parsed
        }
        // A profile with tokens and no keys is a browser login, as the CLI's v2 migration infers.
        if authType == nil, case .absent = serviceAccount, case .absent = apiKey,
           properties["access_token"] != nil, properties["refresh_token"] != nil {
            authType = .userAccount
        }

        let service = "atlascli_\(name)"
        /// Where the missing secrets were looked for, for the messages.
        let keyringNote: String
        switch keyring.state {
        case .notAsked: keyringNote = "the Atlas CLI keeps this profile's secrets in the OS keyring (service \(service)), which was not consulted"
        case .asked: keyringNote = "nor in the OS keyring (service \(service))"
        case .unavailable(let why): keyringNote = "the Atlas CLI keeps this profile's secrets in the OS keyring (service \(service)), but there is none here (\(why))"
        }
        func notFound(_ what: String, _ suggestion: String) -> AtlasError {
            AtlasError.credentials("The \(what) of \(described) are not in the file; \(keyringNote). Set \(suggestion) in the environment instead.")
        }
        func halfPair(_ present: String, _ missing: String) -> AtlasError {
            AtlasError.credentials("\(described) has \(present) but no \(missing) (in the file or the OS keyring); add it, or set \(variables.suggestion) instead.")
        }
        let serviceAccountVariables = "\(variables.name("CLIENT_ID")) and \(variables.name("CLIENT_SECRET"))"
        let apiKeyVariables = "\(variables.name("PUBLIC_API_KEY")) and \(variables.name("PRIVATE_API_KEY"))"

        var warnings: [String] = []
        let credentials: Credentials
        let used: [String]
        switch (authType, serviceAccount, apiKey) {
        case (.userAccount?, _, _):
            guard let access = properties["access_token"], let refresh = properties["refresh_token"] else {
                let missing = ["access_token", "refresh_token"].filter { properties[$0] == nil }.joined(separator: " and ")
                throw AtlasError.credentials("\(described) signs in through the browser (auth_type user_account) but has no \(missing) in the file or the OS keyring (service \(service)); run `atlas auth login`, or set \(variables.suggestion) in the environment instead.")
            }
            credentials = .userAccount(userAccountLogin(name, access: access, refresh: refresh, inFile: fileProperties))
            used = ["access_token", "refresh_token"]
        case let (.serviceAccount?, .complete(id, secret), _), let (nil, .complete(id, secret), _):
            credentials = .serviceAccount(clientID: id, clientSecret: Secret(secret))
            used = ["client_id", "client_secret"]
        case let (.apiKeys?, _, .complete(publicKey, privateKey)), let (nil, .absent, .complete(publicKey, privateKey)):
            credentials = .apiKey(publicKey: publicKey, privateKey: Secret(privateKey))
            used = ["public_api_key", "private_api_key"]
        case let (nil, .half(present, missing), .complete(publicKey, privateKey)):
            // The CLI uses whichever pair is complete; the stray half is worth a word.
            credentials = .apiKey(publicKey: publicKey, privateKey: Secret(privateKey))
            used = ["public_api_key", "private_api_key"]
            warnings.append("\(described) has \(present) without \(missing); it is ignored and the API key is used.")
        case let (.serviceAccount?, .half(present, missing), _), let (nil, .half(present, missing), _),
             let (.apiKeys?, _, .half(present, missing)), let (nil, .absent, .half(present, missing)):
            throw halfPair(present, missing)
        case (.serviceAccount?, .absent, _):
            throw notFound("service-account client ID and secret", serviceAccountVariables)
        case (.apiKeys?, _, .absent):
            throw notFound("API keys", apiKeyVariables)
        case (nil, .absent, .absent):
            throw notFound("credentials", variables.suggestion)
        }
        return (credentials, used.filter { fileProperties[$0] == nil }, warnings)
    }

    /// A browser login's tokens and where they are saved back: the keyring when both came
    /// from there, else the file (a pair split between the two is refused at refresh time,
    /// since config.toml must hold both lines to be edited). The CLI uses its Atlas for
    /// Government client for `service = cloudgov` (atlas-cli-core `FlowWithConfig`).
    func userAccountLogin(_ name: String, access: String, refresh: String, inFile fileProperties: [String: String]) -> UserAccountLogin {
        let inKeyring = fileProperties["access_token"] == nil && fileProperties["refresh_token"] == nil
        let service = (globals["service"] ?? properties(name)["service"])?.lowercased()
        return UserAccountLogin(
            profile: name, accessToken: Secret(access), refreshToken: Secret(refresh),
            store: inKeyring ? .keyring(service: "atlascli_\(name)") : .configFile(path: path),
            clientID: service == "cloudgov" ? UserAccountLogin.cliGovClientID : UserAccountLogin.cliClientID)
    }
}

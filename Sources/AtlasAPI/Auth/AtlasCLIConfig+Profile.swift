extension AtlasCLIConfig {
    /// The credentials and settings one profile holds.
    struct Profile {
        var credentials: Credentials
        var orgID: String?
        var projectID: String?
        var baseURL: String?
        var warnings: [String]
    }

    /// Reads profile `name` (which must exist) the way the CLI does.
    ///
    /// Since config version 2 the CLI moves `public_api_key`, `private_api_key`,
    /// `client_id` and `client_secret` into the OS keyring whenever one is available, so a
    /// profile without them is normal and gets a message that says so and names the
    /// environment variables to set instead: reading the keyring (D-Bus Secret Service,
    /// macOS Keychain) is out of scope for atlas-certs.
    ///
    /// - Parameters:
    ///   - authTypeOverride: the environment's `AUTH_TYPE`, which beats the file's.
    ///   - variables: the environment family in use, to name the right variables.
    func profile(_ name: String, authTypeOverride: CredentialResolver.AuthType?,
                 variables: CredentialResolver.EnvironmentVariables) throws -> Profile {
        let properties = profiles[name] ?? [:]
        let described = describe(profile: name)
        func field(_ property: String) -> CredentialResolver.Field {
            CredentialResolver.Field(name: property, value: properties[property])
        }
        let apiKey = CredentialResolver.Pair(field("public_api_key"), field("private_api_key"))
        let serviceAccount = CredentialResolver.Pair(field("client_id"), field("client_secret"))

        var authType = authTypeOverride
        if authType == nil, let raw = properties["auth_type"], !raw.isEmpty {
            guard let parsed = CredentialResolver.AuthType(rawValue: raw.lowercased()) else {
                throw AtlasError.credentials("The auth_type of \(described) must be one of \(CredentialResolver.AuthType.validValues).")
            }
            authType = parsed
        }

        func keyring(_ what: String, _ suggestion: String) -> AtlasError {
            AtlasError.credentials("The \(what) of \(described) are not in the file: the Atlas CLI keeps this profile's secrets in the OS keyring (service atlascli_\(name)), which atlas-certs does not read. Set \(suggestion) in the environment instead.")
        }
        func halfPair(_ present: String, _ missing: String) -> AtlasError {
            AtlasError.credentials("\(described) has \(present) but no \(missing) (the Atlas CLI may keep it in the OS keyring, which atlas-certs does not read); add it, or set \(variables.suggestion) instead.")
        }
        let serviceAccountVariables = "\(variables.name("CLIENT_ID")) and \(variables.name("CLIENT_SECRET"))"
        let apiKeyVariables = "\(variables.name("PUBLIC_API_KEY")) and \(variables.name("PRIVATE_API_KEY"))"

        var warnings: [String] = []
        let credentials: Credentials
        switch (authType, serviceAccount, apiKey) {
        case (.userAccount?, _, _):
            throw AtlasError.credentials("\(described) signs in through the browser (auth_type user_account); atlas-certs does not support browser-login profiles. Set \(variables.suggestion) in the environment instead.")
        case let (.serviceAccount?, .complete(id, secret), _), let (nil, .complete(id, secret), _):
            credentials = .serviceAccount(clientID: id, clientSecret: Secret(secret))
        case let (.apiKeys?, _, .complete(publicKey, privateKey)), let (nil, .absent, .complete(publicKey, privateKey)):
            credentials = .apiKey(publicKey: publicKey, privateKey: Secret(privateKey))
        case let (nil, .half(present, missing), .complete(publicKey, privateKey)):
            // The CLI uses whichever pair is complete; the stray half is worth a word.
            credentials = .apiKey(publicKey: publicKey, privateKey: Secret(privateKey))
            warnings.append("\(described) has \(present) without \(missing); it is ignored and the API key is used.")
        case let (.serviceAccount?, .half(present, missing), _), let (nil, .half(present, missing), _),
             let (.apiKeys?, _, .half(present, missing)), let (nil, .absent, .half(present, missing)):
            throw halfPair(present, missing)
        case (.serviceAccount?, .absent, _):
            throw keyring("service-account client ID and secret", serviceAccountVariables)
        case (.apiKeys?, _, .absent):
            throw keyring("API keys", apiKeyVariables)
        case (nil, .absent, .absent):
            throw keyring("credentials", variables.suggestion)
        }

        // A top-level `service` beats the profile's (atlas-cli-core `Service()`).
        let service = globals["service"] ?? properties["service"]
        var baseURL = properties["ops_manager_url"] ?? properties["base_url"]
        if baseURL?.isEmpty ?? false { baseURL = nil }
        switch service?.lowercased() {
        case nil, "", "cloud":
            break
        case "cloudgov":
            baseURL = baseURL ?? Self.cloudGovBaseURL
        case let other?:
            warnings.append("\(described) has service \"\(other)\", which atlas-certs does not know; using \(baseURL ?? "https://cloud.mongodb.com").")
        }
        return Profile(credentials: credentials, orgID: properties["org_id"].flatMap { $0.isEmpty ? nil : $0 },
                       projectID: properties["project_id"].flatMap { $0.isEmpty ? nil : $0 },
                       baseURL: baseURL, warnings: warnings)
    }
}

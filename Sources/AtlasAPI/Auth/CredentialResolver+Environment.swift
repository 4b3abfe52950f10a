extension CredentialResolver {
    /// A setting and the variable or property it came from, so sources can name it.
    struct Setting: Equatable {
        var value: String
        var origin: String
    }

    /// The Atlas CLI's environment variables (atlas-cli-core `viper_store.go`).
    ///
    /// The CLI reads `MONGODB_ATLAS_<PROPERTY>`, except that when any variable at all
    /// starts with `MCLI` it switches to the old MongoDB CLI family `MCLI_<PROPERTY>` and
    /// ignores the other. Doing the same means a shell set up for the CLI works unchanged.
    struct EnvironmentVariables {
        let prefix: String
        private let environment: [String: String]

        init(_ environment: [String: String]) {
            self.environment = environment
            self.prefix = environment.keys.contains(where: { $0.hasPrefix("MCLI") }) ? "MCLI_" : "MONGODB_ATLAS_"
        }

        func name(_ property: String) -> String { prefix + property }

        /// The value, with an empty variable counting as unset.
        func value(_ property: String) -> String? {
            environment[name(property)].flatMap { $0.isEmpty ? nil : $0 }
        }

        func field(_ property: String) -> Field { Field(name: name(property), value: value(property)) }

        func setting(_ property: String) -> Setting? {
            value(property).map { Setting(value: $0, origin: name(property)) }
        }

        /// Tells a user what to set instead of something atlas-certs cannot use.
        var suggestion: String {
            "\(name("CLIENT_ID")) and \(name("CLIENT_SECRET")) (service account) or \(name("PUBLIC_API_KEY")) and \(name("PRIVATE_API_KEY")) (API key)"
        }

        /// The credential variables that are set, for the warning when `--profile` overrides them.
        var credentialNamesSet: [String] {
            ["PUBLIC_API_KEY", "PRIVATE_API_KEY", "CLIENT_ID", "CLIENT_SECRET"].filter { value($0) != nil }.map(name)
        }

        var orgID: Setting? { setting("ORG_ID") }
        var projectID: Setting? { setting("PROJECT_ID") }

        /// `OPS_MANAGER_URL` wins over its alias `BASE_URL` (atlas-cli-core); `SERVICE=cloudgov`
        /// means Atlas for Government.
        var baseURL: Setting? {
            if let url = setting("OPS_MANAGER_URL") ?? setting("BASE_URL") { return url }
            if let service = value("SERVICE"), service.lowercased() == "cloudgov" {
                return Setting(value: AtlasCLIConfig.cloudGovBaseURL, origin: name("SERVICE"))
            }
            return nil
        }

        /// `AUTH_TYPE`, or nil when unset. An unknown value is an error rather than a guess.
        func authType() throws -> AuthType? {
            guard let raw = value("AUTH_TYPE") else { return nil }
            guard let type = AuthType(rawValue: raw.lowercased()) else {
                throw AtlasError.credentials("\(name("AUTH_TYPE")) must be one of \(AuthType.validValues); unset it to let atlas-certs infer the type from the variables that are set.")
            }
            return type
        }

        /// Credentials from the environment, or nil when no credential variable is set.
        ///
        /// With `AUTH_TYPE` unset, a complete service-account pair wins over a complete API
        /// key pair, as in the CLI. Half a pair is an error naming the missing variable,
        /// unless the other pair is complete and used: then it is a warning.
        func credentials() throws -> (credentials: Credentials, variables: [String], warnings: [String])? {
            let apiKey = Pair(field("PUBLIC_API_KEY"), field("PRIVATE_API_KEY"))
            let serviceAccount = Pair(field("CLIENT_ID"), field("CLIENT_SECRET"))
            if case .absent = apiKey, case .absent = serviceAccount { return nil }

            func useServiceAccount(warnings: [String] = []) throws -> (Credentials, [String], [String]) {
                switch serviceAccount {
                case let .complete(id, secret):
                    return (.serviceAccount(clientID: id, clientSecret: Secret(secret)), [name("CLIENT_ID"), name("CLIENT_SECRET")], warnings)
                case let .half(present, missing):
                    throw halfPair(present: present, missing: missing)
                case .absent:
                    throw AtlasError.credentials("\(name("AUTH_TYPE")) is service_account but \(name("CLIENT_ID")) and \(name("CLIENT_SECRET")) are not set.")
                }
            }
            func useAPIKey(warnings: [String] = []) throws -> (Credentials, [String], [String]) {
                switch apiKey {
                case let .complete(publicKey, privateKey):
                    return (.apiKey(publicKey: publicKey, privateKey: Secret(privateKey)), [name("PUBLIC_API_KEY"), name("PRIVATE_API_KEY")], warnings)
                case let .half(present, missing):
                    throw halfPair(present: present, missing: missing)
                case .absent:
                    throw AtlasError.credentials("\(name("AUTH_TYPE")) is api_keys but \(name("PUBLIC_API_KEY")) and \(name("PRIVATE_API_KEY")) are not set.")
                }
            }

            switch try authType() {
            case .serviceAccount?:
                return try useServiceAccount()
            case .apiKeys?:
                return try useAPIKey()
            case .userAccount?:
                throw AtlasError.credentials("\(name("AUTH_TYPE")) is user_account (browser login), which atlas-certs does not support; set \(suggestion) instead.")
            case nil:
                if serviceAccount.isComplete {
                    var warnings: [String] = []
                    if apiKey.isComplete {
                        warnings.append("Both a service account and an API key are set in the environment; using the service account, as the Atlas CLI does (set \(name("AUTH_TYPE"))=api_keys to use the API key).")
                    } else if case let .half(present, missing) = apiKey {
                        warnings.append("\(present) is set without \(missing) and is ignored; the service account is used.")
                    }
                    return try useServiceAccount(warnings: warnings)
                }
                if apiKey.isComplete, case let .half(present, missing) = serviceAccount {
                    return try useAPIKey(warnings: ["\(present) is set without \(missing) and is ignored; the API key is used."])
                }
                if case let .half(present, missing) = serviceAccount { throw halfPair(present: present, missing: missing) }
                return try useAPIKey()
            }
        }

        private func halfPair(present: String, missing: String) -> AtlasError {
            AtlasError.credentials("\(present) is set but \(missing) is not: set both, or unset \(present).")
        }
    }
}

@testable import AtlasAPI
import Foundation
import Testing

/// Secret values used in every fixture, searched for in every output.
enum ResolverSecrets {
    static let privateKey = "priv-7d1e0c55-SECRET"
    static let clientSecret = "mdb_sa_sk_CLIENTSECRET99"
    static let envPrivateKey = "env-priv-SECRET-3141"
    static let envClientSecret = "mdb_sa_sk_ENVSECRET2718"
    static let all = [privateKey, clientSecret, envPrivateKey, envClientSecret]
}

/// Fixtures shared by the credential-resolution suites.
enum ResolverFixtures {
    /// A resolver over in-memory files.
    static func resolver(_ environment: [String: String] = [:], files: [String: CredentialResolver.File] = [:],
                                platform: CredentialResolver.Platform = .linux, home: String = "/home/u") -> CredentialResolver {
        CredentialResolver(environment: environment, homeDirectory: home, platform: platform, readFile: { files[$0] })
    }

    static let linuxConfigPath = "/home/u/.config/atlascli/config.toml"

    static func configFile(_ text: String, mode: UInt32 = 0o600, at path: String = ResolverFixtures.linuxConfigPath) -> [String: CredentialResolver.File] {
        [path: CredentialResolver.File(contents: text, mode: mode)]
    }

    /// A version 1 file with secrets in it, two profiles.
    static let twoProfiles = """
        version = 1
        telemetry_enabled = false

        [default]
        org_id = "5dd5aaef7a3e5a6c5bd12de4"
        project_id = "5e2211c17a3e5a48f5497de3"
        service = "cloud"
        auth_type = "api_keys"
        public_api_key = "filepublic"
        private_api_key = "\(ResolverSecrets.privateKey)"

        [work]
        org_id = "aaaaaaaaaaaaaaaaaaaaaaaa"
        auth_type = "service_account"
        client_id = "mdb_sa_id_fileclient"
        client_secret = "\(ResolverSecrets.clientSecret)"
        """

    static let envAPIKey = ["MONGODB_ATLAS_PUBLIC_API_KEY": "envpublic", "MONGODB_ATLAS_PRIVATE_API_KEY": ResolverSecrets.envPrivateKey]
    static let envServiceAccount = ["MONGODB_ATLAS_CLIENT_ID": "mdb_sa_id_envclient", "MONGODB_ATLAS_CLIENT_SECRET": ResolverSecrets.envClientSecret]

    /// The credentials error a resolution throws.
    static func credentialsError(_ resolver: CredentialResolver, profile: String? = nil) throws -> AtlasError {
        let error = try #require(throws: AtlasError.self) { try resolver.resolve(profile: profile) }
        #expect(error.kind == .credentials)
        return error
    }
}

@Suite("Credential resolution: the Atlas CLI's order")
struct CredentialResolverTests {
    @Test("the environment's credentials beat even a --profile'd profile, whose settings fill the rest (as the CLI)")
    func environmentBeatsNamedProfile() throws {
        let resolved = try ResolverFixtures.resolver(ResolverFixtures.envAPIKey, files: ResolverFixtures.configFile(ResolverFixtures.twoProfiles)).resolve(profile: "work")
        #expect(resolved.credentials == .apiKey(publicKey: "envpublic", privateKey: Secret(ResolverSecrets.envPrivateKey)))
        #expect(resolved.orgID == "aaaaaaaaaaaaaaaaaaaaaaaa")
        #expect(resolved.source == #"environment: MONGODB_ATLAS_PUBLIC_API_KEY, MONGODB_ATLAS_PRIVATE_API_KEY; org_id from profile "work" in /home/u/.config/atlascli/config.toml"#)
        #expect(resolved.warnings.isEmpty)
    }

    @Test("the environment beats the config file, setting by setting")
    func environmentBeatsFile() throws {
        let environment = ResolverFixtures.envServiceAccount.merging(["MONGODB_ATLAS_PROJECT_ID": "envproject"]) { $1 }
        let resolved = try ResolverFixtures.resolver(environment, files: ResolverFixtures.configFile(ResolverFixtures.twoProfiles)).resolve(profile: nil)
        #expect(resolved.credentials == .serviceAccount(clientID: "mdb_sa_id_envclient", clientSecret: Secret(ResolverSecrets.envClientSecret)))
        #expect(resolved.projectID == "envproject")
        // The profile's own org ID is still used, as the CLI's GetHierarchicalValue does.
        #expect(resolved.orgID == "5dd5aaef7a3e5a6c5bd12de4")
        #expect(resolved.source == #"environment: MONGODB_ATLAS_CLIENT_ID, MONGODB_ATLAS_CLIENT_SECRET, MONGODB_ATLAS_PROJECT_ID; org_id from profile "default" in /home/u/.config/atlascli/config.toml"#)
        #expect(resolved.warnings.isEmpty)
    }

    @Test("without credentials in the environment, the file's profile is used, its settings overridden by the environment")
    func fileWithEnvironmentSettings() throws {
        let plain = try ResolverFixtures.resolver([:], files: ResolverFixtures.configFile(ResolverFixtures.twoProfiles)).resolve(profile: nil)
        #expect(plain.credentials == .apiKey(publicKey: "filepublic", privateKey: Secret(ResolverSecrets.privateKey)))
        #expect(plain.orgID == "5dd5aaef7a3e5a6c5bd12de4")
        #expect(plain.projectID == "5e2211c17a3e5a48f5497de3")
        #expect(plain.baseURL == nil)
        #expect(plain.source == #"profile "default" in /home/u/.config/atlascli/config.toml"#)

        let overridden = try ResolverFixtures.resolver(["MONGODB_ATLAS_PROJECT_ID": "envproject", "MONGODB_ATLAS_BASE_URL": "http://127.0.0.1:8080"],
                                          files: ResolverFixtures.configFile(ResolverFixtures.twoProfiles)).resolve(profile: nil)
        #expect(overridden.projectID == "envproject")
        #expect(overridden.orgID == "5dd5aaef7a3e5a6c5bd12de4")
        #expect(overridden.baseURL == "http://127.0.0.1:8080")
        #expect(overridden.source.hasSuffix("with MONGODB_ATLAS_PROJECT_ID, MONGODB_ATLAS_BASE_URL from the environment"))
    }

    @Test("any MCLI variable switches to the MCLI_ family and ignores MONGODB_ATLAS_")
    func mcliFamily() throws {
        let environment = ResolverFixtures.envServiceAccount.merging([
            "MCLI_PUBLIC_API_KEY": "mclipublic", "MCLI_PRIVATE_API_KEY": ResolverSecrets.envPrivateKey,
            "MCLI_ORG_ID": "mcliorg", "MCLI_PROJECT_ID": "mcliproject", "MCLI_OPS_MANAGER_URL": "https://om.example.com/",
            "MONGODB_ATLAS_PROJECT_ID": "ignored",
        ]) { $1 }
        let resolved = try ResolverFixtures.resolver(environment).resolve(profile: nil)
        #expect(resolved.credentials == .apiKey(publicKey: "mclipublic", privateKey: Secret(ResolverSecrets.envPrivateKey)))
        #expect(resolved.orgID == "mcliorg")
        #expect(resolved.projectID == "mcliproject")
        #expect(resolved.baseURL == "https://om.example.com/")
        #expect(resolved.source == "environment: MCLI_PUBLIC_API_KEY, MCLI_PRIVATE_API_KEY, MCLI_ORG_ID, MCLI_PROJECT_ID, MCLI_OPS_MANAGER_URL")

        // MCLI_ service-account variables, and an unrelated MCLI variable hiding MONGODB_ATLAS_ keys.
        let serviceAccount = try ResolverFixtures.resolver(["MCLI_CLIENT_ID": "mdb_sa_id_m", "MCLI_CLIENT_SECRET": ResolverSecrets.envClientSecret]).resolve(profile: nil)
        #expect(serviceAccount.credentials == .serviceAccount(clientID: "mdb_sa_id_m", clientSecret: Secret(ResolverSecrets.envClientSecret)))
        let hidden = try ResolverFixtures.resolver(ResolverFixtures.envAPIKey.merging(["MCLI_SKIP_UPDATE_CHECK": "true"]) { $1 }, files: ResolverFixtures.configFile(ResolverFixtures.twoProfiles)).resolve(profile: nil)
        #expect(hidden.source.hasPrefix("profile \"default\""))
    }

    @Test("OPS_MANAGER_URL beats BASE_URL; BASE_URL alone is used; cloudgov service")
    func baseURLs() throws {
        let both = try ResolverFixtures.resolver(ResolverFixtures.envAPIKey.merging(["MONGODB_ATLAS_OPS_MANAGER_URL": "https://om", "MONGODB_ATLAS_BASE_URL": "https://base"]) { $1 })
            .resolve(profile: nil)
        #expect(both.baseURL == "https://om")
        let base = try ResolverFixtures.resolver(ResolverFixtures.envAPIKey.merging(["MONGODB_ATLAS_BASE_URL": "https://base"]) { $1 }).resolve(profile: nil)
        #expect(base.baseURL == "https://base")
        let gov = try ResolverFixtures.resolver(ResolverFixtures.envAPIKey.merging(["MONGODB_ATLAS_SERVICE": "cloudgov"]) { $1 }).resolve(profile: nil)
        #expect(gov.baseURL == "https://cloud.mongodbgov.com")
    }

    @Test("a service account beats an API key when both are set and AUTH_TYPE is not")
    func serviceAccountWins() throws {
        let both = ResolverFixtures.envAPIKey.merging(ResolverFixtures.envServiceAccount) { $1 }
        let resolved = try ResolverFixtures.resolver(both).resolve(profile: nil)
        #expect(resolved.credentials == .serviceAccount(clientID: "mdb_sa_id_envclient", clientSecret: Secret(ResolverSecrets.envClientSecret)))
        #expect(resolved.warnings.count == 1)
        #expect(resolved.warnings.first?.contains("MONGODB_ATLAS_AUTH_TYPE=api_keys") == true)

        let apiKeys = try ResolverFixtures.resolver(both.merging(["MONGODB_ATLAS_AUTH_TYPE": "api_keys"]) { $1 }).resolve(profile: nil)
        #expect(apiKeys.credentials == .apiKey(publicKey: "envpublic", privateKey: Secret(ResolverSecrets.envPrivateKey)))
        let wrongType = try ResolverFixtures.credentialsError(ResolverFixtures.resolver(ResolverFixtures.envAPIKey.merging(["MONGODB_ATLAS_AUTH_TYPE": "service_account"]) { $1 }))
        #expect(wrongType.message.contains("MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET are not set"))
        let unknown = try ResolverFixtures.credentialsError(ResolverFixtures.resolver(ResolverFixtures.envAPIKey.merging(["MONGODB_ATLAS_AUTH_TYPE": "kerberos"]) { $1 }))
        #expect(unknown.message.contains("api_keys, service_account, user_account"))
    }

    @Test("half a pair names the missing variable", arguments: [
        (["MONGODB_ATLAS_PUBLIC_API_KEY": "p"], "MONGODB_ATLAS_PRIVATE_API_KEY"),
        (["MONGODB_ATLAS_PRIVATE_API_KEY": ResolverSecrets.envPrivateKey], "MONGODB_ATLAS_PUBLIC_API_KEY"),
        (["MONGODB_ATLAS_CLIENT_SECRET": ResolverSecrets.envClientSecret], "MONGODB_ATLAS_CLIENT_ID"),
        (["MONGODB_ATLAS_CLIENT_ID": "id", "MONGODB_ATLAS_CLIENT_SECRET": ""], "MONGODB_ATLAS_CLIENT_SECRET"),
        (["MCLI_PUBLIC_API_KEY": "p"], "MCLI_PRIVATE_API_KEY"),
    ])
    func halfPair(_ environment: [String: String], _ missing: String) throws {
        let error = try ResolverFixtures.credentialsError(ResolverFixtures.resolver(environment, files: ResolverFixtures.configFile(ResolverFixtures.twoProfiles)))
        #expect(error.message.contains("but \(missing) is not"), "\(error.message)")
    }

    @Test("half a pair beside a complete one is a warning, and the complete one is used")
    func halfPairBesideComplete() throws {
        let resolved = try ResolverFixtures.resolver(ResolverFixtures.envAPIKey.merging(["MONGODB_ATLAS_CLIENT_ID": "id"]) { $1 }).resolve(profile: nil)
        #expect(resolved.credentials == .apiKey(publicKey: "envpublic", privateKey: Secret(ResolverSecrets.envPrivateKey)))
        #expect(resolved.warnings == ["MONGODB_ATLAS_CLIENT_ID is set without MONGODB_ATLAS_CLIENT_SECRET and is ignored; the API key is used."])
    }

    @Test("nothing anywhere: one error listing every source tried, in order")
    func nothingFound() throws {
        let error = try ResolverFixtures.credentialsError(ResolverFixtures.resolver())
        let message = error.message
        let order = ["--profile", "MONGODB_ATLAS_CLIENT_ID", "MONGODB_ATLAS_PRIVATE_API_KEY", ResolverFixtures.linuxConfigPath, "not found"]
        let positions = order.compactMap { message.range(of: $0)?.lowerBound }
        #expect(positions.count == order.count, "\(message)")
        #expect(positions == positions.sorted(), "\(message)")
        #expect(message.count < 600)

        let noDefault = try ResolverFixtures.credentialsError(ResolverFixtures.resolver(files: ResolverFixtures.configFile("[dev]\norg_id = \"a\"\n[prod]\norg_id = \"b\"\n")))
        #expect(noDefault.message.contains(#"no profile "default", and profiles there: dev, prod"#), "\(noDefault.message)")
    }

    @Test("the config file's place on each platform")
    func configPaths() {
        #expect(ResolverFixtures.resolver().configFilePath == "/home/u/.config/atlascli/config.toml")
        #expect(ResolverFixtures.resolver(["XDG_CONFIG_HOME": "/xdg/"]).configFilePath == "/xdg/atlascli/config.toml")
        #expect(ResolverFixtures.resolver(["XDG_CONFIG_HOME": "relative"]).configFilePath == "/home/u/.config/atlascli/config.toml")
        #expect(ResolverFixtures.resolver(["XDG_CONFIG_HOME": "/xdg"], platform: .macOS, home: "/Users/u").configFilePath
                == "/Users/u/Library/Application Support/atlascli/config.toml")
    }

    @Test("the file is read from the XDG and macOS places")
    func readsPlatformPaths() throws {
        let xdg = try ResolverFixtures.resolver(["XDG_CONFIG_HOME": "/xdg"], files: ResolverFixtures.configFile(ResolverFixtures.twoProfiles, at: "/xdg/atlascli/config.toml")).resolve(profile: nil)
        #expect(xdg.source == #"profile "default" in /xdg/atlascli/config.toml"#)
        let mac = try ResolverFixtures.resolver(files: ResolverFixtures.configFile(ResolverFixtures.twoProfiles, at: "/Users/u/Library/Application Support/atlascli/config.toml"),
                                   platform: .macOS, home: "/Users/u").resolve(profile: nil)
        #expect(mac.credentials?.redactedSummary == "API key filepublic (private key hidden)")
    }
}

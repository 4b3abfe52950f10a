@testable import AtlasAPI
import Foundation
import Synchronization
import Testing

/// A keyring in memory that records what was asked, or fails as told.
final class FakeKeyring: Keyring {
    private let items: [KeyringItemName: String]
    private let failure: KeyringFailure?
    private let asked = Mutex<[KeyringItemName]>([])

    init(_ items: [KeyringItemName: String] = [:], failure: KeyringFailure? = nil) {
        self.items = items
        self.failure = failure
    }

    /// go-keyring's items of one profile.
    convenience init(profile: String, _ values: [String: String]) {
        self.init(Dictionary(uniqueKeysWithValues: values.map { (KeyringItemName.atlasCLI(profile: profile, property: $0.key), $0.value) }))
    }

    var reads: [KeyringItemName] { asked.withLock { $0 } }

    func read(_ item: KeyringItemName) async throws -> Secret? {
        asked.withLock { $0.append(item) }
        if let failure { throw failure }
        return items[item].map(Secret.init)
    }

    func write(_ item: KeyringItemName, value: Secret, label: String) async throws {
        Issue.record("the resolver wrote to the keyring")
    }
}

enum KeyringFixtures {
    static let keyringPrivateKey = "kr-priv-SECRET-1618"
    static let keyringClientSecret = "mdb_sa_sk_KEYRINGSECRET"
    static let all = ResolverSecrets.all + [keyringPrivateKey, keyringClientSecret]

    /// What `atlas config init` writes with config version 2 when a keyring exists: no secrets.
    static func version2(authType: String? = "api_keys", extra: String = "") -> [String: CredentialResolver.File] {
        ResolverFixtures.configFile("""
            version = 2
            \(extra)
            [default]
            org_id = "5dd5aaef7a3e5a6c5bd12de4"
            project_id = "5e2211c17a3e5a48f5497de3"
            \(authType.map { "auth_type = \"\($0)\"" } ?? "")
            output = "json"

            [work]
            org_id = "aaaaaaaaaaaaaaaaaaaaaaaa"
            auth_type = "service_account"
            """)
    }

    static var apiKeyItems: FakeKeyring { FakeKeyring(profile: "default", ["public_api_key": "krpublic", "private_api_key": keyringPrivateKey]) }
}

@Suite("Credential resolution: the OS keyring and environment precedence")
struct CredentialResolverKeyringTests {
    @Test("a version 2 profile without keys takes them from the keyring, asking only for its auth type's pair")
    func apiKeysFromKeyring() async throws {
        let keyring = KeyringFixtures.apiKeyItems
        let resolved = try await ResolverFixtures.resolver(files: KeyringFixtures.version2()).resolve(profile: nil, keyring: keyring)
        #expect(resolved.credentials == .apiKey(publicKey: "krpublic", privateKey: Secret(KeyringFixtures.keyringPrivateKey)))
        #expect(resolved.orgID == "5dd5aaef7a3e5a6c5bd12de4")
        #expect(resolved.source == #"profile "default" in /home/u/.config/atlascli/config.toml with its secrets from the OS keyring (service atlascli_default)"#)
        #expect(keyring.reads == [.atlasCLI(profile: "default", property: "public_api_key"), .atlasCLI(profile: "default", property: "private_api_key")])
        #expect(resolved.origins.map(\.description) == [
            "public_api_key from the OS keyring (service atlascli_default, account public_api_key)",
            "private_api_key from the OS keyring (service atlascli_default, account private_api_key)",
            #"org_id from the config file /home/u/.config/atlascli/config.toml (profile "default")"#,
            #"project_id from the config file /home/u/.config/atlascli/config.toml (profile "default")"#,
        ])
    }

    @Test("a named service-account profile's client ID and secret come from its own service")
    func serviceAccountFromKeyring() async throws {
        let keyring = FakeKeyring(profile: "work", ["client_id": "mdb_sa_id_kr", "client_secret": KeyringFixtures.keyringClientSecret])
        let resolved = try await ResolverFixtures.resolver(files: KeyringFixtures.version2()).resolve(profile: "work", keyring: keyring)
        #expect(resolved.credentials == .serviceAccount(clientID: "mdb_sa_id_kr", clientSecret: Secret(KeyringFixtures.keyringClientSecret)))
        #expect(resolved.orgID == "aaaaaaaaaaaaaaaaaaaaaaaa")
        #expect(keyring.reads.map(\.service) == ["atlascli_work", "atlascli_work"])
    }

    @Test("without an auth_type every secret property is looked up, and the complete pair is used")
    func noAuthType() async throws {
        let keyring = FakeKeyring(profile: "default", ["public_api_key": "krpublic", "private_api_key": KeyringFixtures.keyringPrivateKey])
        let resolved = try await ResolverFixtures.resolver(files: KeyringFixtures.version2(authType: nil)).resolve(profile: nil, keyring: keyring)
        #expect(resolved.credentials == .apiKey(publicKey: "krpublic", privateKey: Secret(KeyringFixtures.keyringPrivateKey)))
        #expect(keyring.reads.map(\.account) == AtlasCLIConfig.secureProperties)
    }

    @Test("half in the file, half in the keyring: combined, each named where it came from")
    func mixed() async throws {
        let file = ResolverFixtures.configFile("version = 2\n[default]\nauth_type = \"api_keys\"\npublic_api_key = \"filepublic\"\n")
        let keyring = FakeKeyring(profile: "default", ["private_api_key": KeyringFixtures.keyringPrivateKey, "public_api_key": "other"])
        let resolved = try await ResolverFixtures.resolver(files: file).resolve(profile: nil, keyring: keyring)
        #expect(resolved.credentials == .apiKey(publicKey: "filepublic", privateKey: Secret(KeyringFixtures.keyringPrivateKey)))
        #expect(keyring.reads.map(\.account) == ["private_api_key"])
        #expect(resolved.origins.first?.place == .configFile(path: ResolverFixtures.linuxConfigPath, profile: "default"))
        #expect(resolved.origins.dropFirst().first?.place == .keyring(service: "atlascli_default"))
    }

    @Test("a version 1 file with its keys, or credentials in the environment: the keyring is not asked")
    func notAsked() async throws {
        let keyring = KeyringFixtures.apiKeyItems
        let fromFile = try await ResolverFixtures.resolver(files: ResolverFixtures.configFile(ResolverFixtures.twoProfiles)).resolve(profile: nil, keyring: keyring)
        #expect(fromFile.credentials == .apiKey(publicKey: "filepublic", privateKey: Secret(ResolverSecrets.privateKey)))
        let fromEnvironment = try await ResolverFixtures.resolver(ResolverFixtures.envAPIKey, files: KeyringFixtures.version2()).resolve(profile: "work", keyring: keyring)
        #expect(fromEnvironment.credentials == .apiKey(publicKey: "envpublic", privateKey: Secret(ResolverSecrets.envPrivateKey)))
        #expect(keyring.reads.isEmpty)
    }

    @Test("no keyring here (no D-Bus): silently the same as none, and the message says so")
    func unavailable() async throws {
        let keyring = FakeKeyring(failure: .unavailable("no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set"))
        let resolver = ResolverFixtures.resolver(files: KeyringFixtures.version2())
        let error = await #expect(throws: AtlasError.self) { try await resolver.resolve(profile: nil, keyring: keyring) }
        #expect(error?.message.contains("but there is none here (no D-Bus session bus") == true, "\(String(describing: error))")
        #expect(error?.message.contains("MONGODB_ATLAS_PUBLIC_API_KEY and MONGODB_ATLAS_PRIVATE_API_KEY") == true)
        #expect(keyring.reads.count == 1)
        // The environment still works, and a version 1 file too.
        let resolved = try await ResolverFixtures.resolver(ResolverFixtures.envServiceAccount, files: KeyringFixtures.version2()).resolve(profile: nil, keyring: keyring)
        #expect(resolved.credentials?.redactedSummary == "service account mdb_sa_id_envclient (secret hidden)")
    }

    @Test("items missing from the keyring: the message says where it looked", .timeLimit(.minutes(1)))
    func missingItems() async throws {
        let keyring = FakeKeyring()
        let error = await #expect(throws: AtlasError.self) {
            try await ResolverFixtures.resolver(files: KeyringFixtures.version2(authType: "service_account")).resolve(profile: nil, keyring: keyring)
        }
        #expect(error?.message.contains("not in the file; nor in the OS keyring (service atlascli_default)") == true, "\(String(describing: error))")
        #expect(error?.message.contains("MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET") == true)
    }

    @Test("a locked or silent keyring is one line saying which item and what to do", arguments: [
        (KeyringFailure.locked("the Secret Service collection login"), "is locked"),
        (KeyringFailure.timedOut(seconds: 3), "did not answer within 3.0 s"),
        (KeyringFailure.failed("the Secret Service answered org.example.Boom"), "org.example.Boom"),
    ])
    func failing(_ failure: KeyringFailure, _ expected: String) async throws {
        let keyring = FakeKeyring(failure: failure)
        let error = await #expect(throws: AtlasError.self) {
            try await ResolverFixtures.resolver(files: KeyringFixtures.version2()).resolve(profile: nil, keyring: keyring)
        }
        let message = error?.message ?? ""
        #expect(error?.kind == .credentials)
        #expect(message.contains(expected), "\(message)")
        #expect(message.contains("keyring item atlascli_default/public_api_key"), "\(message)")
        #expect(message.contains("MONGODB_ATLAS_PUBLIC_API_KEY"))
        #expect(!message.contains("\n"))
        #expect(keyring.reads.count == 1)
    }

    @Test("browser-login tokens in the keyring: only the tokens are asked for, and they are written back there")
    func userAccount() async throws {
        let keyring = FakeKeyring(profile: "default", ["access_token": "tokSECRET", "refresh_token": "refSECRET"])
        let resolved = try await ResolverFixtures.resolver(files: KeyringFixtures.version2(authType: "user_account")).resolve(profile: nil, keyring: keyring)
        #expect(resolved.credentials == .userAccount(UserAccountLogin(
            profile: "default", accessToken: Secret("tokSECRET"), refreshToken: Secret("refSECRET"), store: .keyring(service: "atlascli_default"))))
        #expect(keyring.reads.map(\.account) == ["access_token", "refresh_token"])
        var dumped = ""
        dump(resolved, to: &dumped)
        for output in [resolved.source, dumped, String(describing: resolved)] + resolved.origins.map(\.description) {
            #expect(!output.contains("tokSECRET") && !output.contains("refSECRET"))
        }
    }

    @Test("no secret from the keyring in any source, origin, warning or dump")
    func noSecret() async throws {
        let resolved = try await ResolverFixtures.resolver(files: KeyringFixtures.version2()).resolve(profile: nil, keyring: KeyringFixtures.apiKeyItems)
        var dumped = ""
        dump(resolved, to: &dumped)
        for output in [resolved.source, dumped, String(describing: resolved)] + resolved.warnings + resolved.origins.map(\.description) {
            for secret in KeyringFixtures.all { #expect(!output.contains(secret)) }
        }
    }
}

@Suite("Credential resolution: every environment value beats the profile's")
struct EnvironmentPrecedenceTests {
    @Test("with --profile, MONGODB_ATLAS_OPS_MANAGER_URL, ORG_ID and PROJECT_ID still win (the issue's case)")
    func namedProfile() throws {
        let environment = ["MONGODB_ATLAS_OPS_MANAGER_URL": "http://127.0.0.1:9", "MONGODB_ATLAS_PROJECT_ID": "envproject"]
        let resolved = try ResolverFixtures.resolver(environment, files: ResolverFixtures.configFile(ResolverFixtures.twoProfiles)).resolve(profile: "work")
        #expect(resolved.baseURL == "http://127.0.0.1:9")
        #expect(resolved.projectID == "envproject")
        #expect(resolved.orgID == "aaaaaaaaaaaaaaaaaaaaaaaa")
        #expect(resolved.credentials?.redactedSummary == "service account mdb_sa_id_fileclient (secret hidden)")
        #expect(resolved.origins.contains(SettingOrigin(property: "ops_manager_url", place: .environment(variable: "MONGODB_ATLAS_OPS_MANAGER_URL"))))
        #expect(resolved.origins.contains(SettingOrigin(property: "org_id", place: .configFile(path: ResolverFixtures.linuxConfigPath, profile: "work"))))
    }

    @Test("MONGODB_ATLAS_AUTH_TYPE beats a named profile's auth_type")
    func authTypeBeatsNamedProfile() throws {
        let text = "[work]\nauth_type = \"service_account\"\npublic_api_key = \"filepublic\"\nprivate_api_key = \"\(ResolverSecrets.privateKey)\"\n"
        let resolved = try ResolverFixtures.resolver(["MONGODB_ATLAS_AUTH_TYPE": "api_keys"], files: ResolverFixtures.configFile(text)).resolve(profile: "work")
        #expect(resolved.credentials?.redactedSummary == "API key filepublic (private key hidden)")
    }

    @Test("MONGODB_ATLAS_PROFILE picks the profile before the top-level setting; --profile beats both")
    func profileVariable() throws {
        let file = ResolverFixtures.configFile("profile = \"default\"\n" + ResolverFixtures.twoProfiles)
        let chosen = try ResolverFixtures.resolver(["MONGODB_ATLAS_PROFILE": "work"], files: file).resolve(profile: nil)
        #expect(chosen.source.hasPrefix(#"profile "work""#))
        let flag = try ResolverFixtures.resolver(["MONGODB_ATLAS_PROFILE": "work"], files: file).resolve(profile: "default")
        #expect(flag.source.hasPrefix(#"profile "default""#))
        let mcli = try ResolverFixtures.resolver(["MCLI_PROFILE": "WORK"], files: file).resolve(profile: nil)
        #expect(mcli.source.hasPrefix(#"profile "work""#))
        let missing = try ResolverFixtures.credentialsError(ResolverFixtures.resolver(["MONGODB_ATLAS_PROFILE": "gone"], files: file))
        #expect(missing.message.contains(#"selects profile "gone" with MONGODB_ATLAS_PROFILE"#), "\(missing.message)")
    }

    @Test("credentials from the environment with an implicit profile: its settings fill what the environment lacks")
    func environmentCredentialsProfileSettings() throws {
        let resolved = try ResolverFixtures.resolver(ResolverFixtures.envAPIKey, files: ResolverFixtures.configFile(ResolverFixtures.twoProfiles)).resolve(profile: nil)
        #expect(resolved.credentials?.redactedSummary == "API key envpublic (private key hidden)")
        #expect(resolved.orgID == "5dd5aaef7a3e5a6c5bd12de4")
        #expect(resolved.source == #"environment: MONGODB_ATLAS_PUBLIC_API_KEY, MONGODB_ATLAS_PRIVATE_API_KEY; org_id, project_id from profile "default" in /home/u/.config/atlascli/config.toml"#)
        #expect(resolved.origins.first == SettingOrigin(property: "public_api_key", place: .environment(variable: "MONGODB_ATLAS_PUBLIC_API_KEY")))
        // A MONGODB_ATLAS_PROFILE naming no profile costs nothing when the environment has the credentials.
        let absent = try ResolverFixtures.resolver(ResolverFixtures.envAPIKey.merging(["MONGODB_ATLAS_PROFILE": "nowhere"]) { $1 },
                                                   files: ResolverFixtures.configFile(ResolverFixtures.twoProfiles)).resolve(profile: nil)
        #expect(absent.orgID == nil)
        #expect(absent.source == "environment: MONGODB_ATLAS_PUBLIC_API_KEY, MONGODB_ATLAS_PRIVATE_API_KEY")
    }

    @Test("a broken config file does not stop credentials from the environment; it is named in a warning")
    func brokenFileWithEnvironmentCredentials() throws {
        let resolved = try ResolverFixtures.resolver(ResolverFixtures.envAPIKey, files: ResolverFixtures.configFile("[default\n")).resolve(profile: nil)
        #expect(resolved.credentials != nil)
        #expect(resolved.warnings.count == 1)
        #expect(resolved.warnings.first?.contains("is not valid TOML") == true)
    }
}

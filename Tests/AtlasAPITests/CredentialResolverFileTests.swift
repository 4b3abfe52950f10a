@testable import AtlasAPI
import Foundation
import Testing

@Suite("Credential resolution: the Atlas CLI config file")
struct CredentialResolverFileTests {
    @Test("profile selection: a top-level profile setting, else the only profile, else default")
    func profileSelection() throws {
        let selected = "profile = \"work\"\n" + ResolverFixtures.twoProfiles
        #expect(try ResolverFixtures.resolver(files: ResolverFixtures.configFile(selected)).resolve(profile: nil).source.hasPrefix(#"profile "work""#))
        let only = "[solo]\npublic_api_key = \"p\"\nprivate_api_key = \"\(ResolverSecrets.privateKey)\"\n"
        #expect(try ResolverFixtures.resolver(files: ResolverFixtures.configFile(only)).resolve(profile: nil).source.hasPrefix(#"profile "solo""#))
        #expect(try ResolverFixtures.resolver(files: ResolverFixtures.configFile(ResolverFixtures.twoProfiles)).resolve(profile: nil).source.hasPrefix(#"profile "default""#))
        // The flag still beats the top-level setting, and names match case-insensitively.
        #expect(try ResolverFixtures.resolver(files: ResolverFixtures.configFile(selected)).resolve(profile: "DEFAULT").source.hasPrefix(#"profile "default""#))
        let missing = try ResolverFixtures.credentialsError(ResolverFixtures.resolver(files: ResolverFixtures.configFile("profile = \"gone\"\n" + ResolverFixtures.twoProfiles)))
        #expect(missing.message.contains(#"selects profile "gone""#) && missing.message.contains("profiles there: default, work"))
    }

    @Test("a named profile that does not exist lists the ones that do")
    func missingProfile() throws {
        let error = try ResolverFixtures.credentialsError(ResolverFixtures.resolver(files: ResolverFixtures.configFile(ResolverFixtures.twoProfiles)), profile: "staging")
        #expect(error.message == #"There is no profile "staging" in /home/u/.config/atlascli/config.toml; profiles there: default, work."#)
        let noFile = try ResolverFixtures.credentialsError(ResolverFixtures.resolver(), profile: "staging")
        #expect(noFile.message.contains("no Atlas CLI config file at /home/u/.config/atlascli/config.toml"))
    }

    @Test("cloudgov, a top-level service, and ops_manager_url or its alias base_url")
    func serviceAndBaseURL() throws {
        func baseURL(_ text: String) throws -> String? {
            try ResolverFixtures.resolver(files: ResolverFixtures.configFile(text)).resolve(profile: nil).baseURL
        }
        let keys = "public_api_key = \"p\"\nprivate_api_key = \"\(ResolverSecrets.privateKey)\"\n"
        #expect(try baseURL("[default]\nservice = \"cloudgov\"\n" + keys) == "https://cloud.mongodbgov.com")
        #expect(try baseURL("service = \"cloudgov\"\n[default]\nservice = \"cloud\"\n" + keys) == "https://cloud.mongodbgov.com")
        #expect(try baseURL("[default]\nservice = \"cloud\"\n" + keys) == nil)
        #expect(try baseURL("[default]\nservice = \"cloudgov\"\nops_manager_url = \"https://om/\"\n" + keys) == "https://om/")
        #expect(try baseURL("[default]\nbase_url = \"http://127.0.0.1:9\"\n" + keys) == "http://127.0.0.1:9")
        #expect(try baseURL("[default]\nbase_url = \"https://b\"\nops_manager_url = \"https://om\"\n" + keys) == "https://om")
        let odd = try ResolverFixtures.resolver(files: ResolverFixtures.configFile("[default]\nservice = \"mars\"\n" + keys)).resolve(profile: nil)
        #expect(odd.warnings.contains { $0.contains(#"service "mars""#) })
    }

    @Test("secrets kept in the OS keyring: a message that says so and names the variables", arguments: [
        ("service_account", ["MONGODB_ATLAS_CLIENT_ID", "MONGODB_ATLAS_CLIENT_SECRET"]),
        ("api_keys", ["MONGODB_ATLAS_PUBLIC_API_KEY", "MONGODB_ATLAS_PRIVATE_API_KEY"]),
        ("", ["MONGODB_ATLAS_CLIENT_ID", "MONGODB_ATLAS_PUBLIC_API_KEY"]),
    ])
    func keyring(_ authType: String, _ variables: [String]) throws {
        let text = """
            version = 2
            [default]
            org_id = "5dd5aaef7a3e5a6c5bd12de4"
            auth_type = "\(authType)"
            output = "json"
            """
        let error = try ResolverFixtures.credentialsError(ResolverFixtures.resolver(files: ResolverFixtures.configFile(text)))
        #expect(error.message.contains("the Atlas CLI keeps this profile's secrets in the OS keyring"), "\(error.message)")
        #expect(error.message.contains("which was not consulted"))
        #expect(error.message.contains(#"profile "default" in /home/u/.config/atlascli/config.toml"#))
        for variable in variables {
            #expect(error.message.contains(variable), "\(error.message)")
        }
    }

    @Test("the keyring message names the MCLI_ variables when that family is in use")
    func keyringMCLI() throws {
        let text = "[default]\nauth_type = \"service_account\"\n"
        let error = try ResolverFixtures.credentialsError(ResolverFixtures.resolver(["MCLI_ORG_ID": "x"], files: ResolverFixtures.configFile(text)))
        #expect(error.message.contains("MCLI_CLIENT_ID and MCLI_CLIENT_SECRET"))
    }

    @Test("a browser-login profile with its tokens in the file resolves to them, to be written back to the file")
    func userAccount() throws {
        let text = "[default]\nauth_type = \"user_account\"\naccess_token = \"tok\"\nrefresh_token = \"ref\"\n"
        let resolver = ResolverFixtures.resolver(files: ResolverFixtures.configFile(text))
        let resolved = try resolver.resolve(profile: nil)
        let expected = UserAccountLogin(profile: "default", accessToken: Secret("tok"), refreshToken: Secret("ref"),
                                        store: .configFile(path: resolver.configFilePath))
        #expect(resolved.credentials == .userAccount(expected))
        #expect(resolved.origins.map(\.property).prefix(2) == ["access_token", "refresh_token"])
        // Without auth_type, tokens and no keys are a browser login too (the CLI's v2 migration).
        let inferred = try ResolverFixtures.resolver(files: ResolverFixtures.configFile("[default]\naccess_token = \"tok\"\nrefresh_token = \"ref\"\n")).resolve(profile: nil)
        #expect(inferred.credentials == .userAccount(expected))
        let missing = try ResolverFixtures.credentialsError(ResolverFixtures.resolver(files: ResolverFixtures.configFile("[default]\nauth_type = \"user_account\"\naccess_token = \"tok\"\n")))
        #expect(missing.message.contains("no refresh_token"), "\(missing.message)")
        #expect(missing.message.contains("atlas auth login"))
        #expect(!missing.message.contains("tok\""))
    }

    @Test("half a pair in the file names the missing property")
    func halfPairInFile() throws {
        let error = try ResolverFixtures.credentialsError(ResolverFixtures.resolver(files: ResolverFixtures.configFile("[default]\npublic_api_key = \"p\"\n")))
        #expect(error.message.contains("has public_api_key but no private_api_key"), "\(error.message)")
        let secretOnly = try ResolverFixtures.credentialsError(ResolverFixtures.resolver(files: ResolverFixtures.configFile("[default]\nauth_type = \"service_account\"\nclient_secret = \"\(ResolverSecrets.clientSecret)\"\n")))
        #expect(secretOnly.message.contains("has client_secret but no client_id"))
    }

    @Test("a config file open to other users is a warning with the fix", arguments: [0o644, 0o640, 0o604, 0o660] as [UInt32])
    func permissionWarning(_ mode: UInt32) throws {
        let resolved = try ResolverFixtures.resolver(files: ResolverFixtures.configFile(ResolverFixtures.twoProfiles, mode: mode)).resolve(profile: nil)
        let octal = "0" + String(mode, radix: 8)
        #expect(resolved.warnings == ["\(ResolverFixtures.linuxConfigPath) is open to other users (mode \(octal)) and may hold keys; run: chmod 600 '\(ResolverFixtures.linuxConfigPath)'"])
    }

    @Test("a 0600 or 0400 config file gets no warning", arguments: [0o600, 0o400, 0o100600] as [UInt32])
    func privateFile(_ mode: UInt32) throws {
        #expect(try ResolverFixtures.resolver(files: ResolverFixtures.configFile(ResolverFixtures.twoProfiles, mode: mode)).resolve(profile: nil).warnings.isEmpty)
    }

    @Test("malformed TOML: the path and position, never the contents")
    func malformed() throws {
        let text = "[default]\nprivate_api_key = \"\(ResolverSecrets.privateKey)\nclient_secret = = \(ResolverSecrets.clientSecret)\n"
        let error = try ResolverFixtures.credentialsError(ResolverFixtures.resolver(files: ResolverFixtures.configFile(text)))
        #expect(error.message.contains(ResolverFixtures.linuxConfigPath))
        #expect(error.message.contains("is not valid TOML (line"))
        for secret in ResolverSecrets.all { #expect(!error.message.contains(secret)) }
    }

    /// A number where a key belongs was skipped as if absent, and the message blamed the
    /// OS keyring (issue 14).
    @Test("a property of the wrong type is named with its type, not blamed on the keyring, and its value is never shown", arguments: [
        ("private_api_key = 123456789", "private_api_key", "integer"),
        ("public_api_key = true", "public_api_key", "boolean"),
        ("client_secret = 1.5", "client_secret", "float"),
        ("project_id = [1, 2]", "project_id", "array"),
    ])
    func wrongType(line: String, property: String, type: String) throws {
        let text = "[default]\npublic_api_key = \"abcdefgh\"\nprivate_api_key = \"\(ResolverSecrets.privateKey)\"\n".replacingOccurrences(of: property + " = ", with: "x_" + property + " = ") + line + "\n"
        let error = try ResolverFixtures.credentialsError(ResolverFixtures.resolver(files: ResolverFixtures.configFile(text)))
        #expect(error.message.contains("\(property) of profile default is a \(type), not a string"), "\(error.message)")
        #expect(!error.message.contains("keyring"))
        #expect(!error.message.contains("123456789") && !error.message.contains(ResolverSecrets.privateKey))
    }

    @Test("an unreadable config file is an error naming it")
    func unreadable() throws {
        struct Denied: Error {}
        let resolver = CredentialResolver(environment: [:], homeDirectory: "/home/u", platform: .linux, readFile: { _ in throw Denied() })
        let error = try ResolverFixtures.credentialsError(resolver)
        #expect(error.message.hasPrefix("Cannot read the Atlas CLI config file \(ResolverFixtures.linuxConfigPath)"))
        // Credentials in the environment never need the file.
        #expect(try CredentialResolver(environment: ResolverFixtures.envAPIKey, homeDirectory: "/home/u", platform: .linux, readFile: { _ in throw Denied() })
            .resolve(profile: nil).credentials != nil)
    }

    @Test("no secret value in sources, warnings, errors, descriptions or dumps")
    func noSecretAnywhere() throws {
        let openFile = ResolverFixtures.configFile(ResolverFixtures.twoProfiles, mode: 0o644)
        let resolvers: [(CredentialResolver, String?)] = [
            (ResolverFixtures.resolver(files: openFile), nil),
            (ResolverFixtures.resolver(files: openFile), "work"),
            (ResolverFixtures.resolver(ResolverFixtures.envAPIKey.merging(ResolverFixtures.envServiceAccount) { $1 }, files: openFile), nil),
            (ResolverFixtures.resolver(ResolverFixtures.envAPIKey.merging(ResolverFixtures.envServiceAccount) { $1 }, files: openFile), "default"),
            (ResolverFixtures.resolver(ResolverFixtures.envAPIKey.merging(["MONGODB_ATLAS_CLIENT_SECRET": ResolverSecrets.envClientSecret]) { $1 }), nil),
            (ResolverFixtures.resolver(["MONGODB_ATLAS_PRIVATE_API_KEY": ResolverSecrets.envPrivateKey]), nil),
            (ResolverFixtures.resolver(["MONGODB_ATLAS_CLIENT_SECRET": ResolverSecrets.envClientSecret]), nil),
            (ResolverFixtures.resolver(files: ResolverFixtures.configFile("[default]\nauth_type = \"api_keys\"\nprivate_api_key = \"\(ResolverSecrets.privateKey)\"\n")), nil),
            (ResolverFixtures.resolver(files: ResolverFixtures.configFile("[default]\nauth_type = \"service_account\"\nclient_secret = \"\(ResolverSecrets.clientSecret)\"\n")), nil),
            (ResolverFixtures.resolver(files: ResolverFixtures.configFile("[default]\nauth_type = \"user_account\"\nclient_secret = \"\(ResolverSecrets.clientSecret)\"\n")), nil),
            (ResolverFixtures.resolver(files: ResolverFixtures.configFile("x = \"\(ResolverSecrets.clientSecret)\n")), nil),
            (ResolverFixtures.resolver(files: openFile), "missing"),
        ]
        var outputs: [String] = []
        var resolvedCount = 0
        for (resolver, profile) in resolvers {
            do {
                let resolved = try resolver.resolve(profile: profile)
                resolvedCount += 1
                var dumped = ""
                dump(resolved, to: &dumped)
                outputs += [resolved.source, String(describing: resolved), String(reflecting: resolved), dumped,
                            resolved.credentials?.redactedSummary ?? ""] + resolved.warnings
            } catch {
                var dumped = ""
                dump(error, to: &dumped)
                outputs += [String(describing: error), String(reflecting: error), dumped]
            }
        }
        #expect(resolvedCount == 5)
        #expect(outputs.count > 30)
        for output in outputs {
            for secret in ResolverSecrets.all {
                #expect(!output.contains(secret), "\(output)")
            }
        }
    }

    @Test("the system resolver reads a real file's text and mode, and nil when absent")
    func diskReader() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("atlas-certs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("config.toml").path
        try Data("[default]\n".utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)

        let file = try #require(try CredentialResolver.readFromDisk(path))
        #expect(file.contents == "[default]\n")
        #expect(file.mode == 0o640)
        #expect(try CredentialResolver.readFromDisk(directory.appendingPathComponent("absent.toml").path) == nil)

        let home = directory.path
        try FileManager.default.createDirectory(atPath: home + "/.config/atlascli", withIntermediateDirectories: true)
        try Data(ResolverFixtures.twoProfiles.utf8).write(to: URL(fileURLWithPath: home + "/.config/atlascli/config.toml"))
        let resolver = CredentialResolver(environment: ["HOME": home], homeDirectory: home, platform: .linux, readFile: CredentialResolver.readFromDisk)
        #expect(try resolver.resolve(profile: "work").orgID == "aaaaaaaaaaaaaaaaaaaaaaaa")
    }
}

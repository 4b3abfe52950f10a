@testable import AtlasAPI
import AtlasSimulator
import Foundation
import Synchronization
import Testing

/// A keyring in memory that can be written, recording each write (account and label, never the value).
final class MemoryKeyring: Keyring {
    private let items: Mutex<[KeyringItemName: String]>
    private let written = Mutex<[(account: String, label: String)]>([])

    init(profile: String, _ values: [String: String]) {
        items = Mutex(Dictionary(uniqueKeysWithValues: values.map { (KeyringItemName.atlasCLI(profile: profile, property: $0.key), $0.value) }))
    }

    var writes: [(account: String, label: String)] { written.withLock { $0 } }
    func value(_ profile: String, _ property: String) -> String? {
        items.withLock { $0[KeyringItemName.atlasCLI(profile: profile, property: property)] }
    }

    func read(_ item: KeyringItemName) async throws -> Secret? {
        items.withLock { $0[item] }.map(Secret.init)
    }

    func write(_ item: KeyringItemName, value: Secret, label: String) async throws {
        items.withLock { items in value.withValue { items[item] = $0 } }
        written.withLock { $0.append((item.account, label)) }
    }
}

/// The browser-login authorizer against the in-process simulator: refresh once, rotate,
/// write back where the tokens came from, and refuse to refresh what cannot be saved.
@Suite("Browser login: UserAccountAuthorizer against the simulator")
struct UserAccountAuthorizerTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    /// A config.toml as a user of `atlas` might have it: comments, other keys and tables.
    static func configText(access: String, refresh: String) -> String {
        """
        # Atlas CLI config (hand-edited: keep this comment)
        version = 1
        profile = "work"   # the one I use

        [other]
          public_api_key = "abcdefgh"

        [work]
          org_id = "5dd5aaef7a3e5a6c5bd12de4"
          auth_type = "user_account"
          access_token = "\(access)"   # rotated by atlas
          output = "json"
          refresh_token = '\(refresh)'

        [last]
          service = "cloud"

        """
    }

    /// A folder for the config (XDG_CONFIG_HOME), a simulator, and a transport to it.
    struct Setup {
        let simulator: AtlasSimulator
        let transport: AsyncHTTPClientTransport
        let directory: String
        var configPath: String { directory + "/atlascli/config.toml" }
        var resolver: CredentialResolver { CredentialResolver.system(environment: ["XDG_CONFIG_HOME": directory, "HOME": directory]) }

        func writeConfig(_ text: String) throws {
            try FileManager.default.createDirectory(atPath: directory + "/atlascli", withIntermediateDirectories: true)
            try text.write(toFile: configPath, atomically: false, encoding: .utf8)
            #expect(chmod(configPath, 0o600) == 0)
        }

        func login(keyring: (any Keyring)? = nil) async throws -> UserAccountLogin {
            let resolved = try await resolver.resolve(profile: nil, keyring: keyring)
            guard case .userAccount(let login) = resolved.credentials else {
                Issue.record("not a browser login: \(resolved.credentials?.redactedSummary ?? "none")")
                throw CancellationError()
            }
            return login
        }

        func client(_ login: UserAccountLogin, keyring: (any Keyring)? = nil) -> (AtlasClient, UserAccountAuthorizer) {
            let authorizer = UserAccountAuthorizer(login: login, baseURL: simulator.baseURL, transport: transport, keyring: keyring,
                                                   now: { UserAccountAuthorizerTests.now })
            let client = AtlasClient(
                configuration: AtlasClientConfiguration(baseURL: simulator.baseURL, apiVersion: .v2,
                                                        retry: RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(5), maxDelay: .milliseconds(50))),
                transport: transport, authorizer: authorizer)
            return (client, authorizer)
        }

        func tokens(in text: String) throws -> (access: String?, refresh: String?) {
            let table = try AtlasCLIConfig.parse(text, path: configPath).profiles["work"]
            return (table?["access_token"], table?["refresh_token"])
        }
    }

    static func withSetup<T>(_ body: (Setup) async throws -> T) async throws -> T {
        let data = SimulatorData.generate(seed: 11, now: now, organizations: 1, projectsPerOrganization: 1, usersPerProject: 1)
        let simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(clock: { now }), data: data)
        let transport = try AsyncHTTPClientTransport(baseURL: simulator.baseURL, environment: [:])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("login-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        defer {
            chmod(directory + "/atlascli", 0o700)
            try? FileManager.default.removeItem(atPath: directory)
        }
        do {
            let result = try await body(Setup(simulator: simulator, transport: transport, directory: directory))
            await transport.shutdown()
            try await simulator.shutdown()
            return result
        } catch {
            await transport.shutdown()
            try? await simulator.shutdown()
            throw error
        }
    }

    static func mode(_ path: String) -> UInt32 {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0 }
        return UInt32(info.st_mode) & 0o777
    }

    /// Every rendering of an error a user or a log could see.
    static func renderings(_ error: any Error) -> [String] {
        var dumped = ""
        dump(error, to: &dumped)
        return [String(describing: error), String(reflecting: error), dumped, (error as? AtlasError)?.message ?? ""]
    }

    @Test("expired token in config.toml: 8 concurrent calls make exactly one refresh; rotated tokens are written back keeping every other byte and mode 0600; a client from the written file makes no refresh")
    func expiredTokenRefreshedOnceAndWrittenBack() async throws {
        try await Self.withSetup { setup in
            let start = setup.simulator.signInUser(accessTokenExpiresAt: Self.now.addingTimeInterval(-30))
            let original = Self.configText(access: start.accessToken, refresh: start.refreshToken)
            try setup.writeConfig(original)
            let login = try await setup.login()
            #expect(login.store == .configFile(path: setup.configPath))
            #expect(login.clientID == "0oabtxactgS3gHIR0297")

            let (client, authorizer) = setup.client(login)
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 { group.addTask { try await client.organizations().count } }
                for try await count in group { #expect(count == 1) }
            }
            #expect(setup.simulator.requestCount(.deviceToken) == 1)
            #expect(setup.simulator.requestCount(.orgs) == 8)
            #expect(setup.simulator.requestLog.filter { $0.status == 401 }.isEmpty)
            #expect(setup.simulator.requestLog.count == 9)
            #expect(await authorizer.refreshCount == 1)

            let written = try String(contentsOfFile: setup.configPath, encoding: .utf8)
            let (access, refresh) = try setup.tokens(in: written)
            let newAccess = try #require(access)
            let newRefresh = try #require(refresh)
            #expect(newAccess != start.accessToken && newRefresh != start.refreshToken)
            // Only the two values change (a literal '…' string becomes a basic "…" one).
            #expect(written == original.replacingOccurrences(of: start.accessToken, with: newAccess)
                .replacingOccurrences(of: "'\(start.refreshToken)'", with: "\"\(newRefresh)\""))
            #expect(Self.mode(setup.configPath) == 0o600)
            #expect(try FileManager.default.contentsOfDirectory(atPath: setup.directory + "/atlascli") == ["config.toml"])
            #expect(!setup.simulator.acceptsRefreshToken(start.refreshToken))
            #expect(setup.simulator.acceptsRefreshToken(newRefresh))
            let held = await authorizer.tokens
            #expect(held.access == Secret(newAccess) && held.refresh == Secret(newRefresh))

            // The next run reads the written file and needs no refresh.
            let (second, secondAuthorizer) = setup.client(try await setup.login())
            #expect(try await second.organizations().count == 1)
            #expect(setup.simulator.requestCount(.deviceToken) == 1)
            #expect(setup.simulator.requestCount(.orgs) == 9)
            #expect(await secondAuthorizer.refreshCount == 0)
            #expect(try String(contentsOfFile: setup.configPath, encoding: .utf8) == written)
        }
    }

    @Test("tokens in the keyring: one refresh, both items rewritten with go-keyring's labels, config.toml untouched")
    func keyringWriteBack() async throws {
        try await Self.withSetup { setup in
            let start = setup.simulator.signInUser(accessTokenExpiresAt: Self.now.addingTimeInterval(30))  // within the 60 s margin
            let config = "version = 2\n\n[work]\n  auth_type = \"user_account\"\n  org_id = \"5dd5aaef7a3e5a6c5bd12de4\"\n"
            try setup.writeConfig(config)
            let keyring = MemoryKeyring(profile: "work", ["access_token": start.accessToken, "refresh_token": start.refreshToken])
            let login = try await setup.login(keyring: keyring)
            #expect(login.store == .keyring(service: "atlascli_work"))

            let (client, _) = setup.client(login, keyring: keyring)
            #expect(try await client.organizations().count == 1)
            #expect(try await client.organizations().count == 1)
            #expect(setup.simulator.requestCount(.deviceToken) == 1)
            #expect(keyring.writes.map(\.account) == ["access_token", "refresh_token"])
            #expect(keyring.writes.map(\.label) == ["Password for 'access_token' on 'atlascli_work'", "Password for 'refresh_token' on 'atlascli_work'"])
            let newRefresh = try #require(keyring.value("work", "refresh_token"))
            #expect(newRefresh != start.refreshToken && setup.simulator.acceptsRefreshToken(newRefresh))
            #expect(keyring.value("work", "access_token") != start.accessToken)
            #expect(try String(contentsOfFile: setup.configPath, encoding: .utf8) == config)

            let (second, _) = setup.client(try await setup.login(keyring: keyring), keyring: keyring)
            #expect(try await second.organizations().count == 1)
            #expect(setup.simulator.requestCount(.deviceToken) == 1)
        }
    }

    /// Ways config.toml cannot be rewritten safely; each must stop before any refresh.
    enum Unsafe: String, CaseIterable, Sendable {
        case symlink, changedByAtlas, multiLineToken, notWritable
    }

    @Test("config.toml that cannot be written back safely: no refresh, one line saying `atlas auth login`, no token text", arguments: Unsafe.allCases)
    func unsafeConfigMeansNoRefresh(_ unsafe: Unsafe) async throws {
        try await Self.withSetup { setup in
            let start = setup.simulator.signInUser(accessTokenExpiresAt: Self.now.addingTimeInterval(-30))
            var text = Self.configText(access: start.accessToken, refresh: start.refreshToken)
            if unsafe == .multiLineToken {
                text = text.replacingOccurrences(of: "access_token = \"\(start.accessToken)\"", with: "access_token = \"\"\"\(start.accessToken)\"\"\"")
            }
            try setup.writeConfig(text)
            let login = try await setup.login()
            var other: String?
            switch unsafe {
            case .symlink:
                let real = setup.directory + "/atlascli/real.toml"
                try FileManager.default.moveItem(atPath: setup.configPath, toPath: real)
                try FileManager.default.createSymbolicLink(atPath: setup.configPath, withDestinationPath: real)
            case .changedByAtlas:
                // `atlas` refreshed in the meantime: the file holds another pair now.
                let newer = setup.simulator.signInUser(accessTokenExpiresAt: Self.now.addingTimeInterval(3_000))
                other = newer.refreshToken
                try Self.configText(access: newer.accessToken, refresh: newer.refreshToken)
                    .write(toFile: setup.configPath, atomically: false, encoding: .utf8)
            case .multiLineToken:
                break
            case .notWritable:
                // As root permissions do not bind, so the file belongs to someone else instead.
                if geteuid() == 0 {
                    #expect(chown(setup.configPath, 65_534, 65_534) == 0)
                } else {
                    #expect(chmod(setup.directory + "/atlascli", 0o500) == 0)
                }
            }
            let before = try String(contentsOfFile: setup.configPath, encoding: .utf8)
            let (client, authorizer) = setup.client(login)
            let thrownerror = await #expect(throws: AtlasError.self) { try await client.organizations() }
            let error = try #require(thrownerror)
            #expect(error.message.contains("atlas auth login"), "\(error.message)")
            #expect(error.message.contains("was not refreshed"), "\(error.message)")
            #expect(!error.message.contains("\n"))
            // Tried once per run: a second call fails the same way without a refresh.
            let thrownagain = await #expect(throws: AtlasError.self) { try await client.organizations() }
            let again = try #require(thrownagain)
            #expect(again.message == error.message)
            #expect(setup.simulator.requestCount(.deviceToken) == 0)
            #expect(setup.simulator.requestLog.isEmpty)
            #expect(await authorizer.refreshCount == 0)
            #expect(setup.simulator.acceptsRefreshToken(start.refreshToken))
            #expect(try String(contentsOfFile: setup.configPath, encoding: .utf8) == before)
            for rendered in Self.renderings(error) {
                for token in [start.accessToken, start.refreshToken] + [other].compactMap({ $0 }) {
                    #expect(!rendered.contains(token))
                }
            }
        }
    }

    @Test("a refresh token Atlas no longer accepts: one refresh request, one line saying `atlas auth login`, no token text")
    func rejectedRefreshToken() async throws {
        try await Self.withSetup { setup in
            let start = setup.simulator.signInUser(accessTokenExpiresAt: Self.now.addingTimeInterval(-30))
            try setup.writeConfig(Self.configText(access: start.accessToken, refresh: start.refreshToken))
            let login = try await setup.login()
            // Someone else used it first (the old refresh token stops working).
            let used = try await UserAccountTokenEndpoint(clientID: UserAccountLogin.cliClientID,
                                                          url: setup.simulator.baseURL + UserAccountTokenEndpoint.path, timeout: .seconds(5))
                .refresh(Secret(start.refreshToken), with: setup.transport)
            let before = try String(contentsOfFile: setup.configPath, encoding: .utf8)
            let (client, _) = setup.client(login)
            let thrownerror = await #expect(throws: AtlasError.self) { try await client.organizations() }
            let error = try #require(thrownerror)
            #expect(error.kind == .unauthorized)
            #expect(error.errorCode == "INVALID_REFRESH_TOKEN")
            #expect(error.message.contains("run `atlas auth login`"), "\(error.message)")
            #expect(setup.simulator.requestCount(.deviceToken) == 2)
            #expect(setup.simulator.requestCount(.orgs) == 0)
            #expect(try String(contentsOfFile: setup.configPath, encoding: .utf8) == before)
            let secrets = [start.accessToken, start.refreshToken] + [used.accessToken, used.refreshToken].map { $0.withValue { $0 } }
            for text in Self.renderings(error) {
                for token in secrets { #expect(!text.contains(token)) }
            }
        }
    }

    @Test("a 401 on the token read at start (before its exp) earns one refresh and the call succeeds")
    func revokedBeforeExpiry() async throws {
        try await Self.withSetup { setup in
            let start = setup.simulator.signInUser(accessTokenExpiresAt: Self.now.addingTimeInterval(-30))
            // A JWT that is not expired but that the simulator never issued: Atlas refuses it.
            let unknown = TestJWT.make(exp: Int(Self.now.timeIntervalSince1970) + 3_000)
            try setup.writeConfig(Self.configText(access: unknown, refresh: start.refreshToken))
            let (client, authorizer) = setup.client(try await setup.login())
            #expect(try await client.organizations().count == 1)
            #expect(setup.simulator.requestCount(.deviceToken) == 1)
            #expect(setup.simulator.requestLog.filter { $0.status == 401 }.count == 1)
            #expect(await authorizer.refreshCount == 1)
            let (access, _) = try setup.tokens(in: try String(contentsOfFile: setup.configPath, encoding: .utf8))
            #expect(access != nil && access != unknown)
        }
    }
}

enum TestJWT {
    static func make(exp: Int) -> String {
        func encode(_ text: String) -> String {
            Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        return encode(#"{"alg":"RS256"}"#) + "." + encode("{\"sub\":\"u\",\"exp\":\(exp)}") + ".c2lnbmF0dXJl"
    }
}

/// The refresh request byte for byte, and a 401 on a just-refreshed token, with a scripted transport.
@Suite("Browser login: the refresh request and a 401 after it")
struct UserAccountRefreshRequestTests {
    @Test("the form is the CLI's; a 401 on the refreshed token is one line saying `atlas auth login`, with no token text")
    func requestAndFresh401() async throws {
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("login-unit-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/config.toml"
        let oldAccess = TestJWT.make(exp: 1_794_999_000)
        let oldRefresh = "refresh/old+token=="
        try "[p]\naccess_token = \"\(oldAccess)\"\nrefresh_token = \"\(oldRefresh)\"\n".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o600)
        let newAccess = TestJWT.make(exp: 1_795_003_600)
        let transport = ScriptedTransport { request, _ in
            if request.url.hasSuffix(UserAccountTokenEndpoint.path) {
                return jsonResponse("{\"access_token\":\"\(newAccess)\",\"refresh_token\":\"refresh-new\",\"expires_in\":3600,\"token_type\":\"Bearer\"}")
            }
            return jsonResponse("{\"error\":401,\"errorCode\":\"UNAUTHORIZED\"}", status: 401)
        }
        let login = UserAccountLogin(profile: "p", accessToken: Secret(oldAccess), refreshToken: Secret(oldRefresh), store: .configFile(path: path))
        let authorizer = UserAccountAuthorizer(login: login, baseURL: "http://127.0.0.1:9/", transport: transport, keyring: nil, now: { now })
        let client = AtlasClient(configuration: AtlasClientConfiguration(baseURL: "http://127.0.0.1:9", apiVersion: .v2, retry: RetryPolicy(sleep: { _ in })),
                                 transport: transport, authorizer: authorizer)
        let thrownerror = await #expect(throws: AtlasError.self) { try await client.organizations() }
        let error = try #require(thrownerror)
        #expect(error.message.contains("just-refreshed") && error.message.contains("run `atlas auth login`"), "\(error.message)")

        let requests = await transport.requests
        #expect(requests.count == 2)
        let refresh = try #require(requests.first)
        #expect(refresh.url == "http://127.0.0.1:9/api/private/unauth/account/device/token")
        #expect(refresh.method == .post)
        #expect(refresh.headers.contains { $0.name == "Content-Type" && $0.value == "application/x-www-form-urlencoded" })
        #expect(String(decoding: refresh.body ?? [], as: UTF8.self)
            == "client_id=0oabtxactgS3gHIR0297&grant_type=refresh_token&refresh_token=refresh%2Fold%2Btoken%3D%3D&scope=openid%20profile%20offline_access")
        #expect(requests.last?.headers.contains { $0.name == "Authorization" && $0.value == "Bearer \(newAccess)" } == true)
        // The rotated pair was saved before the call.
        let saved = try String(contentsOfFile: path, encoding: .utf8)
        #expect(saved == "[p]\naccess_token = \"\(newAccess)\"\nrefresh_token = \"refresh-new\"\n")
        for text in UserAccountAuthorizerTests.renderings(error) + [String(describing: authorizer), String(describing: login)] {
            for token in [oldAccess, oldRefresh, newAccess, "refresh-new"] { #expect(!text.contains(token)) }
        }
    }
}

/// The acceptance case with the real Secret Service: tokens stored as go-keyring stores
/// them in gnome-keyring over D-Bus, a v2 config.toml with no secrets.
@Suite("Browser login: refresh and write-back through a real gnome-keyring")
struct UserAccountKeyringEndToEndTests {
    @Test("expired token in gnome-keyring: one refresh, both items replaced, the next run makes no refresh", KeyringHarness.required)
    func gnomeKeyring() async throws {
        let harness = try await KeyringHarness.start()
        defer { harness.stop() }
        try await UserAccountAuthorizerTests.withSetup { setup in
            let start = setup.simulator.signInUser(accessTokenExpiresAt: UserAccountAuthorizerTests.now.addingTimeInterval(-30))
            try await harness.stored(service: "atlascli_work", account: "access_token", value: start.accessToken)
            try await harness.stored(service: "atlascli_work", account: "refresh_token", value: start.refreshToken)
            let config = "version = 2\nprofile = \"work\"\n\n[work]\n  auth_type = \"user_account\"\n  org_id = \"5dd5aaef7a3e5a6c5bd12de4\"\n"
            try setup.writeConfig(config)
            let environment = harness.environment.merging(["XDG_CONFIG_HOME": setup.directory]) { $1 }
            let keyring = SecretServiceKeyring(environment: environment)
            let resolver = CredentialResolver.system(environment: environment)

            let resolved = try await resolver.resolve(profile: nil, keyring: keyring)
            guard case .userAccount(let login) = resolved.credentials else {
                Issue.record("not a browser login")
                return
            }
            #expect(login.store == .keyring(service: "atlascli_work"))
            let (client, authorizer) = setup.client(login, keyring: keyring)
            #expect(try await client.organizations().count == 1)
            #expect(setup.simulator.requestCount(.deviceToken) == 1)
            #expect(await authorizer.refreshCount == 1)
            let newAccess = try #require(try await harness.lookedUp(service: "atlascli_work", account: "access_token"))
            let newRefresh = try #require(try await harness.lookedUp(service: "atlascli_work", account: "refresh_token"))
            #expect(newAccess != start.accessToken && newRefresh != start.refreshToken)
            #expect(setup.simulator.acceptsRefreshToken(newRefresh))
            #expect(try String(contentsOfFile: setup.configPath, encoding: .utf8) == config)

            let again = try await resolver.resolve(profile: nil, keyring: keyring)
            guard case .userAccount(let next) = again.credentials else {
                Issue.record("not a browser login")
                return
            }
            #expect(next.accessToken == Secret(newAccess))
            let (second, _) = setup.client(next, keyring: keyring)
            #expect(try await second.organizations().count == 1)
            #expect(setup.simulator.requestCount(.deviceToken) == 1)
            #expect(setup.simulator.requestCount(.orgs) == 2)
        }
    }
}

import Foundation
import Testing
@testable import AtlasAPI

/// The pure-Swift Secret Service client against a real gnome-keyring on a private session
/// bus (`KeyringHarness`), items stored by `secret-tool` as go-keyring stores them.
@Suite("Secret Service keyring (real gnome-keyring)")
struct SecretServiceKeyringTests {
    static let item = KeyringItemName.atlasCLI(profile: "test", property: "public_api_key")

    @Test("an item stored as go-keyring stores it is read back", KeyringHarness.required)
    func found() async throws {
        let harness = try await KeyringHarness.start()
        defer { harness.stop() }
        try await harness.stored(service: "atlascli_test", account: "public_api_key", value: "abcdefgh")
        try await harness.stored(service: "atlascli_test", account: "private_api_key", value: "ffff-0000-é")
        let keyring = SecretServiceKeyring(environment: harness.environment)
        let publicKey = try await keyring.read(Self.item)
        #expect(publicKey?.withValue { $0 } == "abcdefgh")
        let privateKey = try await keyring.read(.atlasCLI(profile: "test", property: "private_api_key"))
        #expect(privateKey?.withValue { $0 } == "ffff-0000-é")
    }

    @Test("the bus on a Linux abstract socket (unix:abstract=) works the same", KeyringHarness.required)
    func abstractSocket() async throws {
        let harness = try await KeyringHarness.start(abstract: true)
        defer { harness.stop() }
        #expect(harness.environment["DBUS_SESSION_BUS_ADDRESS"]?.hasPrefix("unix:abstract=") == true)
        try await harness.stored(service: "atlascli_test", account: "public_api_key", value: "abstract-value")
        #expect(try await SecretServiceKeyring(environment: harness.environment).read(Self.item)?.withValue { $0 } == "abstract-value")
    }

    @Test("a missing item is nil, not an error; so is another profile's item", KeyringHarness.required)
    func missing() async throws {
        let harness = try await KeyringHarness.start()
        defer { harness.stop() }
        try await harness.stored(service: "atlascli_other", account: "public_api_key", value: "x")
        let keyring = SecretServiceKeyring(environment: harness.environment)
        #expect(try await keyring.read(Self.item) == nil)
        #expect(try await keyring.read(.atlasCLI(profile: "other", property: "client_id")) == nil)
    }

    @Test("a locked collection is reported as locked, with what to do, and nothing is prompted", KeyringHarness.required)
    func locked() async throws {
        let harness = try await KeyringHarness.start()
        defer { harness.stop() }
        try await harness.stored(service: "atlascli_test", account: "public_api_key", value: "abcdefgh")
        try await harness.locked()
        let keyring = SecretServiceKeyring(environment: harness.environment)
        do {
            _ = try await keyring.read(Self.item)
            Issue.record("a locked item was read")
        } catch let failure as KeyringFailure {
            guard case .locked = failure else { Issue.record("not .locked: \(failure)"); return }
            #expect(failure.description.contains("is locked"))
            #expect(failure.description.contains("set the environment variables"))
            #expect(!failure.description.contains("abcdefgh"))
        }
    }

    @Test("write stores an item that secret-tool finds, and a second write replaces it", KeyringHarness.required)
    func write() async throws {
        let harness = try await KeyringHarness.start()
        defer { harness.stop() }
        let keyring = SecretServiceKeyring(environment: harness.environment)
        let item = KeyringItemName.atlasCLI(profile: "test", property: "access_token")
        try await keyring.write(item, value: Secret("first"), label: "Password for 'access_token' on 'atlascli_test'")
        #expect(try await harness.lookedUp(service: "atlascli_test", account: "access_token") == "first")
        try await keyring.write(item, value: Secret("second"), label: "Password for 'access_token' on 'atlascli_test'")
        #expect(try await harness.lookedUp(service: "atlascli_test", account: "access_token") == "second")
        #expect(try await keyring.read(item)?.withValue { $0 } == "second")
    }

    @Test("end to end: a version 2 config.toml without secrets and the keys in gnome-keyring resolve to those keys",
          KeyringHarness.required)
    func resolverEndToEnd() async throws {
        let harness = try await KeyringHarness.start()
        defer { harness.stop() }
        try await harness.stored(service: "atlascli_default", account: "public_api_key", value: "krpublic")
        try await harness.stored(service: "atlascli_default", account: "private_api_key", value: "kr-priv-SECRET-e2e")
        try await harness.stored(service: "atlascli_work", account: "client_id", value: "mdb_sa_id_kr")
        try await harness.stored(service: "atlascli_work", account: "client_secret", value: "mdb_sa_sk_KR-e2e")
        let file = ResolverFixtures.configFile("""
            version = 2
            [default]
            auth_type = "api_keys"
            project_id = "5e2211c17a3e5a48f5497de3"
            [work]
            auth_type = "service_account"
            """)
        let keyring = SecretServiceKeyring(environment: harness.environment)
        let resolver = ResolverFixtures.resolver(harness.environment, files: file)
        let apiKey = try await resolver.resolve(profile: nil, keyring: keyring)
        #expect(apiKey.credentials == .apiKey(publicKey: "krpublic", privateKey: Secret("kr-priv-SECRET-e2e")))
        #expect(apiKey.projectID == "5e2211c17a3e5a48f5497de3")
        #expect(apiKey.source.contains("with its secrets from the OS keyring (service atlascli_default)"))
        let serviceAccount = try await resolver.resolve(profile: "work", keyring: keyring)
        #expect(serviceAccount.credentials == .serviceAccount(clientID: "mdb_sa_id_kr", clientSecret: Secret("mdb_sa_sk_KR-e2e")))

        // Locked: one line that says so, and never the value.
        try await harness.locked()
        let error = await #expect(throws: AtlasError.self) { try await resolver.resolve(profile: nil, keyring: keyring) }
        #expect(error?.message.contains("is locked") == true, "\(String(describing: error))")
        #expect(error.map { String(describing: $0) }?.contains("kr-priv-SECRET-e2e") == false)
    }

    @Test("a bus without a Secret Service counts as no keyring", KeyringHarness.required)
    func busWithoutSecretService() async throws {
        let harness = try await KeyringHarness.start(keyring: false)
        defer { harness.stop() }
        let keyring = SecretServiceKeyring(environment: harness.environment)
        await #expect(throws: KeyringFailure.self) { try await keyring.read(Self.item) }
        do {
            _ = try await keyring.read(Self.item)
        } catch let failure as KeyringFailure {
            guard case .unavailable = failure else { Issue.record("not .unavailable: \(failure)"); return }
        }
    }
}

/// The failures that need no keyring daemon at all.
@Suite("Secret Service keyring without a keyring")
struct SecretServiceAbsentTests {
    static func failure(_ keyring: SecretServiceKeyring) async -> KeyringFailure? {
        do {
            _ = try await keyring.read(.atlasCLI(profile: "p", property: "client_id"))
            return nil
        } catch {
            return error as? KeyringFailure
        }
    }

    @Test("no D-Bus address at all, or nothing listening there: unavailable, at once")
    func noBus() async throws {
        let none = await Self.failure(SecretServiceKeyring(environment: [:]))
        guard case .unavailable? = none else { Issue.record("\(String(describing: none))"); return }
        let nothing = await Self.failure(SecretServiceKeyring(environment: ["DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/bus"]))
        guard case .unavailable? = nothing else { Issue.record("\(String(describing: nothing))"); return }
        let abstract = await Self.failure(SecretServiceKeyring(environment: ["DBUS_SESSION_BUS_ADDRESS": "unix:abstract=/akr-none-\(UUID().uuidString)"]))
        guard case .unavailable? = abstract else { Issue.record("\(String(describing: abstract))"); return }
    }

    @Test("a bus that accepts and never answers times out within the bound")
    func silentBus() async throws {
        let silent = try SilentUnixSocket()
        let keyring = SecretServiceKeyring(environment: ["DBUS_SESSION_BUS_ADDRESS": "unix:path=\(silent.path)"], timeout: 0.5)
        let clock = ContinuousClock()
        let started = clock.now
        let failure = await Self.failure(keyring)
        let elapsed = clock.now - started
        #expect(failure == .timedOut(seconds: 0.5))
        #expect(elapsed >= .milliseconds(450))
        // No upper bound on the wall clock here: on a loaded 2-core run the test task itself
        // waited over 20 s for a thread. Without the timeout this call would never return
        // (the bus never answers), and `.timedOut` says it was the timeout that ended it;
        // the next test measures the deadline inside the blocking call.
        #expect(failure?.description.contains("did not answer within 0.5 s") == true)
        withExtendedLifetime(silent) {}
    }

    @Test("the connection itself gives up on a silent bus at its deadline (measured inside the blocking call)")
    func silentBusConnection() throws {
        let silent = try SilentUnixSocket()
        let started = DBusConnection.now()
        #expect(throws: DBusConnectionError.timedOut) {
            _ = try DBusConnection(address: .path(silent.path), uid: 0, timeout: 0.5)
        }
        let elapsed = DBusConnection.now() - started
        #expect(elapsed >= 0.45 && elapsed < 5, "took \(elapsed) s")
    }
}

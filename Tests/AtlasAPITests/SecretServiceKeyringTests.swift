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
        let harness = try KeyringHarness()
        defer { harness.stop() }
        try harness.store(service: "atlascli_test", account: "public_api_key", value: "abcdefgh")
        try harness.store(service: "atlascli_test", account: "private_api_key", value: "ffff-0000-é")
        let keyring = SecretServiceKeyring(environment: harness.environment)
        let publicKey = try await keyring.read(Self.item)
        #expect(publicKey?.withValue { $0 } == "abcdefgh")
        let privateKey = try await keyring.read(.atlasCLI(profile: "test", property: "private_api_key"))
        #expect(privateKey?.withValue { $0 } == "ffff-0000-é")
    }

    @Test("a missing item is nil, not an error; so is another profile's item", KeyringHarness.required)
    func missing() async throws {
        let harness = try KeyringHarness()
        defer { harness.stop() }
        try harness.store(service: "atlascli_other", account: "public_api_key", value: "x")
        let keyring = SecretServiceKeyring(environment: harness.environment)
        #expect(try await keyring.read(Self.item) == nil)
        #expect(try await keyring.read(.atlasCLI(profile: "other", property: "client_id")) == nil)
    }

    @Test("a locked collection is reported as locked, with what to do, and nothing is prompted", KeyringHarness.required)
    func locked() async throws {
        let harness = try KeyringHarness()
        defer { harness.stop() }
        try harness.store(service: "atlascli_test", account: "public_api_key", value: "abcdefgh")
        try harness.lockLoginCollection()
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
        let harness = try KeyringHarness()
        defer { harness.stop() }
        let keyring = SecretServiceKeyring(environment: harness.environment)
        let item = KeyringItemName.atlasCLI(profile: "test", property: "access_token")
        try await keyring.write(item, value: Secret("first"), label: "Password for 'access_token' on 'atlascli_test'")
        #expect(try harness.lookup(service: "atlascli_test", account: "access_token") == "first")
        try await keyring.write(item, value: Secret("second"), label: "Password for 'access_token' on 'atlascli_test'")
        #expect(try harness.lookup(service: "atlascli_test", account: "access_token") == "second")
        #expect(try await keyring.read(item)?.withValue { $0 } == "second")
    }

    @Test("a bus without a Secret Service counts as no keyring", KeyringHarness.required)
    func busWithoutSecretService() async throws {
        let harness = try KeyringHarness(keyring: false)
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
        #expect(elapsed < .seconds(3), "took \(elapsed)")
        #expect(failure?.description.contains("did not answer within 0.5 s") == true)
        withExtendedLifetime(silent) {}
    }
}

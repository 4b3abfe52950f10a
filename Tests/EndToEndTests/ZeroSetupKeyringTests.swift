import AtlasAPI
import AtlasSimulator
import Foundation
import Testing

/// Issue 11's acceptance, with the built binary: a v2 config.toml with no secrets in it
/// and the secrets in a real gnome-keyring over a real session D-Bus, stored as
/// go-keyring stores them for the Atlas CLI. `list`, `check` and the browser work with no
/// Atlas variable (the environment is HOME, PATH and the bus address), and no secret
/// shows up in any output or any file the runs wrote.
@Suite("Zero setup: the binary with secrets in gnome-keyring and no Atlas variables", .serialized)
struct ZeroSetupKeyringTests {
    enum StoredCredentials: String, CaseIterable, Sendable {
        case apiKey = "api_keys"
        case serviceAccount = "service_account"
    }

    @Test("keys or a service account in the keyring: list, check and the browser work",
          KeyringHarness.required, TmuxHarness.required, arguments: StoredCredentials.allCases)
    func secretsInKeyring(_ stored: StoredCredentials) async throws {
        try await ZeroSetupMachine.with(keyring: true) { machine in
            let credentials = machine.credentials
            let secret: String
            switch stored {
            case .apiKey:
                try await machine.storeInKeyring("public_api_key", credentials.publicKey)
                try await machine.storeInKeyring("private_api_key", credentials.privateKey)
                secret = credentials.privateKey
            case .serviceAccount:
                try await machine.storeInKeyring("client_id", credentials.clientID)
                try await machine.storeInKeyring("client_secret", credentials.clientSecret)
                secret = credentials.clientSecret
            }
            try machine.writeConfig(authType: stored.rawValue)
            let config = try String(contentsOf: machine.configFile, encoding: .utf8)
            #expect(!config.contains(secret) && !config.contains(credentials.publicKey) && !config.contains(credentials.clientID))

            try await machine.expectList()
            try await machine.expectCheck()
            try await machine.expectBrowser()

            // The simulator saw the credentials from the keyring, by the scheme they imply.
            let api = machine.simulator.requestLog.filter { $0.path.hasPrefix("/api/atlas/") && $0.authenticated }
            #expect(!api.isEmpty)
            switch stored {
            case .apiKey:
                #expect(api.allSatisfy { $0.authorizationScheme == "Digest" })
                #expect(machine.simulator.requestCount(.token) == 0)
            case .serviceAccount:
                #expect(api.allSatisfy { $0.authorizationScheme == "Bearer" })
                // One token per run (list, check, browser), from the service-account endpoint.
                #expect(machine.simulator.requestCount(.token) == 3)
            }
            #expect(machine.simulator.requestLog.allSatisfy { $0.status != 401 || $0.route == .challenge }, "no request was refused")

            #expect(!machine.writtenFiles.isEmpty, "the runs wrote their cache and history under HOME, and they were searched")
            #expect(machine.leaks(of: [secret]) == [])
            machine.expectSearchFindsWrittenData()
        }
    }

    @Test("the keys stored for another profile are not used: one line, exit 1, nothing sent", KeyringHarness.required)
    func keysOfAnotherProfile() async throws {
        try await ZeroSetupMachine.with(keyring: true) { machine in
            try await machine.storeInKeyring("public_api_key", machine.credentials.publicKey, profile: "work")
            try await machine.storeInKeyring("private_api_key", machine.credentials.privateKey, profile: "work")
            try machine.writeConfig(authType: "api_keys")
            let run = try await machine.run(["list", "--output", "json"])
            #expect(run.status == 1)
            #expect(run.stdout.isEmpty)
            #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
            #expect(run.stderr.contains("atlascli_default"), "names the service it looked in:\n\(run.stderr)")
            #expect(machine.simulator.requestLog.isEmpty)
            #expect(machine.leaks(of: [machine.credentials.privateKey]) == [])
        }
    }

    @Test("a browser login whose access token expired: one refresh, rotated tokens back in the keyring, no refresh after",
          KeyringHarness.required, TmuxHarness.required)
    func expiredBrowserLogin() async throws {
        try await ZeroSetupMachine.with(keyring: true) { machine in
            let simulator = machine.simulator
            let login = simulator.signInUser(accessTokenExpiresAt: machine.now.addingTimeInterval(-120))
            try await machine.storeInKeyring("access_token", login.accessToken)
            try await machine.storeInKeyring("refresh_token", login.refreshToken)
            try machine.writeConfig(authType: "user_account")
            let config = try Data(contentsOf: machine.configFile)

            // First run: the expired token is refreshed once and the rotated pair written back.
            try await machine.expectList()
            #expect(simulator.requestCount(.deviceToken) == 1)
            let access = try #require(try await machine.keyringValue("access_token"))
            let refresh = try #require(try await machine.keyringValue("refresh_token"))
            #expect(access != login.accessToken)
            #expect(refresh != login.refreshToken)
            #expect(simulator.acceptsRefreshToken(refresh), "the keyring holds the current refresh token")
            #expect(!simulator.acceptsRefreshToken(login.refreshToken), "the old one was used up")
            #expect(try Data(contentsOf: machine.configFile) == config, "config.toml is untouched: the tokens live in the keyring")
            // Replaced as go-keyring replaces them: still one item each, with its label.
            for property in ["access_token", "refresh_token"] {
                #expect(try await machine.keyringLabels(property) == ["Password for '\(property)' on 'atlascli_default'"])
            }

            // Later runs use the stored pair as it is.
            try await machine.expectCheck()
            try await machine.expectBrowser()
            #expect(simulator.requestCount(.deviceToken) == 1)
            #expect(try await machine.keyringValue("access_token") == access)
            #expect(try await machine.keyringValue("refresh_token") == refresh)
            let api = simulator.requestLog.filter { $0.path.hasPrefix("/api/atlas/") }
            #expect(!api.isEmpty && api.allSatisfy { $0.authorizationScheme == "Bearer" && $0.authenticated })

            #expect(!machine.writtenFiles.isEmpty)
            #expect(machine.leaks(of: [login.accessToken, login.refreshToken, access, refresh]) == [])
            machine.expectSearchFindsWrittenData()
        }
    }
}

import Foundation

/// Signs requests with a browser login's access token (`atlas auth login`,
/// `auth_type = "user_account"`), and refreshes it as the Atlas CLI does when its JWT `exp`
/// is past or less than a minute away.
///
/// A refresh rotates the refresh token: the old one stops working. So before refreshing it
/// checks that the new pair can be saved where the old one came from (the keyring items or
/// config.toml), and afterwards saves both; when either cannot be done the run stops with
/// one line saying to run `atlas auth login`, never leaving `atlas` with a dead refresh
/// token it does not know about. Concurrent requests share one refresh, a failed one is
/// not tried again in the same run, and a long run refreshes again when the new token nears its `exp`. Tokens are `Secret`s and never reach a message.
public actor UserAccountAuthorizer: RequestAuthorizer, CustomStringConvertible {
    /// Refresh this long before `exp`, so a token does not lapse between signing and arrival.
    static let refreshMargin: TimeInterval = 60

    private struct Current: Sendable {
        var accessToken: Secret
        var refreshToken: Secret
        /// 0 for the pair read at start, then one more per refresh.
        var serial: Int
        var context: String { "user-account-token-\(serial)" }
    }

    /// What the write-back will need, checked before the refresh.
    private enum SavePlan: Sendable {
        case configFile(path: String, snapshot: ConfigTokenWriteBack.Snapshot)
        case keyring(any Keyring, service: String)
    }

    private let login: UserAccountLogin
    private let endpoint: UserAccountTokenEndpoint
    private let transport: any HTTPTransport
    private let keyring: (any Keyring)?
    private let now: @Sendable () -> Date
    private var current: Current
    private var inFlight: Task<Current, any Error>?
    /// A refresh that failed: every later request fails the same way instead of trying again.
    private var failure: AtlasError?
    /// Set by a 401 on the pair read at start: Atlas stopped accepting it before its `exp`.
    private var refreshDemanded = false

    /// - Parameters:
    ///   - baseURL: the base URL the refresh goes to (`<base URL>/api/private/unauth/account/device/token`).
    ///   - transport: sends the refresh; the same transport as the API calls.
    ///   - keyring: where tokens from `.keyring` are written back; required for that store.
    ///   - now: the clock that judges `exp`; injected so tests can move time.
    public init(login: UserAccountLogin, baseURL: String, transport: any HTTPTransport, keyring: (any Keyring)?,
                now: @escaping @Sendable () -> Date = { Date() }) {
        var base = Substring(baseURL)
        while base.hasSuffix("/") { base = base.dropLast() }
        self.login = login
        self.endpoint = UserAccountTokenEndpoint(clientID: login.clientID, url: String(base) + UserAccountTokenEndpoint.path, timeout: .seconds(30))
        self.transport = transport
        self.keyring = keyring
        self.now = now
        self.current = Current(accessToken: login.accessToken, refreshToken: login.refreshToken, serial: 0)
    }

    public nonisolated var isServiceAccount: Bool { false }

    public nonisolated var description: String {
        "UserAccountAuthorizer(profile \(login.profile), tokens in \(login.store), hidden)"
    }

    /// How many refreshes this authorizer made (for tests and `--verbose`).
    public var refreshCount: Int { current.serial }

    /// The pair in use now, for tests that check what was written back.
    var tokens: (access: Secret, refresh: Secret) { (current.accessToken, current.refreshToken) }

    // MARK: RequestAuthorizer

    public func authorize(method: String, requestURI: String) async throws -> AuthorizationAttempt {
        if let failure { throw failure }
        if try refreshDemanded || needsRefresh(current.accessToken) {
            let fresh = try await sharedRefresh().value
            try Task.checkCancellation()
            return Self.attempt(fresh)
        }
        return Self.attempt(current)
    }

    /// A 401 on the pair read at start earns one refresh (Atlas may have stopped accepting
    /// it before its `exp`); a 401 on a pair this run refreshed means the login itself is
    /// refused, and another token would not help.
    public func shouldRetry(after response: HTTPResponse, attempt: AuthorizationAttempt) async throws -> Bool {
        if attempt.context != current.context { return true }  // refreshed meanwhile: try the new one
        if current.serial == 0 {
            refreshDemanded = true
            return true
        }
        throw AtlasError(kind: .unauthorized,
                         message: "Atlas refused the browser login of profile \"\(login.profile)\" (HTTP 401) with a just-refreshed access token; \(UserAccountTokenEndpoint.advice)",
                         status: response.status)
    }

    // MARK: Refresh

    private static func attempt(_ pair: Current) -> AuthorizationAttempt {
        AuthorizationAttempt(header: pair.accessToken.withValue { "Bearer \($0)" }, reusedState: pair.serial == 0, context: pair.context)
    }

    private func needsRefresh(_ token: Secret) throws -> Bool {
        do {
            return try AccessTokenExpiry.needsRefresh(token, now: now(), margin: Self.refreshMargin)
        } catch {
            // The CLI cannot use such a token either (atlas-cli-core `Token` fails on it).
            throw AtlasError.credentials("The browser login of profile \"\(login.profile)\" in \(login.store) is unusable: \(String(describing: error)); \(UserAccountTokenEndpoint.advice)")
        }
    }

    /// The refresh in flight, starting one if there is none (single flight).
    private func sharedRefresh() -> Task<Current, any Error> {
        if let inFlight { return inFlight }
        let task = Task { try await self.refresh() }
        inFlight = task
        return task
    }

    private func refresh() async throws -> Current {
        defer { inFlight = nil }
        do {
            let plan = try await planSave()
            let tokens = try await endpoint.refresh(current.refreshToken, with: transport)
            try await save(tokens, plan)
            current = Current(accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, serial: current.serial + 1)
            refreshDemanded = false
            return current
        } catch let error as AtlasError {
            failure = error
            throw error
        }
    }

    /// Checks, without writing, that refreshed tokens can be saved where these came from and
    /// that the store still holds the refresh token in use (else `atlas` refreshed meanwhile).
    private func planSave() async throws -> SavePlan {
        switch login.store {
        case .configFile(let path):
            let snapshot: ConfigTokenWriteBack.Snapshot
            do {
                snapshot = try ConfigTokenWriteBack.check(path, profile: login.profile)
            } catch {
                throw refusal(String(describing: error))
            }
            let stored = (try? AtlasCLIConfig.parse(snapshot.text, path: path))?.profiles[login.profile]?["refresh_token"]
            guard let stored, current.refreshToken.withValue({ $0 == stored }) else {
                throw refusal("\(path) no longer holds the refresh token atlas-certs started with (did `atlas` refresh it meanwhile?); run again, or run `atlas auth login`")
            }
            return .configFile(path: path, snapshot: snapshot)
        case .keyring(let service):
            guard let keyring else {
                throw refusal("the tokens are in the OS keyring (service \(service)), which atlas-certs cannot write here; run `atlas auth login`")
            }
            let item = KeyringItemName(service: service, account: "refresh_token")
            let stored: Secret?
            do {
                stored = try await keyring.read(item)
            } catch let failure as KeyringFailure {
                throw refusal("\(item) cannot be read back (\(Self.short(failure))); run `atlas auth login`")
            }
            guard stored == current.refreshToken else {
                throw refusal("\(item) no longer holds the refresh token atlas-certs started with (did `atlas` refresh it meanwhile?); run again, or run `atlas auth login`")
            }
            return .keyring(keyring, service: service)
        }
    }

    private func save(_ tokens: UserAccountTokenEndpoint.Tokens, _ plan: SavePlan) async throws {
        switch plan {
        case .configFile(let path, let snapshot):
            do {
                try ConfigTokenWriteBack.write(path, snapshot: snapshot, profile: login.profile,
                                               accessToken: tokens.accessToken, refreshToken: tokens.refreshToken)
            } catch {
                throw notSaved(String(describing: error))
            }
        case .keyring(let keyring, let service):
            // The refresh token last: a reader that sees it new also sees the new access token.
            for (account, value) in [("access_token", tokens.accessToken), ("refresh_token", tokens.refreshToken)] {
                let item = KeyringItemName(service: service, account: account)
                do {
                    // go-keyring's label for the items it creates.
                    try await keyring.write(item, value: value, label: "Password for '\(account)' on '\(service)'")
                } catch let failure as KeyringFailure {
                    throw notSaved("\(item) could not be written (\(Self.short(failure))); run `atlas auth login`")
                }
            }
        }
    }

    /// The one line for a refresh not attempted. `why` ends with what to do.
    private func refusal(_ why: String) -> AtlasError {
        AtlasError.credentials("The browser login of profile \"\(login.profile)\" needs a refresh and was not refreshed: \(why).")
    }

    /// The one line for a refresh whose new tokens were not saved.
    private func notSaved(_ why: String) -> AtlasError {
        AtlasError.credentials("The browser login of profile \"\(login.profile)\" was refreshed, but the new tokens could not be saved: \(why).")
    }

    private static func short(_ failure: KeyringFailure) -> String {
        switch failure {
        case .unavailable(let why): "no keyring is reachable: \(why)"
        case .locked(let which): "locked: \(which)"
        case .timedOut(let seconds): "no answer within \(seconds) s"
        case .failed(let why): why
        }
    }
}

import ArgumentParser
import AtlasAPI
import Foundation

/// One configured connection to Atlas for a command: credentials resolved, client built,
/// transport to shut down at the end.
struct Session {
    let client: AtlasClient
    let transport: AsyncHTTPClientTransport
    let defaultProjectID: String?
    let defaultOrganizationID: String?
    /// Whose data a metadata cache would hold: base URL, key or client ID (never the
    /// secret), profile.
    let cacheIdentity: CacheIdentity

    /// Resolves credentials in the Atlas CLI's order (the OS keyring included) and builds the client.
    static func open(_ options: GlobalOptions, environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> Session {
        let profile = try await CredentialResolver.system(environment: environment)
            .resolve(profile: options.profile, keyring: SystemKeyring.current(environment: environment))
        for warning in profile.warnings { Console.err("atlas-certs: warning: \(warning)") }
        guard let credentials = profile.credentials else {
            throw AtlasError(kind: .credentials, message: "No Atlas credentials found (\(profile.source)). Set MONGODB_ATLAS_PUBLIC_API_KEY and MONGODB_ATLAS_PRIVATE_API_KEY, or run 'atlas auth login' / 'atlas config init'.")
        }
        let baseURL = options.baseURL ?? profile.baseURL ?? AtlasClientConfiguration.defaultBaseURL
        if options.verbose {
            Console.err("atlas-certs: credentials: \(credentials.redactedSummary) from \(profile.source)")
            // Where each credential and setting came from (names only, never a value), on one
            // line under the same prefix, so scripts that skip the verbose lines still can.
            if !profile.origins.isEmpty {
                Console.err("atlas-certs: credentials: " + TerminalSafe.sanitize(profile.origins.map(\.description).joined(separator: "; ")))
            }
            Console.err("atlas-certs: base URL \(TerminalSafe.sanitize(baseURL)), API \(options.resolvedAPIVersion.rawValue)")
        }
        return try open(baseURL: baseURL, credentials: credentials, options: options,
                        defaultProjectID: profile.projectID, defaultOrganizationID: profile.orgID, environment: environment)
    }

    /// Builds a session for known credentials (the demo uses this with the simulator's).
    static func open(baseURL: String, credentials: Credentials, options: GlobalOptions, defaultProjectID: String? = nil,
                     defaultOrganizationID: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Session {
        let configuration = AtlasClientConfiguration(
            baseURL: baseURL, apiVersion: options.resolvedAPIVersion,
            requestTimeout: .milliseconds(Int64(options.timeout * 1000)))
        // Plain HTTP only to loopback: elsewhere keys, tokens and new private keys would
        // cross the network in clear.
        try configuration.validate()
        let transport = try AsyncHTTPClientTransport(baseURL: configuration.baseURL, environment: environment)
        let authorizer: any RequestAuthorizer
        switch credentials {
        case .apiKey(let publicKey, let privateKey):
            authorizer = DigestAuthorizer(publicKey: publicKey, privateKey: privateKey)
        case .serviceAccount(let clientID, let clientSecret):
            authorizer = ServiceAccountAuthorizer(clientID: clientID, clientSecret: clientSecret,
                                                  tokenURL: configuration.baseURL + "/api/oauth/token", transport: transport)
        case .userAccount(let login):
            // Refreshed tokens go back where they came from, so `atlas` stays signed in too.
            authorizer = UserAccountAuthorizer(login: login, baseURL: configuration.baseURL, transport: transport,
                                               keyring: SystemKeyring.current(environment: environment))
        }
        let logger: (@Sendable (ClientEvent) -> Void)? = options.verbose ? { @Sendable event in Session.log(event) } : nil
        let client = AtlasClient(configuration: configuration, transport: transport, authorizer: authorizer, events: logger)
        let identity = CacheIdentity(baseURL: configuration.baseURL, credentialIdentifier: credentials.cacheIdentifier,
                                     profile: options.profile)
        return Session(client: client, transport: transport, defaultProjectID: defaultProjectID,
                       defaultOrganizationID: defaultOrganizationID, cacheIdentity: identity)
    }

    static func log(_ event: ClientEvent) {
        switch event {
        case .requestSent(let method, let path):
            Console.err("atlas-certs: → \(method) \(TerminalSafe.sanitize(path))")
        case .responseReceived(let method, let path, let status):
            Console.err("atlas-certs: ← \(status) \(method) \(TerminalSafe.sanitize(path))")
        case .retrying(let path, let reason, let attempt, let delay):
            Console.err("atlas-certs: retrying \(TerminalSafe.sanitize(path)) after \(TerminalSafe.sanitize(reason)) (attempt \(attempt), waiting \(delay))")
        case .rateLimited(let path, let wait):
            Console.err("atlas-certs: rate-limited on \(TerminalSafe.sanitize(path)); all requests wait \(wait)")
        case .duplicateCertificates(let path, let count):
            Console.err("atlas-certs: \(TerminalSafe.sanitize(path)) listed \(count) certificate \(count == 1 ? "ID" : "IDs") twice; kept the copy that expires soonest")
        case .rateLimitRemaining, .requestFailed:
            break
        }
    }

    /// Runs `body` with a session, shutting its transport down whichever way `body` ends.
    /// A failure to open the session or in `body` goes to `onFailure`, which says it and
    /// gives the exit status: by default one line on stderr and status 1 (`check` instead
    /// prints its UNKNOWN line on stdout and exits 3). An `ExitCode` thrown by `body` passes
    /// through unchanged.
    static func run<Value>(_ options: GlobalOptions, onFailure: (any Error) -> ExitCode = Session.failure,
                           _ body: (Session) async throws -> Value) async throws -> Value {
        let session: Session
        do {
            session = try await open(options)
        } catch {
            throw onFailure(error)
        }
        do {
            let value = try await body(session)
            await session.transport.shutdown()
            return value
        } catch {
            await session.transport.shutdown()
            if let exit = error as? ExitCode { throw exit }
            throw onFailure(error)
        }
    }

    /// The usual way a command fails: `atlas-certs: <one line>` on stderr, exit status 1.
    static func failure(_ error: any Error) -> ExitCode {
        Console.err("atlas-certs: \(Console.message(for: error))")
        return ExitCode(1)
    }
}

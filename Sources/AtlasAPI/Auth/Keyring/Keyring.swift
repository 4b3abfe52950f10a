/// One item of the OS keyring as the Atlas CLI stores it through zalando/go-keyring:
/// service `atlascli_<profile>`, account = the property name, password = the value.
public struct KeyringItemName: Sendable, Hashable, CustomStringConvertible {
    public let service: String
    public let account: String

    public init(service: String, account: String) {
        self.service = service
        self.account = account
    }

    /// The item the Atlas CLI (atlas-cli-core) uses for `property` of `profile`.
    public static func atlasCLI(profile: String, property: String) -> KeyringItemName {
        KeyringItemName(service: "atlascli_\(profile)", account: property)
    }

    public var description: String { "keyring item \(service)/\(account)" }
}

/// Why a keyring could not answer; each case reads as one line saying which and what to do.
public enum KeyringFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// No keyring service at all (no session D-Bus, no `security`): not an error for callers
    /// that fall back to the environment.
    case unavailable(String)
    /// The keyring exists but is locked.
    case locked(String)
    /// The keyring did not answer within the time allowed.
    case timedOut(seconds: Double)
    /// Any other failure, described without a secret.
    case failed(String)

    public var description: String {
        switch self {
        case .unavailable(let why): "The OS keyring is not available (\(why)); set the credentials in the environment instead."
        case .locked(let which): "The OS keyring is locked (\(which)): unlock it (e.g. log in to the desktop) or set the environment variables."
        case .timedOut(let seconds): "The OS keyring did not answer within \(seconds) s; check the keyring daemon, or set the credentials in the environment instead."
        case .failed(let why): "The OS keyring failed: \(why)."
        }
    }
}

/// Reads and writes one keyring item by service and account. `read` returns nil when the
/// item does not exist; it throws `KeyringFailure` when the keyring cannot be asked.
/// The browser-login code writes refreshed tokens back through `write`.
public protocol Keyring: Sendable {
    func read(_ item: KeyringItemName) async throws -> Secret?
    func write(_ item: KeyringItemName, value: Secret, label: String) async throws
}

/// The keyring the Atlas CLI uses on this platform: the macOS Keychain through
/// `/usr/bin/security`, elsewhere the freedesktop Secret Service on the session D-Bus.
public enum SystemKeyring {
    public static func current(environment: [String: String]) -> any Keyring {
        #if os(macOS)
        MacKeychain()
        #else
        SecretServiceKeyring(environment: environment)
        #endif
    }
}

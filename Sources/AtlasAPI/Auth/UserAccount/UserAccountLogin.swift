/// A browser login (`atlas auth login`, `auth_type = "user_account"`): the two tokens and
/// where the Atlas CLI keeps them, so that refreshed ones go back to the same place and
/// `atlas` stays signed in too. Safe to print: the tokens are `Secret`s.
public struct UserAccountLogin: Sendable, Equatable {
    /// Where the tokens were read from, and so where refreshed ones are written.
    public enum TokenStore: Sendable, Equatable, CustomStringConvertible {
        /// The profile's table in config.toml (config version 1).
        case configFile(path: String)
        /// The OS keyring, service `atlascli_<profile>`, accounts `access_token` and `refresh_token`.
        case keyring(service: String)

        public var description: String {
            switch self {
            case .configFile(let path): "the config file \(path)"
            case .keyring(let service): "the OS keyring (service \(service))"
            }
        }
    }

    /// The Atlas CLI profile the tokens belong to.
    public var profile: String
    public var accessToken: Secret
    public var refreshToken: Secret
    public var store: TokenStore
    /// The OAuth client the tokens were issued to: atlas-cli-core `transport/oauth.go`
    /// `ClientID`, or `GovClientID` for Atlas for Government.
    public var clientID: String

    /// The Atlas CLI's public OAuth client (atlas-cli-core `transport/oauth.go`).
    public static let cliClientID = "0oabtxactgS3gHIR0297"
    /// The same for Atlas for Government (`service = cloudgov`).
    public static let cliGovClientID = "0oabtyfelbTBdoucy297"

    public init(profile: String, accessToken: Secret, refreshToken: Secret, store: TokenStore,
                clientID: String = UserAccountLogin.cliClientID) {
        self.profile = profile
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.store = store
        self.clientID = clientID
    }
}

/// Credentials for the Atlas Administration API.
public enum Credentials: Sendable, Equatable {
    /// A programmatic API key: public key as Digest username, private key as password.
    case apiKey(publicKey: String, privateKey: Secret)
    /// A service account: OAuth 2.0 client credentials.
    case serviceAccount(clientID: String, clientSecret: Secret)
    /// A browser login (`atlas auth login`): Bearer access token, refreshed and written back.
    case userAccount(UserAccountLogin)

    /// A description safe to print: the kind and the public part only.
    public var redactedSummary: String {
        switch self {
        case .apiKey(let publicKey, _): "API key \(publicKey) (private key hidden)"
        case .serviceAccount(let clientID, _): "service account \(clientID) (secret hidden)"
        case .userAccount(let login): "browser login of profile \(login.profile) (tokens hidden)"
        }
    }
}

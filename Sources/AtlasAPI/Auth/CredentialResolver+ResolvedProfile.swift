/// What `CredentialResolver` found: the credentials and settings to use, where they came
/// from, and what the user should know about them.
///
/// Safe to print, dump or log: the secrets inside `credentials` are `Secret`s, and
/// `source` and `warnings` name variables, files and profiles, never values.
public struct ResolvedProfile: Sendable, Equatable {
    public var credentials: Credentials?
    public var orgID: String?
    public var projectID: String?
    /// A base URL other than the commercial `https://cloud.mongodb.com`, or nil for that one.
    public var baseURL: String?
    /// Where the credentials came from, e.g.
    /// `environment: MONGODB_ATLAS_PUBLIC_API_KEY, MONGODB_ATLAS_PRIVATE_API_KEY` or
    /// `profile "default" in /home/u/.config/atlascli/config.toml`; shown by `--verbose`.
    public var source: String
    /// One line each, e.g. a config file other users can read, or ignored variables.
    public var warnings: [String]
    /// Where each credential and setting came from, for `--verbose`; never a value.
    public var origins: [SettingOrigin]

    public init(credentials: Credentials?, orgID: String? = nil, projectID: String? = nil, baseURL: String? = nil,
                source: String, warnings: [String] = [], origins: [SettingOrigin] = []) {
        self.credentials = credentials
        self.orgID = orgID
        self.projectID = projectID
        self.baseURL = baseURL
        self.source = source
        self.warnings = warnings
        self.origins = origins
    }
}

/// Where one credential or setting was found: a variable, the config file, or the OS
/// keyring. Names only, so it is safe to print.
public struct SettingOrigin: Sendable, Equatable, CustomStringConvertible {
    public enum Place: Sendable, Equatable {
        case environment(variable: String)
        case configFile(path: String, profile: String)
        case keyring(service: String)
    }

    /// The CLI's property name: `public_api_key`, `org_id`, `ops_manager_url`, …
    public var property: String
    public var place: Place

    public init(property: String, place: Place) {
        self.property = property
        self.place = place
    }

    /// `public_api_key from the OS keyring (service atlascli_default)`.
    public var description: String {
        switch place {
        case .environment(let variable): "\(property) from the environment (\(variable))"
        case .configFile(let path, let profile): "\(property) from the config file \(path) (profile \"\(profile)\")"
        case .keyring(let service): "\(property) from the OS keyring (service \(service), account \(property))"
        }
    }
}

extension CredentialResolver {
    /// The Atlas CLI's `auth_type` values.
    enum AuthType: String, CaseIterable {
        case apiKeys = "api_keys"
        case serviceAccount = "service_account"
        case userAccount = "user_account"

        static var validValues: String { allCases.map(\.rawValue).joined(separator: ", ") }
    }

    /// One half of a key pair (public key and private key, client ID and secret), named
    /// as the user wrote it: a variable, or a property of a profile.
    struct Field {
        var name: String
        var value: String?
    }

    /// The state of a key pair.
    enum Pair {
        case complete(String, String)
        case half(present: String, missing: String)
        case absent

        /// Empty strings count as unset: `export MONGODB_ATLAS_CLIENT_ID=` clears a variable.
        init(_ first: Field, _ second: Field) {
            switch (first.value.flatMap { $0.isEmpty ? nil : $0 }, second.value.flatMap { $0.isEmpty ? nil : $0 }) {
            case let (one?, two?): self = .complete(one, two)
            case (.some, nil): self = .half(present: first.name, missing: second.name)
            case (nil, .some): self = .half(present: second.name, missing: first.name)
            case (nil, nil): self = .absent
            }
        }

        var isComplete: Bool {
            if case .complete = self { return true }
            return false
        }
    }
}

import TOMLKit

/// The Atlas CLI's `config.toml`, read into plain values.
///
/// Layout (atlas-cli-core `config`): top-level keys are global settings, each table is a
/// profile. Only string values matter here; TOMLKit's types stay inside `parse` so the
/// rest of the resolver is plain, `Sendable` Swift.
struct AtlasCLIConfig: Sendable, Equatable {
    /// Base URL of Atlas for Government (`service = "cloudgov"`).
    static let cloudGovBaseURL = "https://cloud.mongodbgov.com"

    var path: String
    /// Top-level string settings (`profile`, `service`, `mongosh_path`, …).
    var globals: [String: String]
    /// Profile name → property → string value.
    var profiles: [String: [String: String]]

    var profileNames: [String] { profiles.keys.sorted() }

    /// Where the CLI keeps the file: Go's `os.UserConfigDir()` + `/atlascli/config.toml`.
    static func path(environment: [String: String], homeDirectory: String, platform: CredentialResolver.Platform) -> String {
        let home = homeDirectory.hasSuffix("/") ? String(homeDirectory.dropLast()) : homeDirectory
        switch platform {
        case .macOS:
            return home + "/Library/Application Support/atlascli/config.toml"
        case .linux:
            // Go ignores a relative XDG_CONFIG_HOME (it returns an error); the CLI then has no
            // config directory, and ~/.config is the only place one could be.
            if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
                return (xdg.hasSuffix("/") ? String(xdg.dropLast()) : xdg) + "/atlascli/config.toml"
            }
            return home + "/.config/atlascli/config.toml"
        }
    }

    /// Parses the file's text. A syntax error names the path and position, never the text,
    /// because the text may hold keys.
    static func parse(_ text: String, path: String) throws -> AtlasCLIConfig {
        let table: TOMLTable
        do {
            table = try TOMLReading.table(text)
        } catch let position as TOMLReading.SyntaxError {
            throw AtlasError(kind: .credentials,
                             message: "The Atlas CLI config file \(path) is not valid TOML (line \(position.line), column \(position.column)); fix it, or set the credentials in environment variables.")
        } catch {
            throw AtlasError(kind: .credentials, message: "The Atlas CLI config file \(path) could not be parsed as TOML.")
        }
        var globals: [String: String] = [:]
        var profiles: [String: [String: String]] = [:]
        for (key, value) in table {
            if let profile = value.table {
                var properties: [String: String] = [:]
                for (property, propertyValue) in profile {
                    if let string = propertyValue.string {
                        properties[property] = string
                    } else if stringProperties.contains(property) {
                        // Said here, naming the key and never the value: left out, a number
                        // or a boolean in place of a key read as "not in the file", which
                        // blamed the keyring.
                        throw AtlasError(kind: .credentials,
                                         message: "In the Atlas CLI config file \(path), \(property) of profile \(TerminalSafe.sanitize(key, maxCharacters: 60)) is a \(typeName(propertyValue)), not a string; quote it (\(property) = \"...\"), or set the credentials in environment variables.")
                    }
                }
                profiles[key] = properties
            } else if let string = value.string {
                globals[key] = string
            }
        }
        return AtlasCLIConfig(path: path, globals: globals, profiles: profiles)
    }

    /// The properties atlas-certs reads, all strings in the CLI's file.
    static let stringProperties: Set<String> = [
        "public_api_key", "private_api_key", "client_id", "client_secret", "access_token", "refresh_token",
        "auth_type", "org_id", "project_id", "ops_manager_url", "base_url", "service", "output",
    ]

    /// A TOML value's type as the TOML spec names it, for messages.
    static func typeName(_ value: TOMLValueConvertible) -> String {
        if value.table != nil { return "table" }
        if value.array != nil { return "array" }
        if value.bool != nil { return "boolean" }
        if value.int != nil { return "integer" }
        if value.double != nil { return "float" }
        return "non-string value"
    }

    /// The profile called `name`; the CLI stores names lower-cased, so `Dev` finds `dev`.
    func profileName(matching name: String) -> String? {
        if profiles[name] != nil { return name }
        let lowered = name.lowercased()
        return profiles[lowered] != nil ? lowered : nil
    }

    /// How the CLI picks a profile without `--profile` (mongodb-atlas-cli `InitProfile`):
    /// the `profile` setting, which viper reads from `MONGODB_ATLAS_PROFILE` before the
    /// file's top-level key, else the only profile, else `default`.
    func implicitProfile(environmentVariable: (name: String, value: String)? = nil) -> (name: String, reason: String) {
        if let variable = environmentVariable, !variable.value.isEmpty {
            return (variable.value, variable.name)
        }
        if let chosen = globals["profile"], !chosen.isEmpty {
            return (chosen, "the top-level profile setting")
        }
        if profiles.count == 1, let only = profiles.keys.first {
            return (only, "the only profile")
        }
        return ("default", "the default profile")
    }

    /// `profile "x" in /path`, used in sources and messages.
    func describe(profile name: String) -> String {
        "profile \"\(name)\" in \(path)"
    }

    /// "profiles there: a, b" or "it has no profiles".
    var profileListing: String {
        profileNames.isEmpty ? "it has no profiles" : "profiles there: " + profileNames.joined(separator: ", ")
    }
}

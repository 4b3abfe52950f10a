import Foundation

/// The Atlas CLI's plugin manifest and its validation, written from mongodb-atlas-cli
/// `internal/plugin/plugin_manifest.go` (`Manifest.IsValid`, `getPathToExecutableBinary`,
/// `HasDuplicateCommand`) so that our `manifest.yml` is checked by the rules the CLI applies
/// when it loads a plugin folder. The error texts are the CLI's.
struct PluginManifest: Equatable {
    struct Command: Equatable {
        var description: String?
        var aliases: [String] = []
    }

    var name: String?
    var description: String?
    var binary: String?
    var version: String?
    var github: (owner: String?, name: String?)?
    /// nil when the key is absent (the CLI's "value \"commands\" is not defined").
    var commands: [String: Command]?

    static func == (a: PluginManifest, b: PluginManifest) -> Bool {
        a.name == b.name && a.description == b.description && a.binary == b.binary && a.version == b.version
            && a.github?.owner == b.github?.owner && a.github?.name == b.github?.name && a.commands == b.commands
    }

    /// Reads a manifest from YAML text (see `ManifestYAML` for the subset understood).
    init(yaml text: String) throws {
        let root = try ManifestYAML.parse(text)
        name = try root.scalar("name")
        description = try root.scalar("description")
        binary = try root.scalar("binary")
        version = try root.scalar("version")
        if let table = try root.mapping("github") {
            github = (try table.scalar("owner"), try table.scalar("name"))
        }
        if let table = try root.mapping("commands") {
            var commands: [String: Command] = [:]
            for (name, value) in table.entries {
                guard case .mapping(let command) = value else { throw ManifestYAML.Failure("command \(name) is not a mapping") }
                commands[name] = Command(description: try command.scalar("description"), aliases: try command.list("aliases") ?? [])
            }
            self.commands = commands
        }
    }

    /// `Manifest.IsValid`: the required fields, a semantic version, a complete `github`, at
    /// least one command and a description for each.
    func fieldErrors() -> [String] {
        var errors: [String] = []
        func notDefined(_ field: String) -> String { "value \"\(field)\" is not defined" }
        if (name ?? "").isEmpty { errors.append(notDefined("name")) }
        if (description ?? "").isEmpty { errors.append(notDefined("description")) }
        if (binary ?? "").isEmpty { errors.append(notDefined("binary")) }
        if let version, !version.isEmpty {
            if !Self.isSemanticVersion(version) { errors.append("value in field \"version\" is not a valid semantic version") }
        } else {
            errors.append(notDefined("version"))
        }
        if let github {
            if (github.owner ?? "").isEmpty { errors.append(notDefined("github owner")) }
            if (github.name ?? "").isEmpty { errors.append(notDefined("github name")) }
        }
        switch commands {
        case nil: errors.append(notDefined("commands"))
        case let commands? where commands.isEmpty: errors.append("the plugin needs to contain at least one command")
        case let commands?:
            for (command, value) in commands.sorted(by: { $0.key < $1.key }) where (value.description ?? "").isEmpty {
                errors.append("value \"description\" in command \"\(command)\" is not defined")
            }
        }
        return errors
    }

    /// Everything the CLI checks before it offers the plugin's commands: `fieldErrors()`,
    /// the binary in the plugin folder (`getPathToExecutableBinary`; the CLI adds the execute
    /// bits itself, so only existence is required), and no command or alias that is already
    /// a command of the CLI (`HasDuplicateCommand` against `builtInCommands`).
    func errors(pluginDirectory: URL, builtInCommands: Set<String> = AtlasCLICommands.reserved) -> [String] {
        var errors = fieldErrors()
        if let binary, !binary.isEmpty {
            let path = pluginDirectory.appendingPathComponent(binary).path
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) || isDirectory.boolValue {
                errors.append("binary \"\(path)\" does not exists")
            }
        }
        for (command, value) in (commands ?? [:]).sorted(by: { $0.key < $1.key }) {
            for name in [command] + value.aliases where builtInCommands.contains(name) {
                errors.append("command \"\(name)\" already exists in the AtlasCLI")
            }
        }
        return errors
    }

    /// Masterminds/semver v3 `NewVersion`: its `semVerRegex`, which also accepts `v1`, `1.2`
    /// and a leading `v`, at most 256 bytes.
    static func isSemanticVersion(_ text: String) -> Bool {
        let number = "(0|[1-9][0-9]*)"
        let identifier = "(0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)"
        let pattern = "^v?\(number)(\\.\(number))?(\\.\(number))?(-\(identifier)(\\.\(identifier))*)?(\\+[0-9a-zA-Z-]+(\\.[0-9a-zA-Z-]+)*)?$"
        return text.utf8.count <= 256 && text.range(of: pattern, options: .regularExpression) != nil
    }
}

/// The names the Atlas CLI already uses at its top level, which a plugin command or alias
/// must not take. From mongodb-atlas-cli `internal/cli/root/builder.go` (every command added
/// to the root, with the aliases `cli.GenerateAliases` gives it: lower-case, dashed and
/// singular forms plus the listed extras), `plugin` (added by `getUniqueManifests`), the
/// first-class plugins' commands (`internal/cli/plugin/first_class.go`: `kubernetes`,
/// `local`) and cobra's own `help` and `completion`.
enum AtlasCLICommands {
    static let reserved: Set<String> = [
        "config", "auth", "setup", "quickstart", "projects", "project", "organizations", "organization", "orgs", "org",
        "users", "user", "teams", "team", "clusters", "cluster", "dbusers", "dbuser",
        "customDbRoles", "customdbroles", "custom-db-roles", "customDbRole", "customdbrole", "custom-db-role", "customDBRoles",
        "accessLists", "accesslists", "access-lists", "accessList", "accesslist", "access-list", "whitelists", "whitelist",
        "dataLakes", "datalakes", "data-lakes", "dataLake", "datalake", "data-lake", "alerts", "alert", "backups", "backup",
        "events", "event", "metrics", "metric", "measurements", "measurement",
        "performanceAdvisor", "performanceadvisor", "performance-advisor", "logs", "log", "processes", "process",
        "privateEndpoints", "privateendpoints", "private-endpoints", "privateEndpoint", "privateendpoint", "private-endpoint",
        "networking", "security", "integrations", "integration",
        "maintenanceWindows", "maintenancewindows", "maintenance-windows", "maintenanceWindow", "maintenancewindow", "maintenance-window",
        "customDns", "customdns", "custom-dns", "cloudProviders", "cloudproviders", "cloud-providers", "cloudProvider", "cloudprovider",
        "cloud-provider", "streams", "stream", "liveMigrations", "livemigrations", "live-migrations", "liveMigration", "livemigration",
        "live-migration", "lm", "accessLogs", "accesslogs", "access-logs", "accessLog", "accesslog", "access-log",
        "login", "logout", "whoami", "register", "dataFederation", "datafederation", "data-federation", "auditing",
        "deployments", "deployment", "federatedAuthentication", "federatedauthentication", "federated-authentication", "api",
        "plugin", "plugins", "kubernetes", "local", "help", "completion",
    ]
}

/// A strict reader for the YAML subset a plugin manifest needs: block mappings by
/// indentation, plain or quoted scalars, `# comments`, `{}`, and lists as `[a, b]` or
/// `- item` lines; `key:` with nothing under it is null. Anything else (anchors, multi-line scalars, tabs) is an error rather than a guess,
/// so the test cannot pass on a file the CLI's yaml.v3 would read differently.
enum ManifestYAML {
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    indirect enum Node {
        case scalar(String)
        case list([String])
        case mapping(Mapping)
    }

    struct Mapping {
        var entries: [(String, Node)] = []

        func value(_ key: String) -> Node? { entries.first { $0.0 == key }?.1 }

        func scalar(_ key: String) throws -> String? {
            switch value(key) {
            case nil: return nil
            case .scalar(let text)?: return text
            default: throw Failure("\(key) is not a scalar")
            }
        }

        func mapping(_ key: String) throws -> Mapping? {
            switch value(key) {
            case nil: return nil
            case .mapping(let table)?: return table
            case .scalar("")?: return nil  // `key:` alone is null: yaml.v3 leaves the map nil
            default: throw Failure("\(key) is not a mapping")
            }
        }

        func list(_ key: String) throws -> [String]? {
            switch value(key) {
            case nil: return nil
            case .list(let items)?: return items
            default: throw Failure("\(key) is not a list")
            }
        }
    }

    private struct Line {
        var indent: Int
        var text: String
    }

    static func parse(_ text: String) throws -> Mapping {
        var lines: [Line] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard !raw.contains("\t") else { throw Failure("tab in \(raw)") }
            let content = stripComment(String(raw))
            let trimmed = content.drop { $0 == " " }
            if trimmed.isEmpty { continue }
            lines.append(Line(indent: content.count - trimmed.count, text: trimmed.trimmingCharacters(in: .whitespaces)))
        }
        var index = 0
        let root = try mapping(lines, &index, indent: 0)
        guard index == lines.count else { throw Failure("unexpected indentation at \(lines[index].text)") }
        return root
    }

    private static func mapping(_ lines: [Line], _ index: inout Int, indent: Int) throws -> Mapping {
        var result = Mapping()
        while index < lines.count, lines[index].indent == indent {
            let line = lines[index]
            guard let colon = keyColon(line.text) else { throw Failure("not a key: \(line.text)") }
            let key = try scalar(String(line.text[..<colon]))
            guard !result.entries.contains(where: { $0.0 == key }) else { throw Failure("duplicate key \(key)") }
            let rest = line.text[line.text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            index += 1
            if !rest.isEmpty {
                if rest == "{}" {
                    result.entries.append((key, .mapping(Mapping())))
                } else {
                    result.entries.append((key, rest.hasPrefix("[") ? .list(try flowList(rest)) : .scalar(try scalar(rest))))
                }
            } else if index < lines.count, lines[index].indent > indent {
                if lines[index].text.hasPrefix("- ") {
                    var items: [String] = []
                    let itemIndent = lines[index].indent
                    while index < lines.count, lines[index].indent == itemIndent, lines[index].text.hasPrefix("- ") {
                        items.append(try scalar(String(lines[index].text.dropFirst(2))))
                        index += 1
                    }
                    result.entries.append((key, .list(items)))
                } else {
                    result.entries.append((key, .mapping(try mapping(lines, &index, indent: lines[index].indent))))
                }
            } else {
                result.entries.append((key, .scalar("")))
            }
        }
        if index < lines.count, lines[index].indent > indent { throw Failure("unexpected indentation at \(lines[index].text)") }
        return result
    }

    /// The colon that ends a key: the first `:` followed by a space or the line's end, outside quotes.
    private static func keyColon(_ text: String) -> String.Index? {
        var quote: Character?
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if let q = quote { if c == q { quote = nil } } else if c == "\"" || c == "'" { quote = c } else if c == ":" {
                let next = text.index(after: i)
                if next == text.endIndex || text[next] == " " { return i }
            }
            i = text.index(after: i)
        }
        return nil
    }

    private static func stripComment(_ line: String) -> String {
        var quote: Character?
        var previous: Character = " "
        for (offset, c) in line.enumerated() {
            if let q = quote { if c == q { quote = nil } } else if c == "\"" || c == "'" { quote = c } else if c == "#", previous == " " {
                return String(line.prefix(offset))
            }
            previous = c
        }
        return line
    }

    private static func flowList(_ text: String) throws -> [String] {
        guard text.hasSuffix("]") else { throw Failure("unterminated list \(text)") }
        let inner = text.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
        if inner.isEmpty { return [] }
        return try inner.split(separator: ",").map { try scalar($0.trimmingCharacters(in: .whitespaces)) }
    }

    private static func scalar(_ text: String) throws -> String {
        let text = text.trimmingCharacters(in: .whitespaces)
        if text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first {
            let inner = String(text.dropFirst().dropLast())
            if first == "\"" && inner.contains("\\") { throw Failure("escapes are not supported: \(text)") }
            return first == "'" ? inner.replacingOccurrences(of: "''", with: "'") : inner
        }
        if let first = text.first, "\"'&*!|>%@`{[".contains(first) { throw Failure("unsupported scalar \(text)") }
        if text.contains(": ") { throw Failure("a plain scalar with ': ' is not valid YAML: \(text)") }
        return text
    }
}

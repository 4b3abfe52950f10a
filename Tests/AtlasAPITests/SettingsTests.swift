import AtlasAPI
import Testing

@Suite("atlas-certs settings file and expiry thresholds")
struct SettingsTests {
    static let day = 86_400.0

    @Test("thresholds come from flags, else the file, else 30d/7d")
    func precedence() throws {
        let file = try AtlasCertsSettings.parse("[thresholds]\nwarning = \"45d\"\ncritical = \"10d\"\n", path: "/h/.config/atlas-certs/config.toml")
        #expect(try ExpiryPolicy.resolve(warningFlag: nil, criticalFlag: nil, settings: AtlasCertsSettings()) == .default)
        #expect(try ExpiryPolicy.resolve(warningFlag: nil, criticalFlag: nil, settings: file) == ExpiryPolicy(warning: 45 * Self.day, critical: 10 * Self.day))
        #expect(try ExpiryPolicy.resolve(warningFlag: "60d", criticalFlag: nil, settings: file) == ExpiryPolicy(warning: 60 * Self.day, critical: 10 * Self.day))
        #expect(try ExpiryPolicy.resolve(warningFlag: "2w", criticalFlag: "72h", settings: file) == ExpiryPolicy(warning: 14 * Self.day, critical: 3 * Self.day))
    }

    @Test("bad values name where they came from")
    func badValues() throws {
        let file = try AtlasCertsSettings.parse("[thresholds]\nwarning = \"soon\"\n", path: "/cfg.toml")
        let fromFile = #expect(throws: AtlasError.self) { try ExpiryPolicy.resolve(warningFlag: nil, criticalFlag: nil, settings: file) }
        #expect(fromFile?.message.contains("/cfg.toml") == true)
        let inverted = #expect(throws: AtlasError.self) { try ExpiryPolicy.resolve(warningFlag: "5d", criticalFlag: "7d", settings: AtlasCertsSettings()) }
        #expect(inverted?.message.contains("must not be longer") == true)
    }

    @Test("unknown keys are ignored; malformed TOML is a one-line error with the path")
    func parsing() throws {
        let settings = try AtlasCertsSettings.parse("future = 1\n[thresholds]\ncritical = \"5d\"\n[other]\nx = \"y\"\n", path: "/c.toml")
        #expect(settings.critical == "5d" && settings.warning == nil)
        let error = #expect(throws: AtlasError.self) { try AtlasCertsSettings.parse("[thresholds\nwarning = ", path: "/c.toml") }
        #expect(error?.message.contains("/c.toml") == true)
        #expect(error?.message.contains("\n") == false)
    }

    @Test("a bare number is days, as on the command line; another type is an error, not ignored")
    func numbersAndWrongTypes() throws {
        let numbers = try AtlasCertsSettings.parse("[thresholds]\nwarning = 45\ncritical = 10\n", path: "/c.toml")
        let policy = try ExpiryPolicy.resolve(warningFlag: nil, criticalFlag: nil, settings: numbers)
        #expect(policy.warning == 45 * 86_400 && policy.critical == 10 * 86_400)
        let error = #expect(throws: AtlasError.self) {
            try AtlasCertsSettings.parse("[thresholds]\nwarning = true\n", path: "/c.toml")
        }
        #expect(error?.message.contains("[thresholds] warning must be a duration") == true)
    }

    @Test("[browser] selection is cell or row; anything else is a one-line error, not ignored")
    func selectionStyle() throws {
        #expect(try AtlasCertsSettings.parse("[browser]\nselection = \"row\"\n", path: "/c.toml").selection == "row")
        #expect(try AtlasCertsSettings.parse("[browser]\nselection = \"cell\"\n", path: "/c.toml").selection == "cell")
        #expect(try AtlasCertsSettings.parse("[thresholds]\nwarning = \"30d\"\n", path: "/c.toml").selection == nil)
        for bad in ["\"line\"", "1", "\"ROW\""] {
            let error = #expect(throws: AtlasError.self) {
                try AtlasCertsSettings.parse("[browser]\nselection = \(bad)\n", path: "/c.toml")
            }
            #expect(error?.message.contains("[browser] selection must be \"cell\" or \"row\"") == true)
            #expect(error?.message.contains("\n") == false)
        }
    }

    @Test("thresholds are bounded: over 100 years or not finite is a one-line error, from a flag or the file",
          arguments: ["1e300d", "1e308w", "36501d", "99999999999999999999h", "inf", "nan", "1e400"])
    func bounded(_ text: String) throws {
        let flag = #expect(throws: AtlasError.self) { try ExpiryPolicy.resolve(warningFlag: text, criticalFlag: nil, settings: AtlasCertsSettings()) }
        #expect(flag?.message.hasPrefix("--warning must be") == true, "\(flag?.message ?? "")")
        #expect(flag?.message.contains("\n") == false)
        let file = try AtlasCertsSettings.parse("[thresholds]\nwarning = \"\(text)\"\ncritical = \"\(text)\"\n", path: "/cfg.toml")
        let fromFile = #expect(throws: AtlasError.self) { try ExpiryPolicy.resolve(warningFlag: nil, criticalFlag: nil, settings: file) }
        #expect(fromFile?.message.contains("/cfg.toml") == true, "\(fromFile?.message ?? "")")
        #expect(DurationText.parse(text) == nil)
    }

    @Test("the bound: 36500d (100 years) is accepted, more is refused and says the bound")
    func bound() throws {
        let policy = try ExpiryPolicy.resolve(warningFlag: "36500d", criticalFlag: "5214w", settings: AtlasCertsSettings())
        #expect(policy.warning == 36_500 * Self.day && policy.critical == 5_214 * 7 * Self.day)
        #expect(DurationText.read("36500d") == .success(DurationText.maximum))
        #expect(DurationText.read("1e300d") == .failure(.tooLong))
        #expect(DurationText.read("5215w") == .failure(.tooLong))
        #expect(DurationText.read("soon") == .failure(.malformed))
        let huge = #expect(throws: AtlasError.self) { try ExpiryPolicy.resolve(warningFlag: "1e308w", criticalFlag: nil, settings: AtlasCertsSettings()) }
        #expect(huge?.message == "--warning must be at most 36500d (100 years), not '1e308w'.")
        let numbers = try AtlasCertsSettings.parse("[thresholds]\ncritical = 9223372036854775807\n", path: "/c.toml")
        let fromNumber = #expect(throws: AtlasError.self) { try ExpiryPolicy.resolve(warningFlag: nil, criticalFlag: nil, settings: numbers) }
        #expect(fromNumber?.message.contains("must be at most 36500d") == true, "\(fromNumber?.message ?? "")")
    }

    @Test("the file is found where XDG says, or where ATLAS_CERTS_CONFIG points")
    func location() {
        #expect(AtlasCertsSettings.path(environment: [:], homeDirectory: "/home/a") == "/home/a/.config/atlas-certs/config.toml")
        #expect(AtlasCertsSettings.path(environment: ["XDG_CONFIG_HOME": "/x"], homeDirectory: "/home/a") == "/x/atlas-certs/config.toml")
        #expect(AtlasCertsSettings.path(environment: ["XDG_CONFIG_HOME": "/x", "ATLAS_CERTS_CONFIG": "/etc/ac.toml"], homeDirectory: "/home/a") == "/etc/ac.toml")
    }
}

@_spi(Fuzzing) import AtlasAPI

/// The TOML readers: the Atlas CLI's `config.toml` and atlas-certs' own settings file.
/// Each returns or throws an `AtlasError` whose message is safe text.
enum ConfigFuzz {
    static func run(_ bytes: [UInt8]) {
        let text = bytes.text
        do {
            let found = try ParserEntryPoints.atlasCLIConfig(text)
            Invariant.require(found.profiles == found.profiles.sorted(), "profile names not sorted")
        } catch let error as AtlasError {
            Invariant.requireTerminalSafe(error.message, "the config error")
        } catch {
            Invariant.require(false, "the config reader threw \(type(of: error)), not AtlasError")
        }
        do {
            _ = try AtlasCertsSettings.parse(text, path: "/fuzz/settings.toml")
        } catch let error as AtlasError {
            Invariant.requireTerminalSafe(error.message, "the settings error")
        } catch {
            Invariant.require(false, "the settings reader threw \(type(of: error)), not AtlasError")
        }
    }
}

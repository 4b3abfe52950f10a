import ArgumentParser
import AtlasAPI

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: [.customShort("P"), .long], help: "Atlas CLI profile to use (from its config.toml).")
    var profile: String?

    @Option(name: .long, help: ArgumentHelp("Atlas base URL (default https://cloud.mongodb.com; also MONGODB_ATLAS_BASE_URL).", valueName: "url"))
    var baseURL: String?

    @Option(name: .long, help: ArgumentHelp("Atlas Administration API: v2 (default) or v1.0.", valueName: "version"))
    var apiVersion: String = "v2"

    @Option(name: .long, help: ArgumentHelp("Seconds allowed for one HTTP request.", valueName: "seconds"))
    var timeout: Double = 30

    @Flag(name: [.customShort("v"), .long], help: "Say which credentials are used and log each request to stderr (never a secret).")
    var verbose = false

    func validate() throws {
        guard APIVersion(argument: apiVersion) != nil else {
            throw ValidationError("--api-version must be v2 or v1.0, not '\(apiVersion)'.")
        }
        guard timeout > 0, timeout <= 600 else {
            throw ValidationError("--timeout must be between 0 and 600 seconds.")
        }
    }

    var resolvedAPIVersion: APIVersion { APIVersion(argument: apiVersion) ?? .v2 }
}

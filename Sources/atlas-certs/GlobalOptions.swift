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

    @Option(name: .long, help: ArgumentHelp("Seconds allowed for one HTTP request, 0.001 to 600.", valueName: "seconds"))
    var timeout: Double = 30

    @Flag(name: [.customShort("v"), .long], help: "Say which credentials are used and log each request to stderr (never a secret).")
    var verbose = false

    func validate() throws {
        guard APIVersion(argument: apiVersion) != nil else {
            throw ValidationError("--api-version must be v2 or v1.0, not '\(apiVersion)'.")
        }
        // The client counts whole milliseconds: anything under 1 ms would be 0 ms.
        guard timeout * 1000 >= 1, timeout <= 600 else {
            throw ValidationError("--timeout must be between 0.001 and 600 seconds.")
        }
        // Before anything opens a file or socket, so that none of them lands on a closed
        // stdin, stdout or stderr (output meant for the terminal would go into it).
        Console.claimStandardStreams()
    }

    var resolvedAPIVersion: APIVersion { APIVersion(argument: apiVersion) ?? .v2 }
}

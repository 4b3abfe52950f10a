import ArgumentParser
import AtlasAPI

/// The `atlas-certs` command line.
@main
struct AtlasCerts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "atlas-certs",
        abstract: "Browse, monitor and rotate the Atlas-managed X.509 certificates of MongoDB Atlas database users.",
        discussion: """
            Credentials are found as the Atlas CLI finds them: --profile, then the environment \
            (MONGODB_ATLAS_PUBLIC_API_KEY / MONGODB_ATLAS_PRIVATE_API_KEY or MONGODB_ATLAS_CLIENT_ID / \
            MONGODB_ATLAS_CLIENT_SECRET), then the Atlas CLI's config.toml. Try it with no account: atlas-certs demo
            """,
        version: AtlasCertsVersion.current,
        subcommands: [BrowseCommand.self, ListCommand.self, CheckCommand.self, ExporterCommand.self, CreateCommand.self, DemoCommand.self], defaultSubcommand: BrowseCommand.self
    )

    /// The entry point: as ArgumentParser's own `main()`, but first drops the leading
    /// `certs` that the Atlas CLI puts before the arguments when it runs us as the plugin
    /// command `atlas certs` (see `PluginInvocation`).
    static func main() async {
        await main(PluginInvocation.commandLineArguments(CommandLine.arguments.dropFirst()))
    }
}

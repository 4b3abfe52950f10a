/// How the Atlas CLI runs us as a plugin, and what that means for our arguments.
///
/// `atlas certs list --project p` runs `<binary> certs list --project p` (mongodb-atlas-cli
/// `internal/plugin/plugin.go`, `Plugin.Run`: the cobra command's `Use` first, then every
/// argument untouched, flag parsing disabled), with the CLI's own environment and the
/// terminal's stdin/stdout/stderr. Dropping that one leading word makes the plugin behave
/// exactly as `atlas-certs list --project p`; `atlas certs` alone becomes `atlas-certs`
/// alone (the browser) and `atlas certs --help` becomes `atlas-certs --help`.
enum PluginInvocation {
    /// The command name in `deploy/atlas-cli-plugin/manifest.yml`; the CLI passes it first.
    static let commandName = "certs"

    /// The arguments ArgumentParser should see: `arguments` (without the executable path)
    /// with one leading `certs` removed. No subcommand of ours is called `certs`, so a
    /// direct `atlas-certs certs …` is read the same way, which is harmless.
    static func commandLineArguments(_ arguments: some Collection<String>) -> [String] {
        guard arguments.first == commandName else { return Array(arguments) }
        return Array(arguments.dropFirst())
    }
}

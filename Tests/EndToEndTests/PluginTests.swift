import AtlasAPI
import AtlasSimulator
import Foundation
import Testing

/// atlas-certs as an Atlas CLI plugin (docs/plugin.md): the manifest template passes the
/// CLI's manifest rules, and the binary run as the CLI runs it (`<binary> certs args…`,
/// an environment of only HOME, PATH and the Atlas variables) works.
@Suite("Atlas CLI plugin")
struct PluginTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let template = repository.appendingPathComponent("deploy/atlas-cli-plugin/manifest.yml")

    /// The template as scripts/package.sh fills it in: the version from AtlasCertsVersion.current.
    static func filledTemplate(_ change: (String, String)? = nil) throws -> String {
        var text = try String(contentsOf: template, encoding: .utf8)
        #expect(text.contains("\"@VERSION@\""), "the template takes its version from --version")
        if let (original, replacement) = change {
            #expect(text.contains(original))
            text = text.replacingOccurrences(of: original, with: replacement)
        }
        return text.replacingOccurrences(of: "@VERSION@", with: AtlasCertsVersion.current)
    }

    /// A plugin folder as the CLI sees one after `atlas plugin install`: manifest.yml and the binary.
    static func pluginFolder(manifest: String, binary: String? = "atlas-certs") throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("atlas-certs-plugin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try manifest.write(to: folder.appendingPathComponent("manifest.yml"), atomically: true, encoding: .utf8)
        if let binary {
            try Data("#!/bin/sh\n".utf8).write(to: folder.appendingPathComponent(binary))
        }
        return folder
    }

    @Test("the manifest template passes the Atlas CLI's manifest validation")
    func templateIsValid() throws {
        let text = try Self.filledTemplate()
        let manifest = try PluginManifest(yaml: text)
        let folder = try Self.pluginFolder(manifest: text)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(manifest.errors(pluginDirectory: folder) == [])
        #expect(manifest.name == "atlas-certs")
        #expect(manifest.binary == "atlas-certs")
        #expect(manifest.version == AtlasCertsVersion.current)
        #expect(manifest.github?.name == "atlas-certs")
        let owner: String = (manifest.github?.owner).flatMap { $0 } ?? ""
        #expect(!owner.isEmpty)
        // The binary strips exactly this word (PluginInvocation.commandName), so it must be the command.
        #expect(Set(manifest.commands?.keys.map { $0 } ?? []) == ["certs"])
        #expect(PluginManifest.isSemanticVersion(AtlasCertsVersion.current))
    }

    @Test("the validator rejects what the CLI rejects", arguments: [
        ("\nname: atlas-certs\n", "value \"name\" is not defined", "\nname: \"\"\n"),
        ("version: \"@VERSION@\"\n", "value in field \"version\" is not a valid semantic version", "version: 1.x\n"),
        ("version: \"@VERSION@\"\n", "value \"version\" is not defined", ""),
        ("binary: atlas-certs\n", "value \"binary\" is not defined", ""),
        ("  owner: your-github-owner\n", "value \"github owner\" is not defined", ""),
        ("    description: Browse", "value \"description\" in command \"certs\" is not defined", "    aliases: [x509]\n    summary: Browse"),
        ("  certs:\n", "command \"clusters\" already exists in the AtlasCLI", "  clusters:\n"),
        ("  certs:\n", "command \"orgs\" already exists in the AtlasCLI", "  certs:\n    aliases: [orgs]\n"),
        ("  certs:\n", "command \"plugin\" already exists in the AtlasCLI", "  certs:\n    aliases:\n      - x509\n      - plugin\n"),
    ])
    func rejects(_ change: (original: String, error: String, replacement: String)) throws {
        let broken = try Self.filledTemplate((change.original, change.replacement))
        let folder = try Self.pluginFolder(manifest: broken)
        defer { try? FileManager.default.removeItem(at: folder) }
        let errors = try PluginManifest(yaml: broken).errors(pluginDirectory: folder)
        #expect(errors.contains(change.error), "\(errors)")
    }

    @Test("no commands, or a missing binary, are rejected")
    func emptyCommandsAndMissingBinary() throws {
        let text = try Self.filledTemplate()
        let commandsKey = try #require(text.range(of: "commands:"))
        let head = String(text[..<commandsKey.lowerBound])
        #expect(try PluginManifest(yaml: head + "commands: {}\n").fieldErrors() == ["the plugin needs to contain at least one command"])
        #expect(try PluginManifest(yaml: head + "commands:\n").fieldErrors() == ["value \"commands\" is not defined"])
        #expect(try PluginManifest(yaml: head).fieldErrors() == ["value \"commands\" is not defined"])
        let folder = try Self.pluginFolder(manifest: text, binary: nil)
        defer { try? FileManager.default.removeItem(at: folder) }
        let errors = try PluginManifest(yaml: text).errors(pluginDirectory: folder)
        #expect(errors == ["binary \"\(folder.appendingPathComponent("atlas-certs").path)\" does not exists"])
    }

    @Test("semantic versions as Masterminds/semver reads them")
    func semanticVersions() {
        for good in ["0.1.0", "1.2.3-beta.1+build.5", "v1.2.3", "1.2", "1"] { #expect(PluginManifest.isSemanticVersion(good), "\(good)") }
        for bad in ["", "1.x", "01.2.3", "1.2.3.4", "1.2.3-", "version"] { #expect(!PluginManifest.isSemanticVersion(bad), "\(bad)") }
    }

    @Test("run as `<binary> certs list …` with only HOME, PATH and the Atlas variables, it lists exact IDs")
    func listAsPlugin() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("atlas-certs-plugin-home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        try await Self.expectListsExactIDs(binary: nil, home: home)
    }

    /// Runs `binary` (the test build's when nil) as the CLI runs a plugin, `<binary> certs
    /// list --project … --output json` with only HOME, PATH and the Atlas variables, against
    /// a fresh simulator, and expects exactly that project's certificate IDs.
    static func expectListsExactIDs(binary: URL?, home: URL) async throws {
        let now = Date()
        let data = SimulatorData.generate(seed: 31, now: now, organizations: 1, projectsPerOrganization: 2, usersPerProject: 8,
                                          certificatesPerManagedUser: 2, managedFraction: 0.75)
        let simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(), data: data)
        defer { Task { try? await simulator.shutdown() } }
        let project = data.projects[1]
        let environment = ["HOME": home.path, "PATH": "/usr/bin:/bin"].merging(ListCommandTests.environment(for: simulator)) { _, new in new }
        let run = try await PluginProcess.run(["certs", "list", "--project", project.id, "--output", "json"],
                                              environment: environment, binary: binary)
        #expect(run.status == 0, "\(run.stderr)")
        struct Row: Decodable { var id: CertificateID; var projectId: String }
        let rows = try JSONDecoder().decode([Row].self, from: Data(run.stdout.utf8))
        let expected = ListCommandTests.expectedIDs(data, projectID: project.id, now: Date())
        #expect(!expected.isEmpty)
        #expect(rows.map(\.id.decimal).sorted() == expected.sorted())
        #expect(rows.allSatisfy { $0.projectId == project.id })
    }

    /// Runs a system tool with this process's environment (PATH for strip, python3, tar).
    static func tool(_ executable: String, _ arguments: [String]) async throws -> ListCommandTests.Run {
        try await PluginProcess.run(arguments, environment: ProcessInfo.processInfo.environment,
                                    binary: URL(fileURLWithPath: executable))
    }

    @Test("the archive scripts/package.sh writes, installed as `atlas plugin install` does: a valid manifest, and its binary lists exact IDs")
    func archiveInstalledAsTheCLIDoes() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("atlas-certs-archive-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        // The archive around the binary this test run built (`--binary`: the release build
        // with the Swift runtime linked in is `scripts/package.sh --out DIR` alone, too slow
        // for the suite; docs/plugin.md).
        let built = ListCommandTests.binDirectory.appendingPathComponent("atlas-certs")
        let package = try await Self.tool("/bin/bash", [Self.repository.appendingPathComponent("scripts/package.sh").path,
                                                    "--out", scratch.appendingPathComponent("out").path, "--binary", built.path])
        #expect(package.status == 0, "\(package.stderr)")
        let archive = URL(fileURLWithPath: package.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        // The asset the CLI's installer picks: OS and architecture in the lower-cased name, .tar.gz.
        let name = archive.lastPathComponent.lowercased()
        #expect(name.hasPrefix("atlas-certs_\(AtlasCertsVersion.current)_") && name.hasSuffix(".tar.gz"), "\(name)")
        #expect(name.contains("linux") || name.contains("darwin"))
        #expect(["x86_64", "amd64", "arm64", "aarch64"].contains { name.contains($0) })
        // One top-level folder, no symlinks (the installer refuses them), then extracted with
        // that folder stripped, into a plugin directory.
        let listing = try await Self.tool("/bin/tar", ["-tvzf", archive.path])
        #expect(listing.status == 0)
        let entries = listing.stdout.split(separator: "\n")
        #expect(!entries.isEmpty && entries.allSatisfy { !$0.hasPrefix("l") && !$0.hasPrefix("h") }, "\(listing.stdout)")
        let paths = try await Self.tool("/bin/tar", ["-tzf", archive.path]).stdout.split(separator: "\n")
        #expect(Set(paths.map { $0.split(separator: "/").first.map(String.init) ?? "" }).count == 1)
        let plugin = scratch.appendingPathComponent("plugins/atlas-certs")
        try FileManager.default.createDirectory(at: plugin, withIntermediateDirectories: true)
        #expect(try await Self.tool("/bin/tar", ["-xzf", archive.path, "--strip-components=1", "-C", plugin.path]).status == 0)

        let manifest = try PluginManifest(yaml: try String(contentsOf: plugin.appendingPathComponent("manifest.yml"), encoding: .utf8))
        #expect(manifest.errors(pluginDirectory: plugin) == [])
        #expect(manifest.version == AtlasCertsVersion.current)
        for file in ["completions/atlas-certs.bash", "completions/_atlas-certs", "completions/atlas-certs.fish", "man/atlas-certs.1"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: plugin.appendingPathComponent(file).path)[.size] as? Int) ?? 0
            #expect(size > 100, "\(file): \(size) bytes")
        }

        // Run as the CLI runs a plugin: `<binary> certs …`, only HOME, PATH and the Atlas variables.
        try await Self.expectListsExactIDs(binary: plugin.appendingPathComponent(try #require(manifest.binary)), home: scratch)
    }

    @Test("`certs --help`, `certs list --help` and `certs --version` behave as without `certs`")
    func helpAsPlugin() async throws {
        let environment = ["HOME": FileManager.default.temporaryDirectory.path, "PATH": "/usr/bin:/bin"]
        let help = try await PluginProcess.run(["certs", "--help"], environment: environment)
        #expect(help.status == 0, "\(help.stderr)")
        #expect(help.stdout.contains("USAGE: atlas-certs"))
        #expect(help.stdout.contains("list"))
        let direct = try await PluginProcess.run(["--help"], environment: environment)
        #expect(direct.stdout == help.stdout)
        let listHelp = try await PluginProcess.run(["certs", "list", "--help"], environment: environment)
        #expect(listHelp.status == 0)
        #expect(listHelp.stdout.contains("--project"))
        let version = try await PluginProcess.run(["certs", "--version"], environment: environment)
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == AtlasCertsVersion.current)
        let wrong = try await PluginProcess.run(["certs", "no-such-command"], environment: environment)
        #expect(wrong.status != 0)
    }
}

/// Runs the built `atlas-certs` with exactly the given environment (nothing added, unlike
/// `ListCommandTests.runProduct`, which sets XDG_CONFIG_HOME), as the Atlas CLI's
/// `Plugin.Run` does with its own environment.
enum PluginProcess {
    static func run(_ arguments: [String], environment: [String: String], binary: URL? = nil) async throws -> ListCommandTests.Run {
        try await ProductRunSlots.run {
            let binary = binary ?? ListCommandTests.binDirectory.appendingPathComponent("atlas-certs")
            try #require(FileManager.default.isExecutableFile(atPath: binary.path), "atlas-certs is not built at \(binary.path)")
            let process = Process()
            process.executableURL = binary
            process.arguments = arguments
            process.environment = environment
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("atlas-certs-plugin-out-\(UUID().uuidString)")
            defer {
                try? FileManager.default.removeItem(at: output.appendingPathExtension("out"))
                try? FileManager.default.removeItem(at: output.appendingPathExtension("err"))
            }
            try Data().write(to: output.appendingPathExtension("out"))
            try Data().write(to: output.appendingPathExtension("err"))
            let out = try FileHandle(forWritingTo: output.appendingPathExtension("out"))
            let err = try FileHandle(forWritingTo: output.appendingPathExtension("err"))
            process.standardOutput = out
            process.standardError = err
            process.standardInput = FileHandle.nullDevice
            // The exit is awaited through terminationHandler, never by blocking a thread of
            // the cooperative pool.
            let status: Int32 = try await withCheckedThrowingContinuation { continuation in
                process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
                do { try process.run() } catch {
                    process.terminationHandler = nil
                    continuation.resume(throwing: error)
                }
            }
            try out.close()
            try err.close()
            return ListCommandTests.Run(status: status,
                                        stdout: try String(contentsOf: output.appendingPathExtension("out"), encoding: .utf8),
                                        stderr: try String(contentsOf: output.appendingPathExtension("err"), encoding: .utf8))
        }
    }
}

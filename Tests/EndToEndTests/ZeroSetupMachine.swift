import AtlasAPI
import AtlasSimulator
import Foundation
import Testing

/// An `atlas` user's machine for the zero-setup tests (issue 11): a simulator with
/// credentials of its own, a HOME holding the Atlas CLI's config.toml where the CLI puts
/// it, and, when asked for, a real gnome-keyring on a private session D-Bus using that HOME.
///
/// The credentials are fresh per machine (a random private key and client secret), so a
/// search for them in what the runs wrote finds only this test's leaks. Every run's
/// output is kept, for `leaks(of:)`.
final class ZeroSetupMachine {
    let simulator: AtlasSimulator
    let data: SimulatorData
    let now: Date
    let home: URL
    let keyring: KeyringHarness?
    /// What the runs wrote to the terminal: label → text.
    private(set) var transcripts: [(label: String, text: String)] = []

    private init(simulator: AtlasSimulator, data: SimulatorData, now: Date, home: URL, keyring: KeyringHarness?) {
        self.simulator = simulator
        self.data = data
        self.now = now
        self.home = home
        self.keyring = keyring
    }

    /// Runs `body` on a fresh machine and takes it down whatever happens.
    static func with(keyring: Bool, _ body: (ZeroSetupMachine) async throws -> Void) async throws {
        let machine = try await start(keyring: keyring)
        do {
            try await body(machine)
        } catch {
            await machine.stop()
            throw error
        }
        await machine.stop()
    }

    private static func start(keyring: Bool) async throws -> ZeroSetupMachine {
        let now = Date()
        let data = SimulatorData.generate(seed: 61, now: now, organizations: 1, projectsPerOrganization: 2, usersPerProject: 6,
                                          certificatesPerManagedUser: 2, managedFraction: 0.75)
        let clientID = "mdb_sa_id_" + UUID().uuidString.lowercased().filter(\.isHexDigit).prefix(24)
        let credentials = SimulatorCredentials(publicKey: "zerosetu", privateKey: UUID().uuidString.lowercased(),
                                               clientID: clientID, clientSecret: "mdb_sa_sk_" + UUID().uuidString.lowercased())
        let simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(credentials: credentials), data: data)
        do {
            let harness = keyring ? try await KeyringHarness.start() : nil
            let home = harness?.directory.appendingPathComponent("home")
                ?? FileManager.default.temporaryDirectory.appendingPathComponent("atlas-certs-zero-setup-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            return ZeroSetupMachine(simulator: simulator, data: data, now: now, home: home, keyring: harness)
        } catch {
            try? await simulator.shutdown()
            throw error
        }
    }

    func stop() async {
        try? await simulator.shutdown()
        if let keyring {
            await keyring.stopped() // removes its directory, HOME included
        } else {
            try? FileManager.default.removeItem(at: home)
        }
    }

    var credentials: SimulatorCredentials { simulator.configuration.credentials }
    /// The project the profile names as its `project_id`.
    var project: Project { data.projects[1] }

    // MARK: The Atlas CLI's files

    /// Where the CLI keeps its config on Linux with no XDG_CONFIG_HOME: `~/.config/atlascli/config.toml`.
    var configFile: URL { home.appendingPathComponent(".config/atlascli/config.toml") }

    /// A version 2 config.toml, as `atlas config init` leaves one when a keyring exists: one
    /// profile of settings, its secrets elsewhere.
    func writeConfig(profile: String = "default", authType: String) throws {
        let text = """
        version = 2

        [\(profile)]
          auth_type = "\(authType)"
          ops_manager_url = "\(simulator.baseURL)/"
          org_id = "\(data.organizations[0].id)"
          project_id = "\(project.id)"
          output = "plaintext"

        """
        try FileManager.default.createDirectory(at: configFile.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try text.write(to: configFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: configFile.path)
    }

    /// Stores a secret as go-keyring does for the CLI: service `atlascli_<profile>`, account = the property.
    func storeInKeyring(_ property: String, _ value: String, profile: String = "default") async throws {
        let keyring = try #require(keyring, "this machine has no keyring")
        try await keyring.stored(service: "atlascli_\(profile)", account: property, value: value)
    }

    func keyringValue(_ property: String, profile: String = "default") async throws -> String? {
        let keyring = try #require(keyring, "this machine has no keyring")
        return try await keyring.lookedUp(service: "atlascli_\(profile)", account: property)
    }

    /// The labels of the keyring's items for `property`: one item, labelled as go-keyring labels it.
    func keyringLabels(_ property: String, profile: String = "default") async throws -> [String] {
        let keyring = try #require(keyring, "this machine has no keyring")
        return try await keyring.foundLabels(service: "atlascli_\(profile)", account: property)
    }

    // MARK: Runs

    /// Only what an `atlas` user's shell has that matters here: HOME, PATH and, with a
    /// keyring, the session bus. No Atlas variable, no XDG_CONFIG_HOME.
    var environment: [String: String] {
        var environment = ["HOME": home.path, "PATH": "/usr/bin:/bin"]
        if let keyring { environment["DBUS_SESSION_BUS_ADDRESS"] = keyring.environment["DBUS_SESSION_BUS_ADDRESS"] }
        return environment
    }

    /// Runs the built binary with `environment` (plus `extra`) and keeps its output.
    func run(_ arguments: [String], extra: [String: String] = [:]) async throws -> ListCommandTests.Run {
        let run = try await PluginProcess.run(arguments, environment: environment.merging(extra) { $1 })
        let label = arguments.joined(separator: " ")
        transcripts += [("stdout of \(label)", run.stdout), ("stderr of \(label)", run.stderr)]
        return run
    }

    /// The IDs `list` must print for `project`.
    var expectedIDs: Set<String> { ListCommandTests.expectedIDs(data, projectID: project.id, now: Date()) }

    /// `list --output json` (the project from the profile): exactly the expected IDs, one of
    /// them above 2^53 and printed digit for digit.
    func expectList(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let run = try await self.run(["list", "--output", "json"])
        #expect(run.status == 0, "\(run.stderr)", sourceLocation: sourceLocation)
        struct Row: Decodable { var id: CertificateID; var projectId: String }
        let rows = try JSONDecoder().decode([Row].self, from: Data(run.stdout.utf8))
        let expected = expectedIDs
        #expect(!expected.isEmpty, sourceLocation: sourceLocation)
        #expect(rows.map(\.id.decimal).sorted() == expected.sorted(), sourceLocation: sourceLocation)
        #expect(rows.allSatisfy { $0.projectId == project.id }, sourceLocation: sourceLocation)
        let large = try #require(expected.first { (UInt64($0) ?? 0) > 1 << 53 }, sourceLocation: sourceLocation)
        #expect(run.stdout.contains("\"id\" : \(large),"), "the ID above 2^53 is printed exactly, as a JSON number:\n\(run.stdout.prefix(400))",
                sourceLocation: sourceLocation)
    }

    /// `check` for the profile's org and project: the exit code and summary line a run with
    /// the same scope and API keys from the environment gets.
    func expectCheck(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let run = try await self.run(["check"])
        // Against a simulator of its own with the same data, so this machine's request log
        // holds only the runs under test.
        let twin = try await AtlasSimulator.start(configuration: SimulatorConfiguration(credentials: credentials), data: data)
        let reference: ListCommandTests.Run
        do {
            reference = try await ListCommandTests.atlasCerts(["check"], environment: ListCommandTests.environment(for: twin).merging([
                "MONGODB_ATLAS_ORG_ID": data.organizations[0].id, "MONGODB_ATLAS_PROJECT_ID": project.id,
            ]) { $1 })
        } catch {
            try? await twin.shutdown()
            throw error
        }
        try? await twin.shutdown()
        #expect([0, 1, 2].contains(run.status), "\(run.stdout)\(run.stderr)", sourceLocation: sourceLocation)
        #expect(run.status == reference.status, "\(run.stdout)\(run.stderr)", sourceLocation: sourceLocation)
        let summary = run.stdout.split(separator: "\n").first.map(String.init) ?? ""
        #expect(summary.hasPrefix("ATLAS-CERTS "), "\(run.stdout)", sourceLocation: sourceLocation)
        #expect(summary == reference.stdout.split(separator: "\n").first.map(String.init), sourceLocation: sourceLocation)
        #expect(run.stderr.isEmpty, "\(run.stderr)", sourceLocation: sourceLocation)
    }

    /// The browser in tmux with `environment` and the terminal's own variables: the fleet
    /// view (`a`) shows every certificate, soonest first; `q` quits with status 0.
    func expectBrowser(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let tmux = try TmuxHarness()
        defer { tmux.kill() }
        let variables = environment.merging(["TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TZ": "UTC",
                                             "NCURSES_NO_UTF8_ACS": "1"]) { $1 }
        let assignments = variables.sorted { $0.key < $1.key }.map { "\($0.key)=" + Shell.quote($0.value) }
        try tmux.start("cd " + Shell.quote(home.path) + " && exec env -i " + assignments.joined(separator: " ") + " "
                       + Shell.quote(try BrowserFixture.binary()))
        defer {
            transcripts += [("the browser's screen", tmux.screen()), ("the browser's pane output", String(decoding: tmux.rawOutput, as: UTF8.self))]
        }
        guard await tmux.waitForScreen(containing: "PROJECT", project.name, sourceLocation: sourceLocation) else { return }
        try tmux.press("a")
        let certificates = BrowserFixture(simulator: simulator, data: data, now: now).fleetCertificates
        #expect(certificates.count > 2, sourceLocation: sourceLocation)
        guard await tmux.waitForScreen(containing: "All \(certificates.count) certificates", sourceLocation: sourceLocation) else { return }
        let screen = tmux.screen()
        let first = screen.split(separator: "\n").first { $0.hasPrefix("›") }
        #expect(first?.contains(certificates[0].id.decimal) == true, "the soonest certificate is selected:\n\(screen)",
                sourceLocation: sourceLocation)
        try tmux.press("q")
        #expect(await tmux.waitForExit(timeout: .seconds(60)), "the browser exited", sourceLocation: sourceLocation)
        #expect(tmux.format("#{pane_dead_status}") == "0", sourceLocation: sourceLocation)
    }

    // MARK: Leaks

    /// The files the runs could have written: every regular file under HOME except
    /// config.toml and gnome-keyring's own files, where the secrets are meant to be.
    var writtenFiles: [URL] {
        let keyringFiles = home.appendingPathComponent(".local/share/keyrings").standardizedFileURL.path + "/"
        let config = configFile.standardizedFileURL.path
        guard let walk = FileManager.default.enumerator(at: home, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        return walk.compactMap { $0 as? URL }.filter { url in
            let path = url.standardizedFileURL.path
            return path != config && !path.hasPrefix(keyringFiles)
                && (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
        }
    }

    /// The control of `leaks(of:)`: the same search finds what the runs did write, the
    /// project's ID, in list's output and in a cache file under ~/.cache/atlas-certs.
    func expectSearchFindsWrittenData(sourceLocation: SourceLocation = #_sourceLocation) {
        let found = leaks(of: [project.id])
        #expect(found.contains { $0.hasPrefix("secret #0 in stdout of list") }, "\(found)", sourceLocation: sourceLocation)
        #expect(found.contains { $0.contains("/.cache/atlas-certs/") }, "\(found)", sourceLocation: sourceLocation)
    }

    /// Where any of `secrets` (whole, or its last 12 characters) appears in the runs'
    /// output or written files; each finding names the secret by its position in
    /// `secrets`, never by its value.
    func leaks(of secrets: [String]) -> [String] {
        let needles = secrets.enumerated().flatMap { index, secret in
            [(index, Data(secret.utf8)), (index, Data(secret.suffix(12).utf8))]
        }
        var found: [String] = []
        for (label, text) in transcripts {
            let data = Data(text.utf8)
            for (index, needle) in needles where data.range(of: needle) != nil { found.append("secret #\(index) in \(label)") }
        }
        for file in writtenFiles {
            guard let data = try? Data(contentsOf: file) else {
                found.append("\(file.path) could not be read to search it")
                continue
            }
            for (index, needle) in needles where data.range(of: needle) != nil { found.append("secret #\(index) in \(file.path)") }
        }
        return found
    }
}

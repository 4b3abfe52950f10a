import AtlasAPI
import AtlasSimulator
import Foundation
import Testing

/// The simulator and the built `atlas-certs` binary, wired together for one test.
struct BrowserFixture {
    let simulator: AtlasSimulator
    let data: SimulatorData
    let now: Date

    /// Runs `body` with a fresh simulator (`faults`, `data`) and a tmux server of
    /// `width`×`height`, and ends both whatever happens.
    static func withBrowser(faults: FaultConfiguration = FaultConfiguration(), data: SimulatorData? = nil,
                            width: Int = 100, height: Int = 30,
                            _ body: (BrowserFixture, TmuxHarness) async throws -> Void) async throws {
        let fixture = try await start(faults: faults, data: data)
        do {
            let harness = try TmuxHarness(width: width, height: height)
            defer { harness.kill() }
            try await body(fixture, harness)
        } catch {
            await fixture.stop()
            throw error
        }
        await fixture.stop()
    }

    static func start(faults: FaultConfiguration = FaultConfiguration(), data: SimulatorData? = nil) async throws -> BrowserFixture {
        let now = Date()
        let data = data ?? SimulatorData.generate(seed: 42, now: now, organizations: 1, projectsPerOrganization: 3,
                                                  usersPerProject: 6, certificatesPerManagedUser: 3, managedFraction: 0.6,
                                                  includeHostileNames: true)
        let simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(faults: faults), data: data)
        return BrowserFixture(simulator: simulator, data: data, now: now)
    }

    /// The port the simulator listens on.
    var port: Int { Int(simulator.baseURL.split(separator: ":").last ?? "") ?? 0 }

    /// Every live certificate of every MANAGED user, soonest expiry first.
    var fleetCertificates: [Certificate] {
        data.users.filter(\.hasManagedCertificates).flatMap(liveCertificates(of:))
            .sorted { ($0.notAfter, $0.id.value) < ($1.notAfter, $1.id.value) }
    }

    func stop() async {
        try? await simulator.shutdown()
    }

    /// The built `atlas-certs`, found where the other end-to-end tests find it.
    static func binary() throws -> String {
        let path = ListCommandTests.binDirectory.appendingPathComponent("atlas-certs").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw HarnessError("atlas-certs is not built at \(path); run 'swift build' (or 'swift test', which builds it) first.")
        }
        return path
    }

    /// The shell command that runs the browser in the harness's directory (where `n`
    /// writes new certificates; HOME is there too, so the cache is) with a clean, fixed environment: UTF-8,
    /// UTC, xterm-256color, the simulator's URL and demo keys, and the clipboard mode.
    func command(harness: TmuxHarness, clipboard: String = "command", extraArguments: [String] = [], home: URL? = nil,
                 privateKey: String? = nil) throws -> String {
        let credentials = simulator.configuration.credentials
        let variables: [String: String] = [
            "TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TZ": "UTC",
            "NCURSES_NO_UTF8_ACS": "1", "HOME": (home ?? harness.directory).path, "PATH": "/usr/local/bin:/usr/bin:/bin",
            "MONGODB_ATLAS_OPS_MANAGER_URL": simulator.baseURL,
            "MONGODB_ATLAS_PUBLIC_API_KEY": credentials.publicKey,
            "MONGODB_ATLAS_PRIVATE_API_KEY": privateKey ?? credentials.privateKey,
            "ATLAS_CERTS_CLIPBOARD": clipboard,
            "ATLAS_CERTS_CLIPBOARD_COMMAND": "cat > " + Shell.quote(harness.clipboardFile.path),
        ]
        let assignments = variables.sorted { $0.key < $1.key }.map { "\($0.key)=" + Shell.quote($0.value) }
        // TMUX is passed through from the pane, so the program knows it runs in tmux.
        return "cd " + Shell.quote(harness.directory.path) + " && exec env -i " + assignments.joined(separator: " ") + " TMUX=\"$TMUX\" "
            + ([try Self.binary()] + extraArguments).map(Shell.quote).joined(separator: " ")
    }

    /// A managed user with an ASCII name and live certificates, and its project: what
    /// the drill-down tests open.
    var target: (project: Project, user: DatabaseUser)? {
        for project in data.projects where !project.name.contains("\u{1B}") {
            let candidates = data.users.filter {
                $0.groupId == project.id && $0.x509Type == .managed && $0.username.hasPrefix("svc-")
                    && liveCertificates(of: $0).count >= 2
            }
            // Unique within its project, so a filter on the name selects exactly it.
            if let user = candidates.first(where: { user in
                data.users.filter { $0.groupId == project.id && $0.username.contains(user.username) }.count == 1
            }) {
                return (project, user)
            }
        }
        return nil
    }

    /// What Atlas returns: certificates that have not expired.
    func liveCertificates(of user: DatabaseUser) -> [Certificate] {
        data.certificates(groupId: user.groupId, username: user.username).filter { $0.notAfter > now }
    }

    var hostileProject: Project? {
        data.projects.first { $0.name.contains("\u{1B}") }
    }
}

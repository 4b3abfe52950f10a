import AtlasAPI
import AtlasSimulator
import Foundation
import Testing

/// Issue 4 in the real terminal: the all-certificates view, cancelling a slow scan,
/// creating a certificate with `n`, and starting from the disk cache.
@Suite("atlas-certs in tmux: fleet view, create, cache", .serialized)
struct FleetBrowserEndToEndTests {
    let shared = BrowserEndToEndTests()

    func withBrowser(faults: FaultConfiguration = FaultConfiguration(), data: SimulatorData? = nil,
                     _ body: (BrowserFixture, TmuxHarness) async throws -> Void) async throws {
        try await BrowserFixture.withBrowser(faults: faults, data: data, width: 120, body)
    }

    @Test("a: every certificate of the fleet, soonest first; Enter opens its user; Esc Esc back to the projects")
    func fleetView() async throws {
        try await withBrowser { fixture, harness in
            try harness.start(try fixture.command(harness: harness))
            await harness.waitForScreen(containing: "PROJECT")
            try harness.press("a")
            let certificates = fixture.fleetCertificates
            await harness.waitForScreen(containing: "All certificates", "All \(certificates.count) certificates")
            let screen = harness.screen()
            // The soonest certificate of the whole fleet is on the first row, selected.
            let lines = screen.split(separator: "\n")
            let first = try #require(lines.first { $0.hasPrefix("›") })
            #expect(first.contains(certificates[0].id.decimal), "\(screen)")
            #expect(screen.contains("EXPIRES (UTC) ▲"))

            try harness.press("Enter")
            let owner = try #require(fixture.data.users.first { user in
                fixture.liveCertificates(of: user).contains { $0.id == certificates[0].id }
            })
            await harness.waitForScreen(containing: "All certificates › ", "›" + certificates[0].id.decimal)
            #expect(harness.screen().contains(String(owner.username.prefix(10))) || owner.username.contains("\u{1B}"))
            try harness.press("Escape")
            await harness.waitForScreen(containing: "All \(certificates.count) certificates")
            try harness.press("Escape")
            await harness.waitForScreen(containing: "SOONEST EXPIRY")
            try harness.press("q")
            await shared.expectRestored(harness, status: "0")
        }
    }

    @Test("a wrong key stops the browser's whole walk after the first rejected request, and says so on one line")
    func wrongKeyStopsTheWalk() async throws {
        let secret = "not-the-key-5d2e"
        try await withBrowser { fixture, harness in
            try harness.start(try fixture.command(harness: harness, extraArguments: ["--all"], privateKey: secret))
            await harness.waitForScreen(containing: "Could not load projects: HTTP 401", "The projects could not be listed")
            // The walk starts with one load (the projects), so nothing else can be in
            // flight when the rejection is drawn: the challenge and the rejected request.
            #expect(fixture.simulator.requestLog.count == 2, "\(fixture.simulator.requestLog.map(\.path))")
            #expect(fixture.simulator.requestCount(.users) == 0 && fixture.simulator.requestCount(.certsList) == 0)
            #expect(!harness.screen().contains(secret))
            try harness.press("q")
            await shared.expectRestored(harness, status: "0")
        }
    }

    @Test("A slow scan (--all, 400 ms a request) shows progress, and Esc stops it: no new requests after")
    func cancelSlowScan() async throws {
        // About 540 managed users: even at 64 requests at a time, several seconds of scanning.
        let data = SimulatorData.generate(seed: 43, now: Date(), organizations: 1, projectsPerOrganization: 3,
                                          usersPerProject: 300, certificatesPerManagedUser: 2, managedFraction: 0.6)
        try await withBrowser(faults: FaultConfiguration(latency: .milliseconds(400)), data: data) { fixture, harness in
            try harness.start(try fixture.command(harness: harness, extraArguments: ["--all"]))
            await harness.waitForScreen(containing: "Scanning 3/3 projects", "Esc stops", timeout: .seconds(30))
            let atEscape = fixture.simulator.requestLog.count
            try harness.press("Escape")
            await harness.waitForScreen(containing: "Loading cancelled")
            // Requests already in flight may still be answered (at most the loads the
            // engine's window allows at once); nothing new starts. The simulator logs a request when it
            // answers, 400 ms after it arrived: wait until it has been quiet for 1 s.
            var last = fixture.simulator.requestLog.count
            var lastChange = ContinuousClock.now
            let quiet = await harness.waitUntil(timeout: .seconds(15)) {
                let count = fixture.simulator.requestLog.count
                if count != last {
                    last = count
                    lastChange = ContinuousClock.now
                }
                return ContinuousClock.now - lastChange > .seconds(1)
            }
            #expect(quiet, "the simulator went quiet after the cancel")
            // Bound: the loads in flight when Esc was pressed, and as many that may have
            // started while the key travelled through tmux to the program (loads finish
            // and start continuously). Without the cancel about 150 more would follow.
            let later = fixture.simulator.requestLog.count
            let bound = 2 * FleetScanner.defaultConcurrency
            #expect(later - atEscape <= bound, "\(later - atEscape) requests answered after Esc")
            let needed = fixture.data.users.filter(\.hasManagedCertificates).count + 3
            #expect(later < needed / 2, "the scan stopped early: \(later) of about \(needed) requests")
            #expect(harness.screen().contains("cancelled"))
            try harness.press("q")
            await shared.expectRestored(harness, status: "0")
        }
    }

    @Test("n: confirm, and the certificate is created once, written 0600 in the working directory, listed at once")
    func createFromTheBrowser() async throws {
        try await withBrowser { fixture, harness in
            try harness.start(try fixture.command(harness: harness))
            _ = try await shared.openCertificates(harness, fixture)
            let (_, user) = try #require(fixture.target)
            try harness.press("n")
            await harness.waitForScreen(containing: "Create an Atlas-managed certificate", "mode 0600")
            #expect(fixture.simulator.requestCount(.certsCreate) == 0, "nothing is created before confirmation")
            try harness.press("Right")
            await harness.waitForScreen(containing: "Valid:    4 months")
            try harness.press("Enter")
            await harness.waitForScreen(containing: "Created certificate")
            #expect(fixture.simulator.requestCount(.certsCreate) == 1)

            let files = try FileManager.default.contentsOfDirectory(atPath: harness.directory.path).filter { $0.hasSuffix(".pem") }
            let file = try #require(files.first, "a .pem file in the working directory")
            #expect(files.count == 1)
            let path = harness.directory.appendingPathComponent(file).path
            var info = stat()
            #expect(stat(path, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o600)
            let pem = try String(contentsOfFile: path, encoding: .utf8)
            #expect(pem.contains("PRIVATE KEY"))
            let begin = try #require(pem.range(of: "-----BEGIN CERTIFICATE-----"))
            let end = try #require(pem.range(of: "-----END CERTIFICATE-----"))
            let details = try IssuedCertificateDetails(certificatePEM: String(pem[begin.lowerBound..<end.upperBound]))
            // The new certificate is Atlas's (same ID), shown and selected in the table.
            let inAtlas = fixture.simulator.data.certificates(groupId: user.groupId, username: user.username).map(\.id)
            #expect(inAtlas.contains(details.id))
            await harness.waitForScreen(containing: "›" + details.id.decimal)
            #expect(!harness.screen().contains("PRIVATE KEY"))
            #expect(!harness.rawOutput.contains(subsequence: Array("PRIVATE KEY".utf8)), "the key never reaches the terminal")
            try harness.press("q")
            await shared.expectRestored(harness, status: "0")
        }
    }

    @Test("Cache: a corrupt file is ignored with a note; the next start shows data before the first response arrives")
    func startsFromTheCache() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("atlas-certs-cache-home-" + UUID().uuidString.prefix(8))
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let cacheDirectory = home.appendingPathComponent(".cache/atlas-certs")

        // 1. A first run fills the cache.
        let fast = try await BrowserFixture.start()
        let projectName = try #require(fast.target?.project.name)
        do {
            let harness = try TmuxHarness(width: 120, height: 30)
            defer { harness.kill() }
            try harness.start(try fast.command(harness: harness, extraArguments: ["--all"], home: home))
            await harness.waitForScreen(containing: "All \(fast.fleetCertificates.count) certificates")
            try harness.press("q")
            await shared.expectRestored(harness, status: "0")
        }
        // The metadata cache, beside the certificate history the browser also keeps there.
        let files = try FileManager.default.contentsOfDirectory(atPath: cacheDirectory.path).filter { !$0.hasPrefix("history-") }
        #expect(files.count == 1)
        let cacheFile = cacheDirectory.appendingPathComponent(try #require(files.first))
        var info = stat()
        #expect(stat(cacheFile.path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        let cached = try String(contentsOf: cacheFile, encoding: .utf8)
        #expect(!cached.contains(fast.simulator.configuration.credentials.privateKey) && !cached.contains("PRIVATE KEY"))

        // 2. A corrupt cache file is ignored with a note, and the browser works.
        try Data("{\"kind\": \"atlas-certs-metadata-cache\", \"version\": 1, \"proj".utf8).write(to: cacheFile)
        do {
            let harness = try TmuxHarness(width: 120, height: 30)
            defer { harness.kill() }
            try harness.start(try fast.command(harness: harness, home: home))
            await harness.waitForScreen(containing: "Ignored the cache file")
            await harness.waitForScreen(containing: projectName, "SOONEST EXPIRY")
            try harness.press("a")
            await harness.waitForScreen(containing: "All \(fast.fleetCertificates.count) certificates")
            try harness.press("q")
            await shared.expectRestored(harness, status: "0")
        }

        // 3. The same Atlas (same URL and key), now answering after 5 s: the cached
        // projects are on screen while the simulator has not answered anything. The same
        // simulator turns slow: binding its port again after a shutdown can fail while a
        // process another test started holds a copy of the listening socket.
        fast.simulator.latency = .seconds(5)
        fast.simulator.resetRequestLog()
        do {
            let harness = try TmuxHarness(width: 120, height: 30)
            defer { harness.kill() }
            try harness.start(try fast.command(harness: harness, home: home))
            await harness.waitForScreen(containing: projectName, "CACHED")
            #expect(fast.simulator.requestLog.isEmpty, "shown before the first response: \(fast.simulator.requestLog.count) answered")
            try harness.press("q")
            await shared.expectRestored(harness, status: "0")
        }
        await fast.stop()
    }
}

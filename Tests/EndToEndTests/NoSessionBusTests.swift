import AtlasAPI
import AtlasSimulator
import Foundation
import Testing

/// Issue 11's acceptance: the same binary on a server or in a container, with no session
/// D-Bus at all (no DBUS_SESSION_BUS_ADDRESS, no bus socket), works from environment
/// credentials and says nothing about a keyring.
@Suite("No session D-Bus: the binary works from the environment", .serialized)
struct NoSessionBusTests {
    /// The variables a server's cron job would set; the base URL too, as it is not the real Atlas.
    static func variables(_ machine: ZeroSetupMachine) -> [String: String] {
        ListCommandTests.environment(for: machine.simulator).merging(["MONGODB_ATLAS_PROJECT_ID": machine.project.id]) { $1 }
    }

    @Test("environment credentials, no bus: exact IDs, nothing on stderr, no secret in any output or file",
          arguments: [false, true])
    func environmentCredentials(runtimeDirectoryWithoutBus: Bool) async throws {
        try await ZeroSetupMachine.with(keyring: false) { machine in
            #expect(machine.environment["DBUS_SESSION_BUS_ADDRESS"] == nil)
            var extra = Self.variables(machine)
            if runtimeDirectoryWithoutBus {
                // Where systemd would put the bus, $XDG_RUNTIME_DIR/bus, is empty.
                let runtime = machine.home.appendingPathComponent("run")
                try FileManager.default.createDirectory(at: runtime, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                extra["XDG_RUNTIME_DIR"] = runtime.path
            }
            let run = try await machine.run(["list", "--project", machine.project.id, "--output", "json"], extra: extra)
            #expect(run.status == 0, "\(run.stderr)")
            struct Row: Decodable { var id: CertificateID }
            let rows = try JSONDecoder().decode([Row].self, from: Data(run.stdout.utf8))
            #expect(rows.map(\.id.decimal).sorted() == machine.expectedIDs.sorted())
            #expect(machine.expectedIDs.contains { (UInt64($0) ?? 0) > 1 << 53 })
            #expect(run.stderr.isEmpty, "\(run.stderr)")

            let verbose = try await machine.run(["check", "--verbose"], extra: extra)
            #expect([0, 1, 2].contains(verbose.status), "\(verbose.stderr)")
            #expect(verbose.stdout.hasPrefix("ATLAS-CERTS "))
            let mentions = verbose.stderr.split(separator: "\n").filter { $0.lowercased().contains("keyring") || $0.contains("D-Bus") }
            #expect(mentions.isEmpty, "\(mentions)")
            #expect(verbose.stderr.contains("from the environment"), "--verbose names the source:\n\(verbose.stderr)")
            #expect(machine.leaks(of: [machine.credentials.privateKey]) == [])
            machine.expectSearchFindsWrittenData()
        }
    }

    @Test("a v2 config.toml with no secrets and no bus: one line naming the variables to set, exit 1")
    func keyringProfileWithoutBus() async throws {
        try await ZeroSetupMachine.with(keyring: false) { machine in
            try machine.writeConfig(authType: "api_keys")
            let run = try await machine.run(["list", "--output", "json"])
            #expect(run.status == 1)
            #expect(run.stdout.isEmpty)
            let lines = run.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(run.stderr)")
            #expect(run.stderr.contains("MONGODB_ATLAS_PUBLIC_API_KEY"), "\(run.stderr)")
            #expect(machine.simulator.requestLog.isEmpty, "nothing was sent without credentials")
        }
    }

    @Test("the binary does not link libdbus or libsecret, so it starts where neither is installed")
    func noKeyringLibraries() async throws {
        let binary = try BrowserFixture.binary()
        let ldd = Process()
        ldd.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        ldd.arguments = [binary]
        let output = Pipe()
        ldd.standardOutput = output
        ldd.standardError = FileHandle.nullDevice
        try ldd.run()
        // Read on a Dispatch thread, never blocking the cooperative pool.
        let text: String = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let data = output.fileHandleForReading.readDataToEndOfFile()
                ldd.waitUntilExit()
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }
        }
        #expect(ldd.terminationStatus == 0)
        #expect(text.contains("libc.so"), "\(text)")
        #expect(!text.contains("libdbus") && !text.contains("libsecret") && !text.contains("libglib"), "\(text)")
    }
}

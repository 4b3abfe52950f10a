import AtlasAPI
import AtlasSimulator
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the real `atlas-certs create` against an in-process simulator (the runner and the
/// environment are ListCommandTests').
@Suite("atlas-certs create, end to end")
struct CreateCommandTests {
    static func data(seed: UInt64) -> SimulatorData {
        SimulatorData.generate(seed: seed, now: Date(), organizations: 1, projectsPerOrganization: 1, usersPerProject: 12,
                               certificatesPerManagedUser: 1, managedFraction: 0.5)
    }

    /// A fresh empty directory, removed after `body`.
    static func inDirectory(_ body: (URL) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("atlas-certs-create-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(directory)
    }

    static func mode(_ path: String) throws -> mode_t {
        var status = stat()
        try #require(lstat(path, &status) == 0, "cannot stat \(path)")
        return status.st_mode & 0o7777
    }

    static func entries(_ directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    /// The details of the certificate block of `pem` (the key block is not parsed).
    static func details(_ pem: String) throws -> IssuedCertificateDetails {
        let end = "-----END CERTIFICATE-----"
        let start = try #require(pem.range(of: "-----BEGIN CERTIFICATE-----"))
        let stop = try #require(pem.range(of: end, range: start.upperBound..<pem.endIndex))
        return try IssuedCertificateDetails(certificatePEM: String(pem[start.lowerBound..<stop.upperBound]) + "\n")
    }

    struct ListedRow: Decodable {
        var id: CertificateID
        var notAfter: Date
        var username: String?
    }

    static func listed(_ simulator: AtlasSimulator, project: String, user: String) async throws -> [ListedRow] {
        let run = try await ListCommandTests.atlasCerts(["list", "--project", project, "--user", user, "--output", "json"],
                                                        environment: ListCommandTests.environment(for: simulator))
        try #require(run.status == 0, "\(run.stderr)")
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode([ListedRow].self, from: Data(run.stdout.utf8))
    }

    static func noPrivateKeyShown(_ run: ListCommandTests.Run) {
        #expect(!run.stdout.contains("PRIVATE KEY"))
        #expect(!run.stderr.contains("PRIVATE KEY"))
    }

    @Test("writes certificate and key with mode 0600; the serial is the new certificate's ID in the next list")
    func creates() async throws {
        let data = Self.data(seed: 51)
        let simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(), data: data)
        defer { Task { try? await simulator.shutdown() } }
        let project = data.projects[0]
        let user = try #require(data.users.first { $0.hasManagedCertificates })
        try await Self.inDirectory { directory in
            let path = directory.appendingPathComponent("client.pem").path
            let before = try await Self.listed(simulator, project: project.id, user: user.username)
            simulator.resetRequestLog()
            let run = try await ListCommandTests.atlasCerts(
                ["create", "--project", project.name, "--user", user.username, "--months", "6", "--out", path],
                environment: ListCommandTests.environment(for: simulator))
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.isEmpty, "\(run.stderr)")
            Self.noPrivateKeyShown(run)
            #expect(simulator.requestCount(.certsCreate) == 1)

            #expect(try Self.mode(path) == 0o600)
            #expect(try Self.entries(directory) == ["client.pem"], "no temporary file left")
            let pem = try String(contentsOfFile: path, encoding: .utf8)
            #expect(pem.hasPrefix("-----BEGIN CERTIFICATE-----"))
            #expect(pem.contains("-----BEGIN PRIVATE KEY-----"))
            let details = try Self.details(pem)
            #expect(details.id.value > 1 << 53)

            let after = try await Self.listed(simulator, project: project.id, user: user.username)
            #expect(!before.map(\.id).contains(details.id))
            let row = try #require(after.first { $0.id == details.id }, "the new certificate is listed under its serial")
            #expect(row.notAfter == details.notAfter)
            #expect(after.count == before.count + 1)

            #expect(run.stdout.contains("Created certificate \(details.id.decimal) "))
            #expect(run.stdout.contains("serial   \(details.id.hexSerial)"))
            #expect(run.stdout.contains("expires  \(CertificateCreationReport.utc(details.notAfter))"))
            #expect(run.stdout.contains("file     \(path) (mode 0600"))
        }
    }

    @Test("an existing file is not replaced without --force: exit 1, bytes unchanged, no certificate created; --force replaces it")
    func noOverwrite() async throws {
        let data = Self.data(seed: 52)
        let simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(), data: data)
        defer { Task { try? await simulator.shutdown() } }
        let project = data.projects[0]
        let user = try #require(data.users.last { $0.hasManagedCertificates })
        try await Self.inDirectory { directory in
            let url = directory.appendingPathComponent("client.pem")
            let original = Data("the previous key, to keep\n".utf8)
            try original.write(to: url)
            chmod(url.path, 0o644)
            let certificatesBefore = simulator.data.certificates(groupId: project.id, username: user.username).count

            let refused = try await ListCommandTests.atlasCerts(
                ["create", "--project", project.id, "--user", user.username, "--out", url.path],
                environment: ListCommandTests.environment(for: simulator))
            #expect(refused.status == 1)
            #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
            #expect(refused.stderr.contains("already exists") && refused.stderr.contains("--force"), "\(refused.stderr)")
            #expect(refused.stdout.isEmpty)
            #expect(try Data(contentsOf: url) == original)
            #expect(try Self.entries(directory) == ["client.pem"])
            #expect(simulator.requestCount(.certsCreate) == 0)
            #expect(simulator.requestLog.allSatisfy { $0.method == "GET" })
            #expect(simulator.data.certificates(groupId: project.id, username: user.username).count == certificatesBefore)

            let forced = try await ListCommandTests.atlasCerts(
                ["create", "--project", project.id, "--user", user.username, "--out", url.path, "--force"],
                environment: ListCommandTests.environment(for: simulator))
            #expect(forced.status == 0, "\(forced.stderr)")
            Self.noPrivateKeyShown(forced)
            #expect(simulator.requestCount(.certsCreate) == 1)
            #expect(try Self.mode(url.path) == 0o600)
            #expect(try Self.entries(directory) == ["client.pem"])
            let details = try Self.details(try String(contentsOf: url, encoding: .utf8))
            #expect(simulator.data.certificates(groupId: project.id, username: user.username).map(\.id).contains(details.id))
        }
    }

    @Test("users that are not Atlas-managed X.509 are refused, naming how they authenticate; no POST is sent",
          arguments: ["SCRAM", "CUSTOMER", "OIDC"])
    func notManaged(_ kind: String) async throws {
        let data = Self.data(seed: 53)
        let simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(), data: data)
        defer { Task { try? await simulator.shutdown() } }
        let user: DatabaseUser
        let expected: String
        switch kind {
        case "SCRAM":
            user = try #require(data.users.first { $0.databaseName == "admin" && $0.oidcAuthType == "NONE" })
            expected = "authenticates with password (SCRAM), x509Type NONE"
        case "CUSTOMER":
            user = try #require(data.users.first { $0.x509Type == .customer })
            expected = "x509Type CUSTOMER"
        default:
            user = try #require(data.users.first { $0.oidcAuthType == "IDP_GROUP" })
            expected = "OIDC (oidcAuthType IDP_GROUP)"
        }
        try await Self.inDirectory { directory in
            let run = try await ListCommandTests.atlasCerts(
                ["create", "--project", user.groupId, "--user", user.username, "--out", directory.appendingPathComponent("x.pem").path],
                environment: ListCommandTests.environment(for: simulator))
            #expect(run.status == 1)
            #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
            #expect(run.stderr.contains(expected), "\(run.stderr)")
            #expect(run.stderr.contains("only Atlas-managed X.509 users (x509Type MANAGED) can get certificates"))
            #expect(simulator.requestCount(.certsCreate) == 0)
            #expect(simulator.requestLog.allSatisfy { $0.method == "GET" })
            #expect(try Self.entries(directory) == [])
        }
    }

    @Test("--out - writes the PEM to stdout and the summary to stderr")
    func toStandardOutput() async throws {
        let data = Self.data(seed: 54)
        let simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(), data: data)
        defer { Task { try? await simulator.shutdown() } }
        let user = try #require(data.users.first { $0.hasManagedCertificates && $0.username.hasPrefix("CN=") } ?? data.users.first { $0.hasManagedCertificates })
        let run = try await ListCommandTests.atlasCerts(["create", "--project", user.groupId, "--user", user.username, "--out", "-"],
                                                        environment: ListCommandTests.environment(for: simulator))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(run.stdout.contains("-----BEGIN PRIVATE KEY-----"))
        #expect(!run.stderr.contains("PRIVATE KEY"))
        let details = try Self.details(run.stdout)
        #expect(run.stderr.contains("Created certificate \(details.id.decimal) "))
        #expect(run.stderr.contains("standard output"))
        #expect(try await Self.listed(simulator, project: user.groupId, user: user.username).map(\.id).contains(details.id))
    }

    @Test("refused before any request: a missing directory, a directory as --out, --months outside 1...24")
    func refusedEarly() async throws {
        let data = Self.data(seed: 55)
        let simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(), data: data)
        defer { Task { try? await simulator.shutdown() } }
        let user = try #require(data.users.first { $0.hasManagedCertificates })
        try await Self.inDirectory { directory in
            let cases: [(arguments: [String], status: Int32, says: String)] = [
                (["--out", directory.appendingPathComponent("missing/x.pem").path], 1, "does not exist"),
                (["--out", directory.path], 1, "is a directory"),
                (["--out", directory.appendingPathComponent("x.pem").path, "--months", "25"], 64, "--months must be between 1 and 24"),
                (["--out", directory.appendingPathComponent("x.pem").path, "--months", "0"], 64, "--months must be between 1 and 24"),
            ]
            for (arguments, status, says) in cases {
                let run = try await ListCommandTests.atlasCerts(["create", "--project", user.groupId, "--user", user.username] + arguments,
                                                                environment: ListCommandTests.environment(for: simulator))
                #expect(run.status == status, "\(arguments): \(run.stderr)")
                #expect(run.stderr.contains(says), "\(arguments): \(run.stderr)")
            }
            #expect(simulator.requestLog.isEmpty)
            #expect(try Self.entries(directory) == [])
        }
    }

    @Test("--force refuses a FIFO, a character device and a symlink with one line, before any POST; nothing is replaced")
    func forceRefusesSpecialFiles() async throws {
        let data = Self.data(seed: 56)
        let simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(), data: data)
        defer { Task { try? await simulator.shutdown() } }
        let user = try #require(data.users.first { $0.hasManagedCertificates })
        try await Self.inDirectory { directory in
            let fifo = directory.appendingPathComponent("pipe").path
            try #require(mkfifo(fifo, 0o600) == 0)
            let real = directory.appendingPathComponent("real.pem")
            try Data("keep me\n".utf8).write(to: real)
            let link = directory.appendingPathComponent("link.pem").path
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real.path)
            // /dev/null is only named, never written: the refusal comes before anything is opened.
            let cases: [(path: String, says: String)] = [
                (fifo, "is a FIFO (named pipe), not a regular file"),
                ("/dev/null", "is a character device, not a regular file"),
                (link, "is a symbolic link"),
            ]
            for (path, says) in cases {
                let run = try await ListCommandTests.atlasCerts(
                    ["create", "--project", user.groupId, "--user", user.username, "--out", path, "--force"],
                    environment: ListCommandTests.environment(for: simulator))
                #expect(run.status == 1, "\(path): \(run.stderr)")
                #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
                #expect(run.stderr.contains(says), "\(path): \(run.stderr)")
                #expect(run.stdout.isEmpty)
            }
            #expect(simulator.requestCount(.certsCreate) == 0)
            #expect(simulator.requestLog.allSatisfy { $0.method == "GET" })
            var status = stat()
            #expect(lstat(fifo, &status) == 0 && status.st_mode & 0o170000 == 0o010000, "still a FIFO")
            #expect(lstat("/dev/null", &status) == 0 && status.st_mode & 0o170000 == 0o020000, "still a device")
            #expect(lstat(link, &status) == 0 && status.st_mode & 0o170000 == 0o120000, "still a link")
            #expect(try String(contentsOf: real, encoding: .utf8) == "keep me\n")
            #expect(try Self.entries(directory) == ["link.pem", "pipe", "real.pem"])
        }
    }

    @Test("--out /dev/stdout and /dev/fd/1 are --out -: the PEM goes to stdout, nothing is replaced", arguments: ["/dev/stdout", "/dev/fd/1"])
    func namedStandardOutput(_ out: String) async throws {
        let data = Self.data(seed: 57)
        let simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(), data: data)
        defer { Task { try? await simulator.shutdown() } }
        let user = try #require(data.users.first { $0.hasManagedCertificates })
        let run = try await ListCommandTests.atlasCerts(["create", "--project", user.groupId, "--user", user.username, "--out", out, "--force"],
                                                        environment: ListCommandTests.environment(for: simulator))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(run.stdout.contains("-----BEGIN PRIVATE KEY-----"))
        #expect(run.stderr.contains("standard output"), "\(run.stderr)")
        var status = stat()
        #expect(lstat("/dev/stdout", &status) == 0 && status.st_mode & 0o170000 == 0o120000, "/dev/stdout is still a link")
    }

    /// The number of the POST among a create's authenticated calls, from a fault-free run.
    static func postCallNumber(seed: UInt64) async throws -> Int {
        let data = Self.data(seed: seed)
        let simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(), data: data)
        defer { Task { try? await simulator.shutdown() } }
        let user = try #require(data.users.first { $0.hasManagedCertificates })
        let run = try await ListCommandTests.atlasCerts(["create", "--project", user.groupId, "--user", user.username, "--out", "-"],
                                                        environment: ListCommandTests.environment(for: simulator))
        try #require(run.status == 0, "\(run.stderr)")
        let authenticated = simulator.requestLog.filter(\.authenticated)
        let post = try #require(authenticated.firstIndex { $0.method == "POST" })
        return post + 1
    }

    @Test("a POST whose answer is lost, a 5xx, an HTML page or half a PEM: exit 1, one line saying a certificate may have been issued, nothing written, sent once",
          arguments: ["drop", "fail", "cut"])
    func uncertainAnswers(_ fault: String) async throws {
        let seed: UInt64 = 58
        let call = try await Self.postCallNumber(seed: seed)
        let faults: FaultConfiguration = switch fault {
        case "drop": FaultConfiguration(dropEvery: call)
        case "fail": FaultConfiguration(failEvery: call)
        default: FaultConfiguration(cutBodyEvery: call)
        }
        let data = Self.data(seed: seed)
        let simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(faults: faults), data: data)
        defer { Task { try? await simulator.shutdown() } }
        let user = try #require(data.users.first { $0.hasManagedCertificates })
        try await Self.inDirectory { directory in
            let path = directory.appendingPathComponent("client.pem").path
            let run = try await ListCommandTests.atlasCerts(["create", "--project", user.groupId, "--user", user.username, "--out", path],
                                                            environment: ListCommandTests.environment(for: simulator))
            #expect(run.status == 1, "\(fault): \(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
            #expect(run.stderr.contains("may have issued a certificate") || run.stderr.contains("may have been issued") || run.stderr.contains("Atlas issued certificate "), "\(fault): \(run.stderr)")
            #expect(run.stdout.isEmpty)
            Self.noPrivateKeyShown(run)
            #expect(simulator.requestLog.filter { $0.method == "POST" }.count == 1, "the POST is never retried")
            #expect(try Self.entries(directory) == [])
        }
    }
}

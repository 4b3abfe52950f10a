import Foundation
import Testing
@testable import AtlasAPI
#if canImport(Glibc)
import Glibc
#endif

/// A private session D-Bus with a real gnome-keyring on it, for the Secret Service tests.
///
/// Starts `dbus-daemon` with a configuration of its own (no service activation, so only
/// the daemons started here answer), then `gnome-keyring-daemon --foreground --unlock`
/// with a password on stdin, which creates and unlocks the `login` collection in a fresh
/// HOME. Items are stored with `secret-tool` and the attributes go-keyring uses. Every
/// wait polls a real condition (the socket, the name's owner) with a deadline.
final class KeyringHarness: @unchecked Sendable {
    static let tools = ["/usr/bin/dbus-daemon", "/usr/bin/gnome-keyring-daemon", "/usr/bin/secret-tool"]
    /// Why the real-keyring tests cannot run here, or nil when they can.
    static let missingTool: String? = tools.first { !FileManager.default.isExecutableFile(atPath: $0) }
    static var isAvailable: Bool { missingTool == nil }
    /// The trait of every test that needs the real daemons: not run, with the reason, without them.
    static var required: ConditionTrait { .enabled(if: isAvailable, Comment(rawValue: skipReason)) }
    static let skipReason = "dbus-daemon, gnome-keyring-daemon or secret-tool is not installed (.ci/run installs dbus, gnome-keyring, libsecret-tools): the real Secret Service is not exercised"

    let directory: URL
    let busPath: String
    /// Where the bus listens: the socket file, or a Linux abstract name.
    let address: DBusSocketAddress
    private var processes: [Process] = []

    /// The environment a client of this bus gets.
    var environment: [String: String] {
        ["DBUS_SESSION_BUS_ADDRESS": address.description, "HOME": directory.appendingPathComponent("home").path,
         "XDG_RUNTIME_DIR": directory.appendingPathComponent("run").path,
         "XDG_DATA_HOME": directory.appendingPathComponent("home/.local/share").path,
         "PATH": "/usr/bin:/bin"]
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// - Parameters:
    ///   - keyring: false starts the bus alone (no Secret Service on it).
    ///   - abstract: listen on a Linux abstract socket instead of a socket file.
    init(keyring: Bool = true, abstract: Bool = false) throws {
        // Short: a Unix socket path may not exceed 107 bytes.
        directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("akr-\(UUID().uuidString.prefix(8))")
        busPath = directory.appendingPathComponent("bus").path
        address = abstract ? .abstract(busPath) : .path(busPath)
        let manager = FileManager.default
        for folder in ["home", "run"] {
            try manager.createDirectory(at: directory.appendingPathComponent(folder), withIntermediateDirectories: true,
                                        attributes: [.posixPermissions: 0o700])
        }
        let config = directory.appendingPathComponent("bus.conf")
        try """
        <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
         "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
        <busconfig>
          <type>session</type>
          <listen>\(address)</listen>
          <auth>EXTERNAL</auth>
          <policy context="default">
            <allow send_destination="*" eavesdrop="true"/>
            <allow eavesdrop="true"/>
            <allow own="*"/>
          </policy>
        </busconfig>
        """.write(to: config, atomically: true, encoding: .utf8)
        do {
            try start("/usr/bin/dbus-daemon", ["--config-file=\(config.path)", "--nofork"])
            try waitFor("the bus socket") { self.connects() }
            if keyring {
                try start("/usr/bin/gnome-keyring-daemon", ["--foreground", "--unlock", "--components=secrets"], input: "harness")
                try waitFor("gnome-keyring's unlocked login collection") { self.loginCollectionIsReady() }
            }
        } catch {
            stop()
            throw error
        }
    }

    deinit { stop() }

    // MARK: Off the cooperative pool
    //
    // Starting daemons and running secret-tool block (waits, polls); done on a test's
    // task they would hold one of the pool's few threads for seconds and delay every other
    // test's continuations (a 0.5 s timeout measured 6 s in a full run). These run the
    // blocking work on a Dispatch thread.

    static func start(keyring: Bool = true, abstract: Bool = false) async throws -> KeyringHarness {
        try await offPool { try KeyringHarness(keyring: keyring, abstract: abstract) }
    }

    func stored(service: String, account: String, value: String) async throws {
        try await Self.offPool { try self.store(service: service, account: account, value: value) }
    }

    func lookedUp(service: String, account: String) async throws -> String? {
        try await Self.offPool { try self.lookup(service: service, account: account) }
    }

    func foundLabels(service: String, account: String) async throws -> [String] {
        try await Self.offPool { try self.labels(service: service, account: account) }
    }

    func locked() async throws {
        try await Self.offPool { try self.lockLoginCollection() }
    }

    func stopped() async {
        await Self.offPool { self.stop() }
    }

    private static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }

    private static func offPool(_ body: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                body()
                continuation.resume()
            }
        }
    }

    func stop() {
        // SIGKILL, not terminate(): Foundation spawns children with the spawning thread's
        // signal mask, and the test process's threads block SIGTERM, so the daemons would
        // never see it (and waitUntilExit would wait forever).
        for process in processes where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        processes = []
        try? FileManager.default.removeItem(at: directory)
    }

    /// Stores an item as go-keyring does: attributes `service` and `username`, its label.
    func store(service: String, account: String, value: String) throws {
        let status = try run("/usr/bin/secret-tool", ["store", "--label=Password for '\(account)' on '\(service)'",
                                                      "service", service, "username", account], input: value)
        guard status.code == 0 else { throw Failure(description: "secret-tool store exited \(status.code)") }
    }

    /// What `secret-tool lookup` finds for the item, nil when it finds nothing.
    func lookup(service: String, account: String) throws -> String? {
        let status = try run("/usr/bin/secret-tool", ["lookup", "service", service, "username", account], input: nil)
        return status.code == 0 ? status.output : nil
    }

    /// The labels of every item `secret-tool search --all` finds with these attributes. A
    /// go-keyring write replaces the item, so the CLI's items are always one per pair.
    func labels(service: String, account: String) throws -> [String] {
        let status = try run("/usr/bin/secret-tool", ["search", "--all", "service", service, "username", account], input: nil)
        return status.output.split(separator: "\n").filter { $0.hasPrefix("label = ") }.map { String($0.dropFirst("label = ".count)) }
    }

    /// Locks the login collection over D-Bus (`Service.Lock` needs no prompt in
    /// gnome-keyring; `secret-tool lock` crashes or hangs on this version).
    func lockLoginCollection() throws {
        let connection = try DBusConnection(address: address, uid: UInt32(getuid()), timeout: 5)
        defer { connection.close() }
        let reply = try connection.call(destination: SecretServiceCalls.destination, path: SecretServiceCalls.servicePath,
                                        interface: SecretServiceCalls.serviceInterface, member: "Lock",
                                        body: [.array(.objectPath, [.objectPath(SecretServiceCalls.loginCollectionPath)])])
        guard reply.first?.objectPaths == [SecretServiceCalls.loginCollectionPath] else {
            throw Failure(description: "Lock answered \(reply)")
        }
    }

    // MARK: Processes

    private func start(_ executable: String, _ arguments: [String], input: String? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        processes.append(process)
        if let input { try stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
    }

    private func run(_ executable: String, _ arguments: [String], input: String?) throws -> (code: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let stdin = Pipe()
        process.standardInput = stdin
        let ended = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in ended.signal() }
        try process.run()
        if let input { try stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        // Wait first, read after: the output is a line, and a hung tool must not block the read.
        guard ended.wait(timeout: .now() + 15) == .success else {
            kill(process.processIdentifier, SIGKILL)
            throw Failure(description: "\(executable) did not finish within 15 s")
        }
        let text = output.fileHandleForReading.readDataToEndOfFile()
        return (process.terminationStatus, String(decoding: text, as: UTF8.self))
    }

    private func waitFor(_ what: String, seconds: Double = 15, _ condition: () -> Bool) throws {
        let deadline = DBusConnection.now() + seconds
        while !condition() {
            guard DBusConnection.now() < deadline else { throw Failure(description: "\(what) did not come up within \(seconds) s") }
            usleep(20_000) // a poll interval, not a wait for the result
        }
    }

    private func connects() -> Bool {
        (try? DBusConnection(address: address, uid: UInt32(getuid()), timeout: 2))?.close() != nil
    }

    /// gnome-keyring owns its name before it has made the login collection; wait for that.
    private func loginCollectionIsReady() -> Bool {
        guard let connection = try? DBusConnection(address: address, uid: UInt32(getuid()), timeout: 2) else { return false }
        defer { connection.close() }
        guard let owned = try? connection.call(destination: "org.freedesktop.DBus", path: "/org/freedesktop/DBus",
                                               interface: "org.freedesktop.DBus", member: "NameHasOwner",
                                               body: [.string(SecretServiceCalls.destination)]),
              owned.first?.boolValue == true,
              let collections = try? connection.call(destination: SecretServiceCalls.destination, path: SecretServiceCalls.servicePath,
                                                     interface: SecretServiceCalls.propertiesInterface, member: "Get",
                                                     body: [.string(SecretServiceCalls.serviceInterface), .string("Collections")])
        else { return false }
        return SecretServiceCalls.loginCollection(collectionsProperty: collections) != nil
    }
}

/// A Unix socket that accepts connections (the kernel completes them from the backlog)
/// and never says a word: a bus that does not answer.
final class SilentUnixSocket {
    let path: String
    private let descriptor: Int32

    init() throws {
        path = "/tmp/akr-silent-\(UUID().uuidString.prefix(8))"
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw KeyringHarness.Failure(description: "socket failed") }
        descriptor = fd
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(fd, 8) == 0 else {
            close(fd)
            throw KeyringHarness.Failure(description: "bind/listen failed (errno \(errno))")
        }
    }

    deinit {
        close(descriptor)
        unlink(path)
    }
}

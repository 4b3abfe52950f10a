import Foundation

/// The macOS keyring as go-keyring's darwin backend reaches it: `/usr/bin/security`.
///
/// Reading runs `security find-generic-password -s <service> -a <account> -w`, decoded by
/// `MacKeychainOutput`. Writing sends `add-generic-password -U … -w <value>` on the stdin of
/// `security -i`, as go-keyring does, so the value never appears in a process listing;
/// the value is stored with go-keyring's base64 prefix, which the CLI decodes.
/// Each run is bounded by `timeout` (a keychain waiting for a password dialog that nobody
/// answers is ended, not waited for).
public struct MacKeychain: Keyring {
    public static let toolPath = "/usr/bin/security"
    private let timeout: Double
    private let executable: String

    /// - Parameter executable: `security`, or a stand-in that prints recorded output (tests).
    public init(timeout: Double = 5, executable: String = MacKeychain.toolPath) {
        self.timeout = timeout
        self.executable = executable
    }

    public func read(_ item: KeyringItemName) async throws -> Secret? {
        let run = try await Self.run(["find-generic-password", "-s", item.service, "-a", item.account, "-w"],
                                     input: nil, timeout: timeout, executable: executable)
        switch MacKeychainOutput.decode(status: run.status, stdout: run.stdout, stderr: run.stderr) {
        case .value(let secret): return secret
        case .notFound: return nil
        case .failure(let failure): throw failure
        }
    }

    public func write(_ item: KeyringItemName, value: Secret, label: String) async throws {
        let command = value.withValue { text in
            let encoded = MacKeychainOutput.base64Prefix + Data(text.utf8).base64EncodedString()
            return ["add-generic-password", "-U", "-s", item.service, "-a", item.account, "-l", label, "-w", encoded]
                .map(Self.shellQuoted).joined(separator: " ") + "\n"
        }
        let run = try await Self.run(["-i"], input: command, timeout: timeout, executable: executable)
        if case .failure(let failure) = MacKeychainOutput.decode(status: run.status, stdout: "", stderr: run.stderr) {
            throw failure
        }
    }

    /// `security -i` splits its lines as a shell would; single quotes keep every byte.
    static func shellQuoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    struct Run: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `security` on a Dispatch thread (waiting blocks) and gives its status and output.
    static func run(_ arguments: [String], input: String?, timeout: Double,
                    executable: String = toolPath) async throws -> Run {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runBlocking(arguments, input: input, timeout: timeout, executable: executable) })
            }
        }
    }

    static func runBlocking(_ arguments: [String], input: String?, timeout: Double, executable: String) throws -> Run {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw KeyringFailure.unavailable("\(executable) is not there")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe(), stdin = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = stdin
        let ended = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in ended.signal() }
        do {
            try process.run()
        } catch {
            throw KeyringFailure.unavailable("\(executable) could not be started")
        }
        if let input { try? stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8)) }
        try? stdin.fileHandleForWriting.close()
        // The outputs are a line or two: read to the end while the process runs, so that
        // neither pipe can fill up and stall it.
        let collected = OutputCollector()
        let group = DispatchGroup()
        for (pipe, isError) in [(output, false), (errors, true)] {
            DispatchQueue.global().async(group: group) {
                collected.set(pipe.fileHandleForReading.readDataToEndOfFile(), isError: isError)
            }
        }
        if ended.wait(timeout: .now() + timeout) == .timedOut {
            // SIGKILL: a child spawned from a thread that blocks SIGTERM inherits the block.
            kill(process.processIdentifier, SIGKILL)
            throw KeyringFailure.timedOut(seconds: timeout)
        }
        group.wait()
        let (stdoutData, stderrData) = collected.values
        return Run(status: process.terminationStatus,
                   stdout: String(decoding: stdoutData, as: UTF8.self),
                   stderr: String(decoding: stderrData, as: UTF8.self))
    }
}

/// The two outputs, each written once from its reader thread.
private final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var stdout = Data()
    private var stderr = Data()

    func set(_ data: Data, isError: Bool) {
        lock.lock()
        defer { lock.unlock() }
        if isError { stderr = data } else { stdout = data }
    }

    var values: (Data, Data) {
        lock.lock()
        defer { lock.unlock() }
        return (stdout, stderr)
    }
}

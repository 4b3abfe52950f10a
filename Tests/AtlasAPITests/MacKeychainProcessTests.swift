import Foundation
import Testing
@testable import AtlasAPI

/// `MacKeychain`'s process handling, with a shell script standing in for
/// `/usr/bin/security` (these machines have no macOS): arguments, recorded outputs,
/// exit status 44, stdin for writes, and the timeout.
@Suite("macOS keychain through a stand-in for security")
struct MacKeychainProcessTests {
    /// A script in a fresh folder; `body` is its shell text. Returns its path; `remove`
    /// deletes the folder.
    static func standIn(_ body: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("akc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("security").path
        // Written through a close-on-exec descriptor: a child another test spawns meanwhile
        // must not inherit it open for writing, or starting the script fails with ETXTBSY
        // ("could not be started"; seen once in a full run with Foundation's write).
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o700)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let file = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
        defer { try? file.close() }
        try file.write(contentsOf: Data(("#!/bin/sh\n" + body).utf8))
        return path
    }

    static func remove(_ script: String) {
        try? FileManager.default.removeItem(atPath: (script as NSString).deletingLastPathComponent)
    }

    @Test("read passes -s service -a account -w and decodes go-keyring's base64 prefix")
    func read() async throws {
        // Echoes its arguments to a file beside it, prints a recorded value.
        let script = try Self.standIn("""
            printf '%s\\n' "$@" > "$(dirname "$0")/args"
            printf 'go-keyring-base64:%s\\n' "$(printf 's3cr3t' | base64)"
            """)
        defer { Self.remove(script) }
        let keyring = MacKeychain(executable: script)
        let value = try await keyring.read(.atlasCLI(profile: "work", property: "client_secret"))
        #expect(value?.withValue { $0 } == "s3cr3t")
        let arguments = try String(contentsOfFile: (script as NSString).deletingLastPathComponent + "/args", encoding: .utf8)
        #expect(arguments == "find-generic-password\n-s\natlascli_work\n-a\nclient_secret\n-w\n")
    }

    @Test("status 44 is a missing item; another failure is one line without output")
    func statuses() async throws {
        let missingScript = try Self.standIn("echo 'security: SecKeychainSearchCopyNext: The specified item could not be found in the keychain.' >&2; exit 44")
        let failingScript = try Self.standIn("echo boom >&2; exit 51")
        defer { Self.remove(missingScript); Self.remove(failingScript) }
        let missing = MacKeychain(executable: missingScript)
        #expect(try await missing.read(.atlasCLI(profile: "p", property: "public_api_key")) == nil)
        let failing = MacKeychain(executable: failingScript)
        await #expect(throws: KeyringFailure.failed("`security find-generic-password` exited with status 51")) {
            try await failing.read(.atlasCLI(profile: "p", property: "public_api_key"))
        }
    }

    @Test("write sends the command on stdin, never in the arguments, with the value base64-prefixed")
    func write() async throws {
        let script = try Self.standIn("""
            printf '%s\\n' "$@" > "$(dirname "$0")/args"
            cat > "$(dirname "$0")/stdin"
            """)
        defer { Self.remove(script) }
        try await MacKeychain(executable: script).write(.atlasCLI(profile: "p", property: "access_token"), value: Secret("it's-secret"), label: "L")
        let folder = (script as NSString).deletingLastPathComponent
        let arguments = try String(contentsOfFile: folder + "/args", encoding: .utf8)
        let stdin = try String(contentsOfFile: folder + "/stdin", encoding: .utf8)
        #expect(arguments == "-i\n")
        #expect(!arguments.contains("secret"))
        let encoded = "go-keyring-base64:" + Data("it's-secret".utf8).base64EncodedString()
        #expect(stdin == "'add-generic-password' '-U' '-s' 'atlascli_p' '-a' 'access_token' '-l' 'L' '-w' '\(encoded)'\n")
        #expect(MacKeychain.shellQuoted("it's") == #"'it'\''s'"#)
    }

    @Test("a security that never returns is ended at the timeout")
    func timeout() async throws {
        let script = try Self.standIn("exec sleep 30")
        defer { Self.remove(script) }
        let keyring = MacKeychain(timeout: 0.5, executable: script)
        await #expect(throws: KeyringFailure.timedOut(seconds: 0.5)) {
            try await keyring.read(.atlasCLI(profile: "p", property: "public_api_key"))
        }
        // The stand-in sleeps 30 s and would then exit 0 with no output: only the timeout
        // gives `.timedOut`. No wall-clock bound: a loaded 2-core run starved this task
        // for over 20 s.
    }

    @Test("no security binary: no keyring")
    func absent() async {
        await #expect(throws: KeyringFailure.unavailable("/nonexistent/security is not there")) {
            try await MacKeychain(executable: "/nonexistent/security").read(.atlasCLI(profile: "p", property: "client_id"))
        }
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension CredentialResolver {
    /// A resolver over this machine's file system and platform, and by default this
    /// process's environment (tests and the demo pass their own).
    public static func system(environment: [String: String] = ProcessInfo.processInfo.environment) -> CredentialResolver {
        // Go's os.UserHomeDir, which the CLI uses, reads $HOME.
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return CredentialResolver(environment: environment, homeDirectory: home, platform: .current, readFile: readFromDisk)
    }

    private struct UnreadableFile: Error {}

    /// The file's text and mode, following symlinks as the CLI does; nil when nothing is there.
    @Sendable static func readFromDisk(_ path: String) throws -> File? {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw UnreadableFile()
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw UnreadableFile() }
        return File(contents: String(decoding: data, as: UTF8.self), mode: UInt32(status.st_mode) & 0o7777)
    }
}

@testable import AtlasAPI
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The PEM file writer: mode 0600, atomic, never over an existing file without `replace`,
/// nothing left behind when it fails.
@Suite("PEM file writer")
struct PEMFileWriterTests {
    static let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n"

    /// A fresh empty directory, removed after `body`.
    static func inDirectory(_ body: (URL) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pem-writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory)
    }

    static func mode(_ path: String) throws -> mode_t {
        var status = stat()
        try #require(lstat(path, &status) == 0, "cannot stat \(path)")
        return status.st_mode & 0o7777
    }

    static func entries(_ directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    @Test("a new file: mode 0600 (checked with stat), exact bytes, no temporary file left", arguments: [true, false])
    func newFile(hardLinks: Bool) throws {
        try Self.inDirectory { directory in
            let path = directory.appendingPathComponent("app.pem").path
            let writer = PEMFileWriter(path: path, replace: false, hardLinks: hardLinks)
            try writer.preflight()
            try writer.write(Self.pem)
            #expect(try Self.mode(path) == 0o600)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == Self.pem)
            #expect(try Self.entries(directory) == ["app.pem"])
        }
    }

    @Test("an existing file is refused, before and at the last moment; its bytes stay; nothing left behind", arguments: [true, false])
    func refusesExisting(hardLinks: Bool) throws {
        try Self.inDirectory { directory in
            let path = directory.appendingPathComponent("app.pem").path
            let original = Data("original bytes\n".utf8)
            try original.write(to: URL(fileURLWithPath: path))
            let writer = PEMFileWriter(path: path, replace: false, hardLinks: hardLinks)
            let early = #expect(throws: PEMWriteError.self) { try writer.preflight() }
            #expect(early?.kind == .exists)
            #expect(early?.message.contains("--force") == true)
            // write() alone decides with link()/O_EXCL, as when the file appears after the check.
            let late = #expect(throws: PEMWriteError.self) { try writer.write(Self.pem) }
            #expect(late?.kind == .exists)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == original)
            #expect(try Self.entries(directory) == ["app.pem"])
        }
    }

    @Test("a dangling symlink counts as existing and is not followed")
    func danglingSymlink() throws {
        try Self.inDirectory { directory in
            let path = directory.appendingPathComponent("app.pem").path
            let target = directory.appendingPathComponent("elsewhere.pem").path
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
            let writer = PEMFileWriter(path: path, replace: false)
            #expect(throws: PEMWriteError.self) { try writer.preflight() }
            #expect(throws: PEMWriteError.self) { try writer.write(Self.pem) }
            #expect(!FileManager.default.fileExists(atPath: target))
            #expect(try Self.entries(directory) == ["app.pem"])
        }
    }

    @Test("replace (--force) swaps the file atomically: new bytes, mode 0600 even if it was 0644")
    func replaces() throws {
        try Self.inDirectory { directory in
            let path = directory.appendingPathComponent("app.pem").path
            try Data("old\n".utf8).write(to: URL(fileURLWithPath: path))
            chmod(path, 0o644)
            let writer = PEMFileWriter(path: path, replace: true)
            try writer.preflight()
            try writer.write(Self.pem)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == Self.pem)
            #expect(try Self.mode(path) == 0o600)
            #expect(try Self.entries(directory) == ["app.pem"])
        }
    }

    @Test("a directory as the target is refused, with or without replace; nothing left behind", arguments: [true, false])
    func directoryTarget(replace: Bool) throws {
        try Self.inDirectory { directory in
            let path = directory.appendingPathComponent("sub").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            let writer = PEMFileWriter(path: path, replace: replace)
            let error = #expect(throws: PEMWriteError.self) { try writer.preflight() }
            #expect(error?.kind == .isDirectory)
            #expect(throws: PEMWriteError.self) { try writer.write(Self.pem) }
            #expect(try Self.entries(directory) == ["sub"])
            #expect(try Self.entries(URL(fileURLWithPath: path)) == [])
            #expect(throws: PEMWriteError.self) { try PEMFileWriter(path: directory.path + "/", replace: replace).preflight() }
        }
    }

    static func fileType(_ path: String) throws -> mode_t {
        var status = stat()
        try #require(lstat(path, &status) == 0, "cannot stat \(path)")
        return status.st_mode & 0o170000
    }

    @Test("--force never replaces a FIFO: refused by the check and by the write, still a FIFO, nothing left behind", arguments: [true, false])
    func fifoTarget(replace: Bool) throws {
        try Self.inDirectory { directory in
            let path = directory.appendingPathComponent("pipe").path
            try #require(mkfifo(path, 0o600) == 0)
            let writer = PEMFileWriter(path: path, replace: replace)
            let early = #expect(throws: PEMWriteError.self) { try writer.preflight() }
            #expect(early?.kind == .notRegularFile(type: "FIFO (named pipe)"))
            #expect(early?.message.contains("not a regular file") == true, "\(early?.message ?? "")")
            #expect(early?.message.contains("\n") == false)
            let late = #expect(throws: PEMWriteError.self) { try writer.write(Self.pem) }
            #expect(late?.kind == .notRegularFile(type: "FIFO (named pipe)"))
            #expect(try Self.fileType(path) == 0o010000, "still a FIFO")
            #expect(try Self.entries(directory) == ["pipe"])
        }
    }

    @Test("--force never replaces a character device (/dev/null is only checked, never written)")
    func characterDeviceTarget() throws {
        try #require(try Self.fileType("/dev/null") == 0o020000)
        let writer = PEMFileWriter(path: "/dev/null", replace: true)
        let early = #expect(throws: PEMWriteError.self) { try writer.preflight() }
        #expect(early?.kind == .notRegularFile(type: "character device"))
        // write() refuses before it creates anything in /dev.
        let late = #expect(throws: PEMWriteError.self) { try writer.write(Self.pem) }
        #expect(late?.kind == .notRegularFile(type: "character device"))
        #expect(try Self.fileType("/dev/null") == 0o020000)
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: "/dev")).contains { $0.hasPrefix(".null.") })
    }

    @Test("--force never replaces or follows a symlink, even to a regular file: link and target unchanged", arguments: [true, false])
    func symlinkToRegularFile(replace: Bool) throws {
        try Self.inDirectory { directory in
            let target = directory.appendingPathComponent("real.pem")
            let original = Data("the real file\n".utf8)
            try original.write(to: target)
            let path = directory.appendingPathComponent("app.pem").path
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target.path)
            let writer = PEMFileWriter(path: path, replace: replace)
            let early = #expect(throws: PEMWriteError.self) { try writer.preflight() }
            #expect(early?.kind == .symbolicLink)
            #expect(early?.message.contains("symbolic link") == true)
            let late = #expect(throws: PEMWriteError.self) { try writer.write(Self.pem) }
            #expect(late?.kind == .symbolicLink)
            #expect(try Self.fileType(path) == 0o120000, "still a link")
            #expect(try Data(contentsOf: target) == original)
            #expect(try Self.entries(directory) == ["app.pem", "real.pem"])
        }
    }

    @Test("a socket is refused with --force too")
    func socketTarget() throws {
        try Self.inDirectory { directory in
            let path = directory.appendingPathComponent("s").path
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            try #require(fd >= 0)
            defer { close(fd) }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            try #require(path.utf8.count < MemoryLayout.size(ofValue: address.sun_path))
            withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            try #require(bound == 0)
            let writer = PEMFileWriter(path: path, replace: true)
            #expect((#expect(throws: PEMWriteError.self) { try writer.preflight() })?.kind == .notRegularFile(type: "socket"))
            #expect(throws: PEMWriteError.self) { try writer.write(Self.pem) }
            #expect(try Self.fileType(path) == 0o140000)
        }
    }

    @Test("a missing directory is reported by the check, and the write creates nothing")
    func missingDirectory() throws {
        try Self.inDirectory { directory in
            let path = directory.appendingPathComponent("missing/app.pem").path
            let writer = PEMFileWriter(path: path, replace: false)
            let error = #expect(throws: PEMWriteError.self) { try writer.preflight() }
            #expect(error?.kind == .directoryMissing)
            #expect(throws: PEMWriteError.self) { try writer.write(Self.pem) }
            #expect(try Self.entries(directory) == [])
            let file = directory.appendingPathComponent("file").path
            try Data().write(to: URL(fileURLWithPath: file))
            let under = #expect(throws: PEMWriteError.self) { try PEMFileWriter(path: file + "/app.pem", replace: false).preflight() }
            #expect(under?.kind == .notADirectory)
        }
    }

    @Test("the directory of a path, and messages that hide control characters")
    func paths() {
        #expect(PEMFileWriter(path: "app.pem", replace: false).directory == ".")
        #expect(PEMFileWriter(path: "/app.pem", replace: false).directory == "/")
        #expect(PEMFileWriter(path: "keys/app.pem", replace: false).directory == "keys")
        #expect(PEMFileWriter(path: "/tmp/x.pem", replace: false).absolutePath == "/tmp/x.pem")
        #expect(PEMFileWriter(path: "x.pem", replace: false).absolutePath.hasSuffix("/x.pem"))
        let error = PEMWriteError(.exists, path: "/tmp/\u{1B}]52;c;x\u{07}.pem")
        #expect(!error.message.contains("\u{1B}"))
        #expect(error.message.contains("\\x1B"))
        #expect(PEMDestination(argument: "-") == .standardOutput)
        #expect(PEMDestination(argument: "./-") == .file(path: "./-"))
        #expect(PEMDestination(argument: "/dev/stdout") == .standardOutput)
        #expect(PEMDestination(argument: "/dev/fd/1") == .standardOutput)
        #expect(PEMDestination(argument: "/dev/stderr") == .file(path: "/dev/stderr"))
    }
}

@testable import AtlasAPI
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The disk cache of metadata: exact round trips, modes, one file per identity, no secret
/// anywhere, and every kind of bad file ignored with a reason instead of a crash.
@Suite("Metadata cache")
struct MetadataCacheTests {
    // MARK: Fixtures

    static let fakeSecret = "SECRET-d0n7-l34k-7h15-5ecr37-c4fe"
    static let publicKey = "pubkeyqwxz"
    static let profileName = "prod-profile-name"

    static let hostileStrings = [
        "\u{1B}]52;c;ZXZpbA==\u{07}", "\u{1B}[2J\u{1B}[H", "\u{202E}gnp.exe", "NUL\u{0}byte",
        "quote\"back\\slash/", "line\nbreak\r\ttab", "sep\u{2028}\u{2029}", "emoji 👩‍💻 漢字 é", "</script>",
        "", "\"},{\"kind\":\"evil\"", String(repeating: "long", count: 2_500),
    ]

    static func identity(profile: String? = profileName, baseURL: String = "https://cloud.mongodb.com") -> CacheIdentity {
        let credentials = Credentials.apiKey(publicKey: publicKey, privateKey: Secret(fakeSecret))
        return CacheIdentity(baseURL: baseURL, credentialIdentifier: credentials.cacheIdentifier, profile: profile)
    }

    static let savedAt = Date(timeIntervalSince1970: 1_780_000_000)

    /// A snapshot with the largest IDs, hostile text everywhere text goes, every x509Type
    /// and optional dates both present and absent.
    static func snapshot() -> MetadataSnapshot {
        let projectID = "5f0000000000000000000001"
        let hostileProject = hostileStrings[0]
        let organizations = [
            Organization(id: "org1", name: "Org \u{1B}[31mred", isDeleted: false),
            Organization(id: "org2", name: hostileStrings[2]),
        ]
        let projects = [
            Project(id: projectID, name: "payments-prod", orgId: "org1", clusterCount: Int64.max, created: savedAt),
            Project(id: hostileProject, name: hostileStrings[3], orgId: "org2"),
        ]
        let x509Types: [DatabaseUser.X509Type] = [.managed, .customer, .none, .other("FUTURE_TYPE")]
        var users: [DatabaseUser] = []
        for (index, type) in x509Types.enumerated() {
            users.append(DatabaseUser(
                username: "CN=user\(index),OU=" + hostileStrings[index % hostileStrings.count],
                databaseName: "$external", groupId: projectID,
                roles: [.init(roleName: "readWrite", databaseName: "orders", collectionName: index == 0 ? "items" : nil)],
                x509Type: type, awsIAMType: index == 1 ? "NONE" : nil, ldapAuthType: "NONE", oidcAuthType: nil,
                deleteAfterDate: index == 2 ? savedAt.addingTimeInterval(86_400) : nil,
                description: hostileStrings[(index + 4) % hostileStrings.count]))
        }
        let certificates = [
            Certificate(id: CertificateID(9_223_372_036_854_775_807), subject: "CN=user0," + hostileStrings[1],
                        createdAt: savedAt.addingTimeInterval(-3_600), notAfter: savedAt.addingTimeInterval(86_400 * 90), groupId: projectID),
            Certificate(id: CertificateID(18_446_744_073_709_551_615), subject: hostileStrings[10],
                        createdAt: nil, notAfter: savedAt.addingTimeInterval(60), groupId: nil),
            Certificate(id: CertificateID(0), subject: "", createdAt: nil, notAfter: Date(timeIntervalSince1970: 0), groupId: projectID),
        ]
        var byUser: [MetadataSnapshot.UserKey: [Certificate]] = [
            .init(projectID: projectID, databaseName: "$external", username: users[0].username): certificates,
            .init(projectID: projectID, databaseName: "$external", username: "no certificates"): [],
        ]
        for hostile in hostileStrings {
            byUser[.init(projectID: hostileProject, databaseName: hostile, username: hostile)] = [certificates[1]]
        }
        return MetadataSnapshot(
            savedAt: savedAt, organizations: organizations, projects: projects,
            users: [projectID: users, hostileProject: [], "": [users[3]]], certificates: byUser)
    }

    /// A fresh empty directory, removed after `body`.
    static func inDirectory(_ body: (String) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("metadata-cache-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try #require(chmod(directory, 0o700) == 0)
        try body(directory)
    }

    /// Makes `path` (and missing parents) and sets `mode` on it, whatever the umask (the
    /// `modes` test changes the process's umask while other tests run).
    static func makeDirectory(_ path: String, mode: mode_t = 0o700) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try #require(chmod(path, mode) == 0)
    }

    /// Writes `data` to `path` and sets `mode` on it, whatever the umask.
    static func write(_ data: Data, to path: String, mode: mode_t = 0o600) throws {
        try data.write(to: URL(fileURLWithPath: path))
        try #require(chmod(path, mode) == 0)
    }

    static func cache(in directory: String, identity: CacheIdentity = identity(), maximumFileSize: Int = MetadataCache.defaultMaximumFileSize) -> MetadataCache {
        MetadataCache(identity: identity, directory: directory + "/atlas-certs", maximumFileSize: maximumFileSize)
    }

    static func mode(_ path: String) throws -> mode_t {
        var status = stat()
        try #require(lstat(path, &status) == 0, "cannot stat \(path)")
        return status.st_mode & 0o7777
    }

    static func entries(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    static func reason(_ result: CacheLoadResult) -> String? {
        if case .ignored(let reason) = result { return reason }
        return nil
    }

    // MARK: Round trips

    @Test("save then load gives the same snapshot: IDs 2^63-1 and 2^64-1 exact, hostile strings intact")
    func roundTrip() throws {
        try Self.inDirectory { directory in
            let cache = Self.cache(in: directory)
            let snapshot = Self.snapshot()
            #expect(cache.load() == .miss)
            try cache.save(snapshot)
            #expect(cache.load() == .hit(snapshot))
            // The digits are in the file as bare integers, not rounded through Double.
            let text = try String(contentsOfFile: cache.path, encoding: .utf8)
            #expect(text.contains("\"_id\":9223372036854775807"))
            #expect(text.contains("\"_id\":18446744073709551615"))
            #expect(text.contains("\"kind\":\"atlas-certs-metadata-cache\""))
            #expect(text.contains("\"version\":1"))
            #expect(text.contains("\"identity\":\"\(cache.identity.digest)\""))
            // Control characters are escaped inside JSON strings, never written raw.
            #expect(!text.unicodeScalars.contains { $0.value < 0x20 })
        }
    }

    @Test("a second save replaces the first")
    func saveReplaces() throws {
        try Self.inDirectory { directory in
            let cache = Self.cache(in: directory)
            try cache.save(Self.snapshot())
            let smaller = MetadataSnapshot(savedAt: Self.savedAt.addingTimeInterval(60), organizations: [Organization(id: "o", name: "n")])
            try cache.save(smaller)
            #expect(cache.load() == .hit(smaller))
            #expect(try Self.entries(cache.directory) == [cache.identity.fileName])
        }
    }

    @Test("the models round-trip through AtlasJSON: every x509Type, roles, optional dates present and absent")
    func modelsRoundTrip() throws {
        let snapshot = Self.snapshot()
        func trip<T: Codable & Equatable>(_ value: T) throws {
            let data = try AtlasJSON.encoder().encode(value)
            #expect(try AtlasJSON.decode(T.self, from: data) == value)
            #expect(try AtlasJSON.decoder().decode(T.self, from: data) == value)
        }
        for organization in snapshot.organizations { try trip(organization) }
        for project in snapshot.projects { try trip(project) }
        for list in snapshot.users.values { for user in list { try trip(user) } }
        for list in snapshot.certificates.values { for certificate in list { try trip(certificate) } }
        try trip(snapshot)
        // x509Type is written as Atlas writes it.
        let managed = try #require(snapshot.users["5f0000000000000000000001"]?.first)
        let json = String(decoding: try AtlasJSON.encoder().encode(managed), as: UTF8.self)
        #expect(json.contains("\"x509Type\":\"MANAGED\""))
        let future = try AtlasJSON.decode(DatabaseUser.self, from: Data(#"{"username":"u","databaseName":"$external","x509Type":"FUTURE_TYPE"}"#.utf8))
        #expect(future.x509Type == .other("FUTURE_TYPE"))
    }

    @Test("dates are kept to the second: sub-second parts of model dates and savedAt are dropped")
    func datesToTheSecond() throws {
        let whole = Date(timeIntervalSince1970: 1_780_000_000)
        let fractional = whole.addingTimeInterval(0.75)
        let certificate = Certificate(id: CertificateID(1), subject: "CN=a", createdAt: fractional, notAfter: fractional, groupId: nil)
        let decoded = try AtlasJSON.decode(Certificate.self, from: try AtlasJSON.encoder().encode(certificate))
        #expect(decoded.notAfter == whole)
        #expect(decoded.createdAt == whole)
        // The snapshot keeps savedAt to the second itself, so it equals itself after a trip.
        var snapshot = MetadataSnapshot(savedAt: fractional)
        #expect(snapshot.savedAt == whole)
        snapshot.savedAt = fractional.addingTimeInterval(10)
        #expect(snapshot.savedAt == whole.addingTimeInterval(10))
        let again = try AtlasJSON.decode(MetadataSnapshot.self, from: try AtlasJSON.encoder().encode(snapshot))
        #expect(again == snapshot)
    }

    @Test("X509Type.other holding a known raw value comes back as the known case")
    func x509TypeOtherKnownValue() throws {
        let user = DatabaseUser(username: "u", databaseName: "$external", groupId: "g", x509Type: .other("MANAGED"))
        let decoded = try AtlasJSON.decode(DatabaseUser.self, from: try AtlasJSON.encoder().encode(user))
        // Not equal: .other("MANAGED") is a non-canonical value no decoder produces.
        #expect(decoded.x509Type == .managed)
        #expect(decoded != user)
    }

    // MARK: Location and modes

    @Test("the directory: XDG_CACHE_HOME when absolute, else ~/.cache (Linux) or ~/Library/Caches (macOS)")
    func location() {
        let id = Self.identity()
        func directory(_ environment: [String: String], _ platform: CredentialResolver.Platform = .linux) -> String {
            MetadataCache(identity: id, environment: environment, platform: platform).directory
        }
        #expect(directory(["XDG_CACHE_HOME": "/xdg/cache", "HOME": "/home/u"]) == "/xdg/cache/atlas-certs")
        #expect(directory(["XDG_CACHE_HOME": "/xdg/cache/", "HOME": "/home/u"]) == "/xdg/cache/atlas-certs")
        #expect(directory(["XDG_CACHE_HOME": "/xdg/cache", "HOME": "/Users/u"], .macOS) == "/xdg/cache/atlas-certs")
        #expect(directory(["HOME": "/home/u"]) == "/home/u/.cache/atlas-certs")
        #expect(directory(["HOME": "/home/u/"]) == "/home/u/.cache/atlas-certs")
        #expect(directory(["XDG_CACHE_HOME": "relative/cache", "HOME": "/home/u"]) == "/home/u/.cache/atlas-certs")
        #expect(directory(["XDG_CACHE_HOME": "", "HOME": "/home/u"]) == "/home/u/.cache/atlas-certs")
        #expect(directory(["HOME": "/Users/u"], .macOS) == "/Users/u/Library/Caches/atlas-certs")
        let explicitHome = MetadataCache(identity: id, environment: ["HOME": "/ignored"], homeDirectory: "/h", platform: .linux)
        #expect(explicitHome.directory == "/h/.cache/atlas-certs")
        #expect(explicitHome.path == "/h/.cache/atlas-certs/" + id.fileName)
    }

    @Test("XDG_CACHE_HOME is honoured end to end: missing directories are created 0700, the file is 0600")
    func xdgEndToEnd() throws {
        try Self.inDirectory { directory in
            let xdg = directory + "/new/xdg"
            let cache = MetadataCache(identity: Self.identity(), environment: ["XDG_CACHE_HOME": xdg, "HOME": directory + "/home"])
            #expect(cache.load() == .miss)
            try cache.save(Self.snapshot())
            #expect(cache.path == xdg + "/atlas-certs/" + Self.identity().fileName)
            #expect(try Self.mode(xdg + "/atlas-certs") == 0o700)
            #expect(try Self.mode(xdg) == 0o700)
            #expect(try Self.mode(cache.path) == 0o600)
            #expect(!FileManager.default.fileExists(atPath: directory + "/home"))
            #expect(cache.load() == .hit(Self.snapshot()))
        }
    }

    @Test("modes, checked with stat: a directory made 0700, an existing safe one never chmod'ed, file 0600 whatever the umask")
    func modes() throws {
        try Self.inDirectory { directory in
            let previous = umask(0)
            defer { umask(previous) }
            let made = Self.cache(in: directory + "/made")
            try made.save(Self.snapshot())
            #expect(try Self.mode(made.directory) == 0o700)
            #expect(try Self.mode(directory + "/made") == 0o700)
            #expect(try Self.mode(made.path) == 0o600)
            #expect(made.load() == .hit(Self.snapshot()))
            // An existing directory of ours without group or other write is used as it is.
            let cache = Self.cache(in: directory)
            try Self.makeDirectory(cache.directory, mode: 0o755)
            try cache.save(Self.snapshot())
            #expect(try Self.mode(cache.directory) == 0o755)
            #expect(try Self.mode(cache.path) == 0o600)
            #expect(cache.load() == .hit(Self.snapshot()))
            // An existing file with wider permissions is replaced by a 0600 one.
            #expect(chmod(cache.path, 0o666) == 0)
            try cache.save(Self.snapshot())
            #expect(try Self.mode(cache.path) == 0o600)
        }
    }

    // MARK: Identity

    @Test("two profiles, keys or base URLs: separate files, each loads its own data")
    func identitySeparation() throws {
        try Self.inDirectory { directory in
            let identities = [
                Self.identity(profile: "a"), Self.identity(profile: "b"), Self.identity(profile: nil),
                Self.identity(profile: "a", baseURL: "https://cloud-dev.mongodb.com"),
                CacheIdentity(baseURL: "https://cloud.mongodb.com", credentialIdentifier: "service-account:mdb_sa_id_1", profile: "a"),
            ]
            #expect(Set(identities.map(\.fileName)).count == identities.count)
            for (index, identity) in identities.enumerated() {
                try Self.cache(in: directory, identity: identity)
                    .save(MetadataSnapshot(savedAt: Self.savedAt, organizations: [Organization(id: "org\(index)", name: "n")]))
            }
            #expect(try Self.entries(directory + "/atlas-certs") == identities.map(\.fileName).sorted())
            for (index, identity) in identities.enumerated() {
                guard case .hit(let snapshot) = Self.cache(in: directory, identity: identity).load() else {
                    Issue.record("no hit for identity \(index)")
                    continue
                }
                #expect(snapshot.organizations.map(\.id) == ["org\(index)"])
            }
            // A trailing slash on the base URL is the same Atlas.
            #expect(Self.identity(baseURL: "https://cloud.mongodb.com/").fileName == Self.identity().fileName)
        }
    }

    @Test("a file written for another identity is ignored, with a reason")
    func identityMismatch() throws {
        try Self.inDirectory { directory in
            let mine = Self.cache(in: directory, identity: Self.identity(profile: "mine"))
            let theirs = Self.cache(in: directory, identity: Self.identity(profile: "theirs"))
            try theirs.save(Self.snapshot())
            try Self.makeDirectory(mine.directory)
            try FileManager.default.copyItem(atPath: theirs.path, toPath: mine.path)
            let reason = try #require(Self.reason(mine.load()))
            #expect(reason.hasPrefix("Ignored the cache file \(mine.path): "))
            #expect(reason.contains("another profile"))
            #expect(theirs.load() == .hit(Self.snapshot()))
        }
    }

    @Test("no secret and no identifier in the file name, the directory or the file; the identity cannot hold a secret")
    func noSecretAnywhere() throws {
        try Self.inDirectory { directory in
            let identity = Self.identity()
            let cache = Self.cache(in: directory, identity: identity)
            try cache.save(Self.snapshot())
            let listing = try Self.entries(cache.directory).joined(separator: "\n")
            let contents = try String(contentsOfFile: cache.path, encoding: .utf8)
            for forbidden in [Self.fakeSecret, Self.publicKey, Self.profileName, "cloud.mongodb.com"] {
                #expect(!listing.contains(forbidden))
                #expect(!contents.contains(forbidden))
            }
            #expect(!cache.path.contains(Self.publicKey))
            #expect(identity.fileName.hasPrefix("metadata-") && identity.fileName.hasSuffix(".json"))
            // What the identity holds, printed or dumped, has no trace of the secret.
            var dumped = ""
            dump(identity, to: &dumped)
            #expect(!dumped.contains(Self.fakeSecret))
            #expect(!String(describing: identity).contains(Self.fakeSecret))
            #expect(Credentials.serviceAccount(clientID: "mdb_sa_id_x", clientSecret: Secret(Self.fakeSecret)).cacheIdentifier
                == "service-account:mdb_sa_id_x")
        }
    }

    // MARK: Bad files

    /// What a bad file holds, and a fragment its reason must contain.
    struct BadFile: Sendable, CustomTestStringConvertible {
        var name: String
        var contents: @Sendable (MetadataCache) throws -> Data
        var reason: String
        var testDescription: String { name }
    }

    static func validJSON(_ cache: MetadataCache) throws -> Data {
        try AtlasJSON.encoder().encode(CacheFile(identity: cache.identity.digest, snapshot: snapshot()))
    }

    /// The valid file with one top-level field replaced (or removed, with nil).
    static func edited(_ cache: MetadataCache, _ key: String, _ value: Any?) throws -> Data {
        var object = try #require(try JSONSerialization.jsonObject(with: validJSON(cache)) as? [String: Any])
        object[key] = value
        return try JSONSerialization.data(withJSONObject: object)
    }

    static let badFiles: [BadFile] = [
        BadFile(name: "empty", contents: { _ in Data() }, reason: "it is empty"),
        BadFile(name: "truncated JSON", contents: { try validJSON($0).prefix(700) }, reason: "not valid JSON"),
        BadFile(name: "cut after the last brace", contents: { try validJSON($0).dropLast() }, reason: "not valid JSON"),
        BadFile(name: "random bytes", contents: { _ in
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            return Data((0..<4096).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: state >> 56)
            })
        }, reason: "not valid JSON"),
        BadFile(name: "invalid UTF-8 in a key", contents: { _ in Data([0x7B, 0x22, 0x6B, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D]) }, reason: "not an atlas-certs cache file"),
        BadFile(name: "invalid UTF-8 in a project name", contents: { cache in
            var bytes = [UInt8](try validJSON(cache))
            let name = Array("payments-prod".utf8)
            let start = try #require((0...(bytes.count - name.count)).first { Array(bytes[$0..<($0 + name.count)]) == name })
            bytes[start + 3] = 0xFF
            return Data(bytes)
        }, reason: "not valid JSON"),
        BadFile(name: "a JSON array", contents: { _ in Data("[1,2,3]".utf8) }, reason: "not an atlas-certs cache file"),
        BadFile(name: "a JSON string", contents: { _ in Data("\"hello\"".utf8) }, reason: "not an atlas-certs cache file"),
        BadFile(name: "an object of another shape", contents: { _ in Data(#"{"results":[],"totalCount":0}"#.utf8) }, reason: "not an atlas-certs cache file"),
        BadFile(name: "kind of another type", contents: { try edited($0, "kind", 7) }, reason: "not an atlas-certs cache file"),
        BadFile(name: "wrong kind", contents: { try edited($0, "kind", "someone-elses-cache\u{1B}[2J") }, reason: "kind \"someone-elses-cache\\x1B[2J\""),
        BadFile(name: "future version", contents: { try edited($0, "version", 99) }, reason: "written by a newer atlas-certs (format 99; this one reads 1)"),
        BadFile(name: "older version", contents: { try edited($0, "version", 0) }, reason: "older format"),
        BadFile(name: "version not a number", contents: { try edited($0, "version", "1") }, reason: "no format version"),
        BadFile(name: "no identity", contents: { try edited($0, "identity", nil) }, reason: "no identity"),
        BadFile(name: "no projects", contents: { try edited($0, "projects", nil) }, reason: "missing projects"),
        BadFile(name: "users of the wrong type", contents: { try edited($0, "users", ["p": [["username": 5]]]) }, reason: "wrong type at users.p[0].username"),
        BadFile(name: "a certificate ID above 2^64", contents: { cache in
            let text = String(decoding: try validJSON(cache), as: UTF8.self)
                .replacingOccurrences(of: "18446744073709551615", with: "18446744073709551616")
            return Data(text.utf8)
        }, reason: "its contents are not valid"),
        BadFile(name: "a user listed twice", contents: { cache in
            let entry: [String: Any] = ["projectID": "p", "databaseName": "d", "username": "u", "certificates": []]
            return try edited(cache, "certificates", [entry, entry])
        }, reason: "a user is listed twice"),
    ]

    @Test("a bad file is ignored with a one-line reason; the next save replaces it", arguments: badFiles)
    func badFileIgnored(_ bad: BadFile) throws {
        try Self.inDirectory { directory in
            let cache = Self.cache(in: directory)
            try Self.makeDirectory(cache.directory)
            let data = try bad.contents(cache)
            try Self.write(data, to: cache.path)
            let reason = try #require(Self.reason(cache.load()))
            #expect(reason.hasPrefix("Ignored the cache file \(cache.path): "))
            #expect(reason.contains(bad.reason), "\(reason)")
            #expect(!reason.unicodeScalars.contains(where: TerminalSafe.isUnsafe))
            try cache.save(Self.snapshot())
            #expect(cache.load() == .hit(Self.snapshot()))
            #expect(try Self.entries(cache.directory) == [cache.identity.fileName])
        }
    }

    @Test("a file over the size cap is ignored unread; one at the cap is read")
    func sizeCap() throws {
        try Self.inDirectory { directory in
            let cache = Self.cache(in: directory, maximumFileSize: 64)
            try Self.makeDirectory(cache.directory)
            try Self.write(Data(repeating: 0x20, count: 65), to: cache.path)
            #expect(Self.reason(cache.load())?.hasSuffix(": it is larger than 64 bytes.") == true)
            try Self.write(Data(repeating: 0x20, count: 64), to: cache.path)
            #expect(Self.reason(cache.load())?.hasSuffix(": not valid JSON.") == true)
            #expect(MetadataCache.sizeText(MetadataCache.defaultMaximumFileSize) == "256 MiB")
        }
    }

    @Test("a directory where the file should be: load ignores it, save says so and leaves nothing behind")
    func directoryInPlace() throws {
        try Self.inDirectory { directory in
            let cache = Self.cache(in: directory)
            try Self.makeDirectory(cache.directory)
            try Self.makeDirectory(cache.path)
            #expect(Self.reason(cache.load())?.hasSuffix(": it is a directory.") == true)
            let error = #expect(throws: MetadataCacheError.self) { try cache.save(Self.snapshot()) }
            #expect(error?.message.contains("is a directory") == true)
            #expect(try Self.entries(cache.directory) == [cache.identity.fileName])
        }
    }

    @Test("a FIFO where the file should be is ignored without blocking")
    func fifoInPlace() throws {
        try Self.inDirectory { directory in
            let cache = Self.cache(in: directory)
            try Self.makeDirectory(cache.directory)
            try #require(mkfifo(cache.path, 0o600) == 0)
            #expect(Self.reason(cache.load())?.hasSuffix(": it is not a regular file.") == true)
            try cache.save(Self.snapshot())
            #expect(cache.load() == .hit(Self.snapshot()))
        }
    }

    @Test("a symbolic link where the file should be is ignored, and save replaces the link, not its target")
    func symlinkInPlace() throws {
        try Self.inDirectory { directory in
            let cache = Self.cache(in: directory)
            try Self.makeDirectory(cache.directory)
            let target = directory + "/elsewhere.json"
            try Self.write(Data("untouched".utf8), to: target)
            try #require(symlink(target, cache.path) == 0)
            #expect(Self.reason(cache.load())?.hasSuffix(": it is a symbolic link.") == true)
            try cache.save(Self.snapshot())
            #expect(cache.load() == .hit(Self.snapshot()))
            #expect(try String(contentsOfFile: target, encoding: .utf8) == "untouched")
        }
    }

    // MARK: Untrusted directories and files

    static let isRoot = geteuid() == 0
    static let otherUser: uid_t = 65_534

    static func owner(_ path: String) throws -> uid_t {
        var status = stat()
        try #require(lstat(path, &status) == 0, "cannot stat \(path)")
        return status.st_uid
    }

    /// `load` says the directory is refused and why; `save` throws the same and writes nothing.
    static func expectDirectoryRefused(_ cache: MetadataCache, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(Self.reason(cache.load()) == "Ignored the cache directory \(cache.directory): it \(what).", sourceLocation: sourceLocation)
        let error = #expect(throws: MetadataCacheError.self, sourceLocation: sourceLocation) { try cache.save(Self.snapshot()) }
        #expect(error?.message == "Cannot save the metadata cache: \(cache.directory) \(what).", sourceLocation: sourceLocation)
    }

    @Test("a cache directory that is a symbolic link to a shared 1777 directory is refused, and the target is left as it was")
    func symlinkedDirectoryRefused() throws {
        try Self.inDirectory { directory in
            let shared = directory + "/shared"
            try Self.makeDirectory(shared, mode: 0o1777)
            // A valid file of this identity in the target: it is not loaded through the link.
            let elsewhere = Self.cache(in: directory + "/elsewhere")
            try elsewhere.save(Self.snapshot())
            try FileManager.default.copyItem(atPath: elsewhere.path, toPath: shared + "/" + elsewhere.identity.fileName)
            let cache = Self.cache(in: directory)
            try #require(symlink(shared, cache.directory) == 0)
            Self.expectDirectoryRefused(cache, "is a symbolic link")
            #expect(try Self.mode(shared) == 0o1777)
            #expect(try Self.entries(shared) == [elsewhere.identity.fileName])
            // The same through XDG_CACHE_HOME, as the browser finds it.
            let xdg = MetadataCache(identity: Self.identity(), environment: ["XDG_CACHE_HOME": directory, "HOME": "/nonexistent"])
            #expect(xdg.directory == cache.directory)
            Self.expectDirectoryRefused(xdg, "is a symbolic link")
            #expect(try Self.mode(shared) == 0o1777)
            #expect(try Self.entries(shared) == [elsewhere.identity.fileName])
        }
    }

    @Test("a cache directory writable by group or others is refused, never chmod'ed", arguments: [mode_t(0o1777), 0o777, 0o770, 0o722])
    func sharedDirectoryRefused(_ mode: mode_t) throws {
        try Self.inDirectory { directory in
            let cache = Self.cache(in: directory)
            try Self.makeDirectory(cache.directory, mode: mode)
            try Self.write(try Self.validJSON(cache), to: cache.path)
            Self.expectDirectoryRefused(cache, "is writable by other users (mode \(CacheDirectory.octal(mode)))")
            #expect(try Self.mode(cache.directory) == mode)
            #expect(try Self.entries(cache.directory) == [cache.identity.fileName])
        }
    }

    @Test("a cache directory owned by another user is refused and left as it was (as root: chown to 65534)",
          .enabled(if: isRoot, "needs root to chown; the other rules are checked by the tests beside this one"))
    func foreignDirectoryRefused() throws {
        try Self.inDirectory { directory in
            let cache = Self.cache(in: directory)
            try Self.makeDirectory(cache.directory)
            try Self.write(try Self.validJSON(cache), to: cache.path)
            try #require(chown(cache.directory, Self.otherUser, gid_t(Self.otherUser)) == 0)
            Self.expectDirectoryRefused(cache, "is owned by another user (uid 65534)")
            #expect(try Self.owner(cache.directory) == Self.otherUser)
            #expect(try Self.mode(cache.directory) == 0o700)
            #expect(try Self.entries(cache.directory) == [cache.identity.fileName])
        }
    }

    @Test("a valid cache file writable by group or others is ignored with a reason; the next save replaces it with a 0600 one",
          arguments: [mode_t(0o666), 0o620, 0o602])
    func writableFileRefused(_ mode: mode_t) throws {
        try Self.inDirectory { directory in
            let cache = Self.cache(in: directory)
            try Self.makeDirectory(cache.directory)
            try Self.write(try Self.validJSON(cache), to: cache.path, mode: mode)
            #expect(Self.reason(cache.load())
                == "Ignored the cache file \(cache.path): it is writable by other users (mode \(CacheDirectory.octal(mode))).")
            try cache.save(Self.snapshot())
            #expect(try Self.mode(cache.path) == 0o600)
            #expect(cache.load() == .hit(Self.snapshot()))
        }
    }

    @Test("a valid cache file owned by another user is ignored; the next save replaces it with one of ours (as root: chown to 65534)",
          .enabled(if: isRoot, "needs root to chown; the other rules are checked by the tests beside this one"))
    func foreignFileRefused() throws {
        try Self.inDirectory { directory in
            let cache = Self.cache(in: directory)
            try Self.makeDirectory(cache.directory)
            // As the issue found it: another user's file, mode 0666.
            try Self.write(try Self.validJSON(cache), to: cache.path, mode: 0o666)
            try #require(chown(cache.path, Self.otherUser, gid_t(Self.otherUser)) == 0)
            #expect(Self.reason(cache.load()) == "Ignored the cache file \(cache.path): it is owned by another user (uid 65534).")
            // Owned by another user with 0600 as well.
            try #require(chmod(cache.path, 0o600) == 0)
            #expect(Self.reason(cache.load()) == "Ignored the cache file \(cache.path): it is owned by another user (uid 65534).")
            try cache.save(Self.snapshot())
            #expect(try Self.owner(cache.path) == geteuid())
            #expect(cache.load() == .hit(Self.snapshot()))
        }
    }

    @Test("a symbolic link to a valid cache file of ours is ignored, not followed")
    func symlinkedFileRefused() throws {
        try Self.inDirectory { directory in
            let elsewhere = Self.cache(in: directory + "/elsewhere")
            try elsewhere.save(Self.snapshot())
            #expect(elsewhere.load() == .hit(Self.snapshot()))
            let cache = Self.cache(in: directory)
            try Self.makeDirectory(cache.directory)
            try #require(symlink(elsewhere.path, cache.path) == 0)
            #expect(Self.reason(cache.load()) == "Ignored the cache file \(cache.path): it is a symbolic link.")
        }
    }

    @Test("a symbolic link as a parent of the cache directory is followed (a moved ~/.cache); the directory itself is verified")
    func symlinkedParentAllowed() throws {
        try Self.inDirectory { directory in
            try Self.makeDirectory(directory + "/real")
            try #require(symlink(directory + "/real", directory + "/link") == 0)
            let cache = Self.cache(in: directory + "/link")
            try cache.save(Self.snapshot())
            #expect(try Self.mode(directory + "/real/atlas-certs") == 0o700)
            #expect(cache.load() == .hit(Self.snapshot()))
        }
    }

    @Test("the cache directory is a file: load ignores it, save throws a one-line error")
    func directoryIsAFile() throws {
        try Self.inDirectory { directory in
            let cache = Self.cache(in: directory)
            try Self.write(Data("x".utf8), to: cache.directory)
            #expect(Self.reason(cache.load())?.contains("not a directory") == true)
            let error = #expect(throws: MetadataCacheError.self) { try cache.save(Self.snapshot()) }
            #expect(error?.message == "Cannot save the metadata cache: \(cache.directory) is not a directory.")
        }
    }

    @Test("a path with control characters is shown escaped in the reason")
    func reasonSanitised() throws {
        try Self.inDirectory { directory in
            let cache = Self.cache(in: directory + "/\u{1B}]0;title\u{07}")
            try Self.makeDirectory(cache.directory)
            try Self.write(Data(), to: cache.path)
            let reason = try #require(Self.reason(cache.load()))
            #expect(reason.contains("\\x1B]0;title\\x07"))
            #expect(!reason.unicodeScalars.contains(where: TerminalSafe.isUnsafe))
        }
    }

    // MARK: Temporary files

    @Test("save leaves no temporary file; leftovers older than ten minutes are removed, younger ones kept")
    func temporaryFiles() throws {
        try Self.inDirectory { directory in
            let cache = Self.cache(in: directory)
            try cache.save(Self.snapshot())
            #expect(try Self.entries(cache.directory) == [cache.identity.fileName])
            let old = "." + cache.identity.fileName + ".abc123.tmp"
            let young = "." + cache.identity.fileName + ".def456.tmp"
            let otherIdentity = ".metadata-00000000000000000000000000000000.json.abc.tmp"
            for name in [old, young, otherIdentity] {
                try Self.write(Data("partial".utf8), to: cache.directory + "/" + name)
            }
            let hourAgo = Date().addingTimeInterval(-3_600)
            for name in [old, otherIdentity] {
                try FileManager.default.setAttributes([.modificationDate: hourAgo], ofItemAtPath: cache.directory + "/" + name)
            }
            try cache.save(Self.snapshot())
            #expect(try Self.entries(cache.directory) == [otherIdentity, young, cache.identity.fileName].sorted())
        }
    }

    @Test("no file and no directory are a miss, not an error")
    func missing() throws {
        try Self.inDirectory { directory in
            #expect(Self.cache(in: directory + "/does/not/exist").load() == .miss)
            #expect(Self.cache(in: directory).load() == .miss)
        }
    }
}

import Foundation
import Testing

/// Issue 14, end to end: the real binary against a scripted hostile Atlas, with the
/// child's peak resident memory and wall time bounded. The bounds are generous (a loaded
/// 2-core CI machine is slow), and far below what the same inputs did before the fixes:
/// 3 GB resident after 307 endless 10 MB pages, a SIGILL on `Retry-After: 1e300`, an
/// overflow trap on a `totalCount` near `Int.max`, a 300 s hang on a stalled body.
@Suite("Hostile server, measured")
struct HostileServerRunTests {
    typealias Run = MeasuredProductRun.Run

    static let memoryBound = 1 << 30            // 1 GiB
    static let timeBound = Duration.seconds(300)

    static func environment(_ server: HostileHTTPServer) -> [String: String] {
        ["MONGODB_ATLAS_OPS_MANAGER_URL": server.url + "/", "MONGODB_ATLAS_PUBLIC_API_KEY": "hostilepub",
         "MONGODB_ATLAS_PRIVATE_API_KEY": "00000000-1111-2222-3333-444444444444"]
    }

    static let projectID = "65a000000000000000000001"

    /// A full page (500 projects, or users of `projectID` when `users`, so the walk asks
    /// for the next one) with a `next` link, `padding` bytes the decoder skips, and
    /// `totalCount` when given.
    static func page(padding: Data, totalCount: String? = nil, users: Bool = false) -> HostileHTTPServer.Reply {
        let items = (0..<500).map {
            users ? #"{"username":"CN=u\#($0)","databaseName":"$external","groupId":"\#(projectID)","roles":[],"x509Type":"MANAGED"}"#
                : #"{"id":"65a\#(String(format: "%021d", $0))","name":"p\#($0)","orgId":"65b000000000000000000001"}"#
        }.joined(separator: ",")
        let total = totalCount.map { #","totalCount":\#($0)"# } ?? ""
        let before = Data(#"{"results":[\#(items)]\#(total),"links":[{"rel":"next","href":"https://cloud.mongodb.com/api/atlas/v2/groups?pageNum=2"}],"padding":""#.utf8)
        let after = Data(#""}"#.utf8)
        let length = before.count + padding.count + after.count
        return .send([HostileHTTPServer.head(contentLength: length), before, padding, after])
    }

    static func expectBounded(_ run: Run, _ what: String, memory: Int = memoryBound) {
        #expect(run.peakResidentBytes > 0, "\(what): no usage reported")
        #expect(run.peakResidentBytes < memory, "\(what): peak RSS \(run.peakResidentMiB) MiB")
        #expect(run.wallTime < timeBound, "\(what): took \(run.wallTime)")
        #expect(!run.stderr.contains("Program crashed") && !run.stderr.contains("Fatal error"), "\(what): \(run.stderr)")
    }

    @Test("endless 10 MB pages of users: list stops at the listing's byte bound with one line, memory bounded")
    func endlessHugePages() async throws {
        let padding = Data(repeating: UInt8(ascii: "x"), count: 10 << 20)
        let project = HostileHTTPServer.json(#"{"results":[{"id":"\#(Self.projectID)","name":"huge","orgId":"65b000000000000000000001"}],"totalCount":1}"#)
        let server = try HostileHTTPServer { request in
            request.target.contains("/databaseUsers") ? Self.page(padding: padding, users: true) : project
        }
        defer { server.stop() }
        let run = try await MeasuredProductRun.run("atlas-certs", ["list", "--project", Self.projectID, "--output", "json"],
                                                   environment: Self.environment(server))
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("/databaseUsers sent more than 512 MiB of responses for one listing; stopped"), "\(run.stderr)")
        // The listing's error, and the end-of-scan line saying the scan is incomplete.
        #expect(run.stderrLines.count == 2, "\(run.stderrLines)")
        #expect(run.stderrLines.last?.contains("the scan is incomplete: 1 of 1 project could not be read") == true, "\(run.stderr)")
        // 512 MiB of bodies at 10 MiB a page: 52 pages and the project, not the 1,000-page limit.
        #expect(server.requestCount < 60, "\(server.requestCount) requests")
        Self.expectBounded(run, "endless pages")
    }

    @Test("Retry-After 1e300, inf and 99999999999999999 on a 429: check says UNKNOWN by its deadline, no crash",
          arguments: ["1e300", "inf", "99999999999999999"])
    func hugeRetryAfter(value: String) async throws {
        let server = try HostileHTTPServer { _ in
            HostileHTTPServer.json(#"{"error":429,"errorCode":"RATE_LIMITED","detail":"slow down"}"#,
                                   status: "429 Too Many Requests", extra: ["Retry-After: \(value)"])
        }
        defer { server.stop() }
        let run = try await MeasuredProductRun.run("atlas-certs", ["check", "--deadline", "3"], environment: Self.environment(server))
        #expect(run.status == 3, "\(run.stdout) \(run.stderr)")
        #expect(run.stdout.hasPrefix("ATLAS-CERTS UNKNOWN - "), "\(run.stdout)")
        Self.expectBounded(run, "Retry-After \(value)", memory: 512 << 20)
    }

    @Test("a totalCount of Int.max - 498 with a next link: list stops with one line, no overflow trap")
    func absurdTotalCount() async throws {
        let server = try HostileHTTPServer { _ in Self.page(padding: Data(), totalCount: String(Int.max - 498)) }
        defer { server.stop() }
        let run = try await MeasuredProductRun.run("atlas-certs", ["list", "--all"], environment: Self.environment(server))
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("announced a totalCount of \(Int.max - 498)"), "\(run.stderr)")
        #expect(server.requestCount < 10, "\(server.requestCount) requests")
        Self.expectBounded(run, "totalCount", memory: 512 << 20)
    }

    @Test("a body that stalls mid-way: check --timeout 2 says UNKNOWN within its deadline")
    func stalledBody() async throws {
        let head = HostileHTTPServer.head(contentLength: 5_000)
        let server = try HostileHTTPServer { _ in .stall([head, Data(#"{"results":["#.utf8)]) }
        defer { server.stop() }
        let run = try await MeasuredProductRun.run("atlas-certs", ["check", "--timeout", "2", "--deadline", "20"],
                                                   environment: Self.environment(server))
        #expect(run.status == 3, "\(run.stdout) \(run.stderr)")
        #expect(run.stdout.hasPrefix("ATLAS-CERTS UNKNOWN - "), "\(run.stdout)")
        Self.expectBounded(run, "stalled body", memory: 512 << 20)
    }
}

@testable import AtlasAPI
import AtlasSimulator
import Foundation
import Testing

/// One item of a scripted listing: small to decode, so a test can send many pages.
private struct Thing: Decodable, Sendable, Equatable {
    var n: Int
}

/// A page of `count` things numbered from `(number - 1) * 1000`, padded with `padding`
/// bytes the decoder skips, always with a `next` link (a server that never ends), and
/// the given `totalCount` text when not nil.
private func paddedPage(number: Int, count: Int, padding: Int, totalCount: String? = nil) -> HTTPResponse {
    let items = (0..<count).map { #"{"n":\#((number - 1) * 1_000 + $0)}"# }.joined(separator: ",")
    let total = totalCount.map { #","totalCount":\#($0)"# } ?? ""
    return jsonResponse(#"{"results":[\#(items)]\#(total),"padding":"\#(String(repeating: "x", count: padding))","links":[{"href":"https://atlas.test/x?pageNum=\#(number + 1)","rel":"next"}]}"#)
}

private func pageNumber(_ request: HTTPRequest) -> Int { Int(queryValue(request.url, "pageNum") ?? "1") ?? 1 }

/// Issue 14: what a hostile server that pages without end, or announces absurd counts,
/// does to one listing.
@Suite("Hostile paging")
struct HostilePagingTests {
    @Test("the default bounds of one listing are far above any real fleet")
    func standardLimits() {
        #expect(ListingLimits.standard.maxItems == 1_000_000)
        #expect(ListingLimits.standard.maxBodyBytes == 512 << 20)
    }

    @Test("pages that never end stop with one error once a listing's bodies pass the byte bound")
    func byteBound() async throws {
        let transport = ScriptedTransport { request, _ in paddedPage(number: pageNumber(request), count: 1, padding: 10_000) }
        let client = makeClient(transport)
        let limits = ListingLimits(maxItems: 1_000_000, maxBodyBytes: 100 << 10)
        // The first page whose body takes the running total past 100 KiB is the last one asked for.
        var expectedRequests = 0
        var sum = 0
        while sum <= limits.maxBodyBytes {
            expectedRequests += 1
            sum += paddedPage(number: expectedRequests, count: 1, padding: 10_000).body.count
        }
        let error = await #expect(throws: AtlasError.self) { _ = try await client.list(path: "/groups/g/things", limits: limits) as [Thing] }
        #expect(error?.kind == .pagination)
        #expect(error?.message == "GET /api/atlas/v2/groups/g/things sent more than 100 KiB of responses for one listing; stopped. The server is misbehaving or the list is larger than atlas-certs supports.")
        #expect(error?.endpoint == "GET /api/atlas/v2/groups/g/things")
        #expect(await transport.count == expectedRequests)
        #expect(expectedRequests == 11)
    }

    @Test("a single body above the listing's byte bound is refused before it is decoded")
    func oneHugePage() async throws {
        let transport = ScriptedTransport { request, _ in paddedPage(number: pageNumber(request), count: 1, padding: 200_000) }
        let error = await #expect(throws: AtlasError.self) {
            _ = try await makeClient(transport).list(path: "/x", limits: ListingLimits(maxItems: 10, maxBodyBytes: 100_000)) as [Thing]
        }
        #expect(error?.kind == .pagination)
        #expect(error?.message.contains("more than 100000 bytes of responses") == true, "\(error?.message ?? "")")
        #expect(await transport.count == 1)
    }

    @Test("pages that never end stop with one error once a listing passes the item bound")
    func itemBound() async throws {
        let transport = ScriptedTransport { request, _ in paddedPage(number: pageNumber(request), count: 3, padding: 0) }
        let error = await #expect(throws: AtlasError.self) {
            _ = try await makeClient(transport, itemsPerPage: 3).list(path: "/groups/g/things", limits: ListingLimits(maxItems: 10, maxBodyBytes: 1 << 20)) as [Thing]
        }
        #expect(error?.kind == .pagination)
        #expect(error?.message == "GET /api/atlas/v2/groups/g/things returned more than 10 items for one listing; stopped. The server is misbehaving or the list is larger than atlas-certs supports.")
        #expect(await transport.count == 4)  // 3, 6, 9, 12 items: the fourth page passes 10
    }

    @Test("exactly the bound of items is a complete listing")
    func itemBoundReached() async throws {
        let transport = ScriptedTransport { request, _ in
            let number = pageNumber(request)
            return number <= 2 ? paddedPage(number: number, count: 5, padding: 0, totalCount: "10")
                : jsonResponse(#"{"results":[],"totalCount":10}"#)
        }
        let things: [Thing] = try await makeClient(transport, itemsPerPage: 5).list(path: "/x", limits: ListingLimits(maxItems: 10, maxBodyBytes: 1 << 20))
        #expect(things.map(\.n) == [0, 1, 2, 3, 4, 1_000, 1_001, 1_002, 1_003, 1_004])
    }

    @Test("the bound also holds while announced pages are fetched concurrently, and stops the fetching")
    func byteBoundConcurrent() async throws {
        let transport = ScriptedTransport { request, _ in
            let number = pageNumber(request)
            return paddedPage(number: number, count: 2, padding: 10_000, totalCount: "400")
        }
        let error = await #expect(throws: AtlasError.self) {
            _ = try await makeClient(transport, itemsPerPage: 2).list(path: "/x", limits: ListingLimits(maxItems: 1_000, maxBodyBytes: 100 << 10)) as [Thing]
        }
        #expect(error?.kind == .pagination)
        #expect(error?.message.contains("more than 100 KiB of responses") == true)
        // 200 pages announced; about 10 fit the bound, and at most 4 more were in flight.
        let count = await transport.count
        #expect(count >= 10 && count <= 16, "\(count) requests")
    }

    // MARK: totalCount

    @Test("a totalCount near Int.max with a next link is an error, not an overflow", arguments: [
        Int.max - 498, Int.max - 1, Int.max,
    ])
    func hugeTotalCount(_ total: Int) async throws {
        let transport = certificatePages(total: 3, announced: { _ in total }, alwaysNext: true)
        let error = await #expect(throws: AtlasError.self) { _ = try await makeClient(transport).certificates(projectID: "g", username: "u") }
        #expect(error?.kind == .pagination)
        #expect(error?.message == "GET /api/atlas/v2/groups/g/databaseUsers/u/certs announced a totalCount of \(total), which is more than the 1000000 items atlas-certs supports in one list; stopped. The server is misbehaving.")
        #expect(await transport.count == 1)
    }

    @Test("a negative totalCount is an error", arguments: [-1, Int.min])
    func negativeTotalCount(_ total: Int) async throws {
        let transport = certificatePages(total: 3, announced: { _ in total }, alwaysNext: true)
        let error = await #expect(throws: AtlasError.self) { _ = try await makeClient(transport).certificates(projectID: "g", username: "u") }
        #expect(error?.kind == .pagination)
        #expect(error?.message.contains("announced a totalCount of \(total), which is negative") == true, "\(error?.message ?? "")")
    }

    @Test("a totalCount above the item bound is an error with an injected bound too")
    func totalCountAboveInjectedBound() async throws {
        let transport = ScriptedTransport { request, _ in paddedPage(number: pageNumber(request), count: 1, padding: 0, totalCount: "11") }
        let error = await #expect(throws: AtlasError.self) {
            _ = try await makeClient(transport).list(path: "/x", limits: ListingLimits(maxItems: 10, maxBodyBytes: 1 << 20)) as [Thing]
        }
        #expect(error?.message.contains("totalCount of 11, which is more than the 10 items") == true, "\(error?.message ?? "")")
        #expect(await transport.count == 1)
    }

    @Test("a totalCount that no Int holds is reported as an invalid totalCount, not as invalid JSON", arguments: [
        "9223372036854775808", "-9223372036854775809", "1e300", "1.5", "18446744073709551616",
    ])
    func unrepresentableTotalCount(_ text: String) async throws {
        let transport = ScriptedTransport { request, _ in paddedPage(number: pageNumber(request), count: 1, padding: 0, totalCount: text) }
        let error = await #expect(throws: AtlasError.self) { _ = try await makeClient(transport).list(path: "/groups/g/things") as [Thing] }
        #expect(error?.kind == .decoding)
        #expect(error?.message == "Unexpected response from GET /api/atlas/v2/groups/g/things: field 'totalCount' is invalid: not a whole number of items that fits in 64 bits.")
        #expect(await transport.count == 1)
    }
}

/// Issue 14: a body over the transport's limit, from a real server on 127.0.0.1.
@Suite("Oversized bodies")
struct OversizedBodyTests {
    @Test("a body over the transport's limit is its own failure, reported once and not retried")
    func bodyTooLarge() async throws {
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        var data = SimulatorData.generate(seed: 14, now: now, organizations: 1, projectsPerOrganization: 1, usersPerProject: 1,
                                          certificatesPerManagedUser: 0, managedFraction: 1)
        let user = data.users[0]
        let certificates = (0..<200).map { index in
            Certificate(id: CertificateID((1 << 60) + UInt64(index)), subject: "CN=\(user.username)",
                        createdAt: now.addingTimeInterval(-86_400), notAfter: now.addingTimeInterval(Double(index + 1) * 3_600),
                        groupId: user.groupId)
        }
        data.certificates = [SimulatorData.UserCertificates(groupId: user.groupId, username: user.username, certificates: certificates)]
        let simulator = try await AtlasSimulator.start(configuration: SimulatorConfiguration(clock: { now }), data: data)
        let transport = try AsyncHTTPClientTransport(baseURL: simulator.baseURL, environment: [:], maxBodyBytes: 4 << 10)
        let sleeps = SleepRecorder()
        let credentials = simulator.configuration.credentials
        let client = AtlasClient(
            configuration: AtlasClientConfiguration(baseURL: simulator.baseURL, retry: sleeps.policy(maxAttempts: 4)),
            transport: transport,
            authorizer: DigestAuthorizer(publicKey: credentials.publicKey, privateKey: Secret(credentials.privateKey)))
        let error = await #expect(throws: AtlasError.self) { _ = try await client.certificates(projectID: user.groupId, username: user.username) }
        #expect(error?.kind == .transport(.bodyTooLarge(limit: 4 << 10)))
        #expect(error?.message.hasPrefix("The response from 127.0.0.1:") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("was larger than 4 KiB") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("try again") == false)
        #expect(error?.isTransient == false)
        #expect(simulator.requestCount(.certsList) == 1)
        #expect(sleeps.sleeps.isEmpty)
        await transport.shutdown()
        try await simulator.shutdown()
    }

    @Test("the production limit is named in MiB")
    func productionMessage() {
        let error = ErrorMapping.error(for: .bodyTooLarge(limit: 64 << 20), endpoint: "GET /x", host: "cloud.mongodb.com", timeout: .seconds(30), attempts: 1)
        #expect(error.message == "The response from cloud.mongodb.com was larger than 64 MiB, more than any Atlas answer atlas-certs asks for; not retried. Check --base-url and any proxy.")
        #expect(!TransportFailure.bodyTooLarge(limit: 64 << 20).isTransient)
    }
}

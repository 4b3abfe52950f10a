import AtlasAPI
import Foundation
import Testing

/// Serves `total` certificates in pages like Atlas, with a configurable `totalCount`.
func certificatePages(total: Int, announced: @escaping @Sendable (Int) -> Int? = { $0 }, links: Bool = true,
                      alwaysNext: Bool = false) -> ScriptedTransport {
    ScriptedTransport { request, _ in
        let perPage = Int(queryValue(request.url, "itemsPerPage") ?? "100") ?? 100
        let pageNum = Int(queryValue(request.url, "pageNum") ?? "1") ?? 1
        let start = (pageNum - 1) * perPage
        let items = start < total ? (start..<min(start + perPage, total)).map { index in
            #"{"_id":\#(UInt64(1) << 60 + UInt64(index)),"createdAt":"2026-01-01T00:00:00Z","groupId":"g","notAfter":"2027-01-01T00:00:00Z","subject":"CN=u"}"#
        } : []
        var linkList = [#"{"href":"https://atlas.test/x?pageNum=\#(pageNum)","rel":"self"}"#]
        if alwaysNext || start + perPage < total { linkList.append(#"{"href":"https://elsewhere.test/x?pageNum=\#(pageNum + 1)","rel":"next"}"#) }
        let count = announced(total).map { #","totalCount":\#($0)"# } ?? ""
        let linkJSON = links ? #","links":[\#(linkList.joined(separator: ","))]"# : ""
        return jsonResponse(#"{"results":[\#(items.joined(separator: ","))]\#(count)\#(linkJSON)}"#)
    }
}

@Suite("Pagination")
struct PaginationTests {
    @Test("1,234 certificates take 3 requests of 500, all exact and in order")
    func exactCount() async throws {
        let transport = certificatePages(total: 1_234)
        let certificates = try await makeClient(transport).certificates(projectID: "g", username: "u")
        #expect(certificates.count == 1_234)
        #expect(certificates.first?.id.value == 1 << 60)
        #expect(certificates.last?.id.value == 1 << 60 + 1_233)
        #expect(await transport.count == 3)
        let urls = await transport.urls
        #expect(urls.allSatisfy { queryValue($0, "itemsPerPage") == "500" })
        #expect(Set(urls.compactMap { queryValue($0, "pageNum") }) == ["1", "2", "3"])
        // The next link pointed at another host; requests stayed on the configured one.
        #expect(urls.allSatisfy { $0.hasPrefix("https://atlas.test/api/atlas/v2/groups/g/databaseUsers/u/certs?") })
    }

    @Test("a totalCount that is too low: the next links are followed")
    func underestimate() async throws {
        let transport = certificatePages(total: 1_234, announced: { _ in 600 })
        let certificates = try await makeClient(transport).certificates(projectID: "g", username: "u")
        #expect(certificates.count == 1_234)
        #expect(await transport.count == 3)
    }

    @Test("a totalCount that is too high: stops at the first empty page")
    func overestimate() async throws {
        let transport = certificatePages(total: 1_234, announced: { _ in 2_600 })
        let certificates = try await makeClient(transport).certificates(projectID: "g", username: "u")
        #expect(certificates.count == 1_234)
        #expect(Set(certificates.map(\.id)).count == 1_234)
        #expect(await transport.count == 6)  // pages 1...6 as announced; 4...6 come back empty
    }

    @Test("no totalCount and no links: reads while pages are full, stops on the empty page")
    func noCountNoLinks() async throws {
        let transport = certificatePages(total: 1_000, announced: { _ in nil }, links: false)
        let certificates = try await makeClient(transport).certificates(projectID: "g", username: "u")
        #expect(certificates.count == 1_000)
        #expect(await transport.count == 3)
    }

    @Test("a single short page costs one request")
    func singlePage() async throws {
        let transport = certificatePages(total: 2)
        let certificates = try await makeClient(transport).certificates(projectID: "g", username: "u")
        #expect(certificates.count == 2)
        #expect(await transport.count == 1)
    }

    @Test("a server that always says next cannot loop forever")
    func endlessNext() async throws {
        let transport = ScriptedTransport { request, _ in
            let pageNum = queryValue(request.url, "pageNum") ?? "1"
            return jsonResponse(#"{"results":[{"_id":\#(pageNum),"notAfter":"2030-01-01T00:00:00Z","subject":"CN=x"}],"links":[{"href":"https://atlas.test/x","rel":"next"}]}"#)
        }
        let client = AtlasClient(configuration: AtlasClientConfiguration(baseURL: "https://atlas.test", maxPages: 50),
                                 transport: transport, authorizer: NoAuthorizer())
        let error = await #expect(throws: AtlasError.self) { try await client.certificates(projectID: "g", username: "u") }
        #expect(error?.kind == .pagination)
        #expect(error?.message.contains("50 pages") == true)
        #expect(await transport.count == 50)
    }

    @Test("a page size below the default is honoured and announced pages fetched")
    func smallPages() async throws {
        let transport = certificatePages(total: 250)
        let certificates = try await makeClient(transport, itemsPerPage: 100).certificates(projectID: "g", username: "u")
        #expect(certificates.count == 250)
        #expect(await transport.count == 3)
    }
}

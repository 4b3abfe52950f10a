import AtlasSimulator
import Foundation
import Testing

@Suite("Pagination")
struct PaginationTests {
    static func links(_ body: JSON) -> [String: String] {
        var out: [String: String] = [:]
        for link in body["links"]?.array ?? [] {
            if let rel = link["rel"]?.string, let href = link["href"]?.string { out[rel] = href }
        }
        return out
    }

    @Test("pages carry absolute self/next/previous links, totalCount and the default size 100")
    func linksAndCounts() async throws {
        try await Harness.with(data: Fixtures.manyOrganizations(250)) { harness in
            let base = harness.simulator.baseURL + "/api/atlas/v2/orgs"
            let first = try await harness.digest("GET", "/api/atlas/v2/orgs").json()
            #expect(first["results"]?.array?.count == 100)
            #expect(first["totalCount"]?.int == 250)
            #expect(Self.links(first) == [
                "self": base + "?includeCount=true&pageNum=1&itemsPerPage=100",
                "next": base + "?includeCount=true&pageNum=2&itemsPerPage=100",
            ])
            let last = try await harness.digest("GET", "/api/atlas/v2/orgs?pageNum=3").json()
            #expect(last["results"]?.array?.count == 50)
            #expect(last["results"]?[0]?["name"]?.string == "org-200")
            #expect(Self.links(last) == [
                "self": base + "?includeCount=true&pageNum=3&itemsPerPage=100",
                "previous": base + "?includeCount=true&pageNum=2&itemsPerPage=100",
            ])
            let item = try #require(first["results"]?[0])
            #expect(item["links"]?[0]?["href"]?.string == base + "/000000000000000000000000")
            #expect(item["links"]?[0]?["rel"]?.string == "self")
        }
    }

    @Test("itemsPerPage up to 500 is honoured; includeCount=false omits totalCount; past the end is empty")
    func sizesAndEnd() async throws {
        try await Harness.with(data: Fixtures.manyOrganizations(600)) { harness in
            let big = try await harness.digest("GET", "/api/atlas/v2/orgs?itemsPerPage=500&includeCount=false").json()
            #expect(big["results"]?.array?.count == 500)
            #expect(big["totalCount"] == nil)
            #expect(Self.links(big)["next"]?.hasSuffix("?includeCount=false&pageNum=2&itemsPerPage=500") == true)
            let beyond = try await harness.digest("GET", "/api/atlas/v2/orgs?pageNum=9&itemsPerPage=100").json()
            #expect(beyond["results"]?.array?.isEmpty == true)
            #expect(beyond["totalCount"]?.int == 600)
            #expect(Self.links(beyond)["next"] == nil)
            #expect(Self.links(beyond)["previous"] != nil)
        }
    }

    @Test("itemsPerPage above 500 or a bad pageNum is 400 INVALID_QUERY_PARAMETER naming the parameter")
    func invalidParameters() async throws {
        try await Harness.with { harness in
            // pageNum past Int32 (2147483648, and one past Int64): schemathesis regression, ST202.
            let cases = [
                ("itemsPerPage=501", "itemsPerPage"), ("pageNum=0", "pageNum"), ("includeCount=maybe", "includeCount"),
                ("pageNum=2147483648", "pageNum"), ("pageNum=9223372036854775808", "pageNum"),
            ]
            for (query, name) in cases {
                let response = try await harness.digest("GET", "/api/atlas/v2/groups?\(query)")
                #expect(response.status == 400)
                let body = try response.json()
                #expect(body["errorCode"]?.string == "INVALID_QUERY_PARAMETER")
                #expect(body["detail"]?.string == "Invalid query parameter \(name) specified.")
                #expect(body["parameters"] == .array([.string(name)]))
                #expect(response.header("X-Error-Code") == "INVALID_QUERY_PARAMETER")
            }
        }
    }

    @Test("the largest 32-bit pageNum is a valid, empty page")
    func largestPage() async throws {
        try await Harness.with { harness in
            let response = try await harness.digest("GET", "/api/atlas/v2/groups?pageNum=2147483647&itemsPerPage=500")
            #expect(response.status == 200)
            let body = try response.json()
            #expect(body["results"]?.array?.isEmpty == true)
            #expect(body["totalCount"]?.int == 2)
        }
    }

    @Test("v1.0 pages the same way with application/json and v1.0 links")
    func version1() async throws {
        try await Harness.with { harness in
            let response = try await harness.digest("GET", "/api/atlas/v1.0/groups/\(Fixtures.project)/databaseUsers?itemsPerPage=3")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json")
            let body = try response.json()
            #expect(body["results"]?.array?.count == 3)
            #expect(Self.links(body)["next"]?.contains("/api/atlas/v1.0/groups/\(Fixtures.project)/databaseUsers?") == true)
        }
    }

    @Test("org name filter is a case-insensitive prefix and is echoed in the links")
    func nameFilter() async throws {
        try await Harness.with { harness in
            let body = try await harness.digest("GET", "/api/atlas/v2/orgs?name=glob").json()
            #expect(body["results"]?.array?.map { $0["name"]?.string } == ["Globex Research"])
            #expect(Self.links(body)["self"]?.hasSuffix("?includeCount=true&name=glob&pageNum=1&itemsPerPage=100") == true)
        }
    }
}

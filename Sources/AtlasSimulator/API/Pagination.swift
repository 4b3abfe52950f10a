import Foundation

/// Atlas list paging: `pageNum` (default 1, 1...2^31-1), `itemsPerPage` (default 100, 1...500),
/// `includeCount` (default true), and `links` with `previous`, `self` and `next`.
struct Pagination: Sendable, Equatable {
    var pageNum = 1
    var itemsPerPage = 100
    var includeCount = true

    struct InvalidParameter: Error {
        var name: String
    }

    static let maximumItemsPerPage = 500

    /// Reads the paging parameters, rejecting values Atlas rejects (non-numbers, page 0,
    /// `itemsPerPage` above 500) with the parameter's name.
    static func parse(_ query: [String: String]) -> Result<Pagination, InvalidParameter> {
        var pagination = Pagination()
        if let text = query["pageNum"] {
            // A 32-bit integer, as Atlas's Java `int` parameters are (the spec gives no
            // format); a bigger number is as malformed as a word.
            guard let value = Int32(text), value >= 1 else { return .failure(InvalidParameter(name: "pageNum")) }
            pagination.pageNum = Int(value)
        }
        if let text = query["itemsPerPage"] {
            guard let value = Int(text), (1...maximumItemsPerPage).contains(value) else {
                return .failure(InvalidParameter(name: "itemsPerPage"))
            }
            pagination.itemsPerPage = value
        }
        if let text = query["includeCount"] {
            switch text.lowercased() {
            case "true": pagination.includeCount = true
            case "false": pagination.includeCount = false
            default: return .failure(InvalidParameter(name: "includeCount"))
            }
        }
        return .success(pagination)
    }

    /// This page's items; empty past the end, as Atlas answers.
    func slice<Item>(_ items: [Item]) -> ArraySlice<Item> {
        let (start, overflow) = (pageNum - 1).multipliedReportingOverflow(by: itemsPerPage)
        guard !overflow, start < items.count else { return [] }
        return items[start..<min(items.count, start + itemsPerPage)]
    }

    /// The page's links, absolute, with the query written as Atlas writes it:
    /// `includeCount=true[&name=…]&pageNum=2&itemsPerPage=100`.
    func links(url: String, total: Int, extra: [(name: String, value: String)] = []) -> [LinkView] {
        func href(_ page: Int) -> String {
            var query = "includeCount=\(includeCount)"
            for (name, value) in extra { query += "&\(name)=\(PercentEncoding.encodeQueryValue(value))" }
            return url + "?" + query + "&pageNum=\(page)&itemsPerPage=\(itemsPerPage)"
        }
        var links: [LinkView] = []
        if pageNum > 1 { links.append(LinkView(href: href(pageNum - 1), rel: "previous")) }
        links.append(LinkView(href: href(pageNum), rel: "self"))
        if pageNum < Int.max / itemsPerPage, pageNum * itemsPerPage < total {
            links.append(LinkView(href: href(pageNum + 1), rel: "next"))
        }
        return links
    }
}

/// Content negotiation for `/api/atlas/v2`: each resource exists in version 2023-01-01 only.
enum VersionNegotiation {
    static let supportedVersion = "2023-01-01"
    static let v2ContentType = "application/vnd.atlas.2023-01-01+json;charset=utf-8"
    static let v1ContentType = "application/json"

    /// True when `accept` can be served as 2023-01-01: absent, `*/*`, `application/json`
    /// or anything without an Atlas media type is; an Atlas media type must name exactly
    /// `application/vnd.atlas.2023-01-01+json` (parameters such as `charset` aside).
    static func accepts(_ accept: String?) -> Bool {
        guard let accept else { return true }
        let ranges = accept.split(separator: ",").map {
            $0.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        }
        let atlasRanges = ranges.filter { $0.hasPrefix("application/vnd.atlas") }
        guard !atlasRanges.isEmpty else { return true }
        return atlasRanges.contains("application/vnd.atlas.\(supportedVersion)+json")
    }
}

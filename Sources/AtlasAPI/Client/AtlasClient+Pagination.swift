import Foundation

/// Bounds on what one listing may gather, far above any real fleet: the page limit alone
/// (`maxPages` pages of up to 64 MiB) would let a hostile server hold tens of GiB.
struct ListingLimits: Sendable {
    /// Items of one listing, and the largest `totalCount` believed.
    var maxItems: Int
    /// Response bodies of one listing, summed over its pages.
    var maxBodyBytes: Int

    /// One million items and 512 MiB of bodies: a 500-item page of certificates is about
    /// 100 KiB, so even a full walk of `maxPages` pages stays far below both.
    static let standard = ListingLimits(maxItems: 1_000_000, maxBodyBytes: 512 << 20)
}

/// What one listing has gathered so far, checked against its `ListingLimits`.
struct ListingTally: Sendable {
    private(set) var items = 0
    private(set) var bodyBytes = 0

    /// Counts one page; throws when the listing passes a limit.
    mutating func add(items pageItems: Int, bodyBytes pageBytes: Int, limits: ListingLimits, endpoint: String) throws {
        let (bytes, bytesOverflow) = bodyBytes.addingReportingOverflow(pageBytes)
        bodyBytes = bytes
        guard !bytesOverflow, bytes <= limits.maxBodyBytes else { throw Self.tooManyBytes(limits, endpoint) }
        let (count, countOverflow) = items.addingReportingOverflow(pageItems)
        items = count
        guard !countOverflow, count <= limits.maxItems else {
            throw AtlasError(kind: .pagination,
                             message: "\(endpoint) returned more than \(limits.maxItems) items for one listing; stopped. The server is misbehaving or the list is larger than atlas-certs supports.",
                             endpoint: endpoint)
        }
    }

    static func tooManyBytes(_ limits: ListingLimits, _ endpoint: String) -> AtlasError {
        AtlasError(kind: .pagination,
                   message: "\(endpoint) sent more than \(ErrorMapping.byteCount(limits.maxBodyBytes)) of responses for one listing; stopped. The server is misbehaving or the list is larger than atlas-certs supports.",
                   endpoint: endpoint)
    }
}

extension AtlasClient {
    /// Fetches every item of a list endpoint.
    ///
    /// Asks for `itemsPerPage` (500) items a page. After the first page, the remaining pages
    /// that `totalCount` announces are fetched concurrently. Because Atlas says `totalCount`
    /// "is an estimate and may not be exact", the walk then continues one page at a time
    /// while the last page was full and the server still offers a `next` link, and stops at
    /// an empty page. The `next` link is read for its page number only: requests always go
    /// to the configured base URL, so a server cannot send credentials elsewhere. More than
    /// `maxPages` pages, more than `limits.maxItems` items (or a `totalCount` announcing
    /// them, or a negative one) and more than `limits.maxBodyBytes` of bodies are errors,
    /// so a misbehaving server can neither make this loop forever nor exhaust memory.
    func list<Item: Decodable & Sendable>(path: String, limits: ListingLimits = .standard) async throws -> [Item] {
        let perPage = configuration.itemsPerPage
        let endpoint = "GET \(configuration.apiVersion.pathPrefix)\(path)"
        var tally = ListingTally()
        let first: Page<Item> = try await page(path: path, number: 1, perPage: perPage, endpoint: endpoint, limits: limits, tally: &tally)
        var pages: [Int: Page<Item>] = [1: first]
        var lastNumber = 1
        if Self.mayHaveMore(after: first, perPage: perPage) {
            if let total = first.totalCount, total > perPage {
                // No `total + perPage - 1`: that overflows near Int.max.
                let (whole, rest) = total.quotientAndRemainder(dividingBy: perPage)
                let announced = whole + (rest == 0 ? 0 : 1)
                guard announced <= configuration.maxPages else { throw tooManyPages(endpoint) }
                let fetched = try await fetchConcurrently(path: path, numbers: Array(2...announced), perPage: perPage, endpoint: endpoint,
                                                          limits: limits, tally: &tally) as [Int: Page<Item>]
                pages.merge(fetched) { old, _ in old }
                // Stop at the first empty page: the estimate was too high.
                lastNumber = (2...announced).first(where: { (pages[$0]?.results.isEmpty ?? true) }).map { $0 - 1 } ?? announced
            }
            // Continue one page at a time while the server says there is more: the
            // estimate was too low, or absent.
            while let last = pages[lastNumber], Self.mayHaveMore(after: last, perPage: perPage) {
                let next = lastNumber + 1
                guard next <= configuration.maxPages else { throw tooManyPages(endpoint) }
                let nextPage: Page<Item> = try await page(path: path, number: next, perPage: perPage, endpoint: endpoint, limits: limits, tally: &tally)
                if nextPage.results.isEmpty { break }
                pages[next] = nextPage
                lastNumber = next
            }
        }
        return (1...lastNumber).flatMap { pages[$0]?.results ?? [] }
    }

    /// A server that sends links (Atlas does) has more pages exactly when it sends `next`;
    /// one that sends none has more while pages come back full.
    static func mayHaveMore<Item>(after page: Page<Item>, perPage: Int) -> Bool {
        if page.results.isEmpty { return false }
        if page.links.isEmpty { return page.results.count >= perPage }
        return page.nextHref != nil
    }

    /// Fetches and counts one page.
    private func page<Item: Decodable & Sendable>(path: String, number: Int, perPage: Int, endpoint: String,
                                                  limits: ListingLimits, tally: inout ListingTally) async throws -> Page<Item> {
        let (page, bodyBytes): (Page<Item>, Int) = try await fetchPage(path: path, number: number, perPage: perPage, endpoint: endpoint, limits: limits)
        try tally.add(items: page.results.count, bodyBytes: bodyBytes, limits: limits, endpoint: endpoint)
        return page
    }

    /// Fetches one page; returns it with the size of its body. A body that alone passes the
    /// listing's byte limit is not decoded.
    private func fetchPage<Item: Decodable & Sendable>(path: String, number: Int, perPage: Int, endpoint: String,
                                                       limits: ListingLimits) async throws -> (Page<Item>, Int) {
        let response = try await send(.get, path: path, query: [
            ("includeCount", "true"), ("itemsPerPage", String(perPage)), ("pageNum", String(number)),
        ])
        let bodyBytes = response.body.count
        guard bodyBytes <= limits.maxBodyBytes else { throw ListingTally.tooManyBytes(limits, endpoint) }
        let page = try decode(Page<Item>.self, from: response, endpoint: endpoint)
        if let total = page.totalCount, total < 0 || total > limits.maxItems {
            throw AtlasError(kind: .pagination,
                             message: "\(endpoint) announced a totalCount of \(total), which is \(total < 0 ? "negative" : "more than the \(limits.maxItems) items atlas-certs supports in one list"); stopped. The server is misbehaving.",
                             endpoint: endpoint)
        }
        return (page, bodyBytes)
    }

    private func fetchConcurrently<Item: Decodable & Sendable>(path: String, numbers: [Int], perPage: Int, endpoint: String,
                                                               limits: ListingLimits, tally: inout ListingTally) async throws -> [Int: Page<Item>] {
        var counted = tally
        let results = try await withThrowingTaskGroup(of: (Int, Page<Item>, Int).self) { group in
            var pending = numbers[...]
            var results: [Int: Page<Item>] = [:]
            for _ in 0..<min(configuration.pageConcurrency, pending.count) {
                let number = pending.removeFirst()
                group.addTask {
                    let (page, bytes): (Page<Item>, Int) = try await self.fetchPage(path: path, number: number, perPage: perPage, endpoint: endpoint, limits: limits)
                    return (number, page, bytes)
                }
            }
            while let (number, page, bytes) = try await group.next() {
                // Throwing here cancels the pages still in flight.
                try counted.add(items: page.results.count, bodyBytes: bytes, limits: limits, endpoint: endpoint)
                results[number] = page
                if let next = pending.first {
                    pending.removeFirst()
                    group.addTask {
                        let (page, bytes): (Page<Item>, Int) = try await self.fetchPage(path: path, number: next, perPage: perPage, endpoint: endpoint, limits: limits)
                        return (next, page, bytes)
                    }
                }
            }
            return results
        }
        tally = counted
        return results
    }

    private func tooManyPages(_ endpoint: String) -> AtlasError {
        AtlasError(kind: .pagination,
                   message: "\(endpoint) kept announcing more pages past \(configuration.maxPages) pages of \(configuration.itemsPerPage); stopped. The server is misbehaving or the list is larger than atlas-certs supports.",
                   endpoint: endpoint)
    }
}

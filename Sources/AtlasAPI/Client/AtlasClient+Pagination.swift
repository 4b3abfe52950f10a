import Foundation

extension AtlasClient {
    /// Fetches every item of a list endpoint.
    ///
    /// Asks for `itemsPerPage` (500) items a page. After the first page, the remaining pages
    /// that `totalCount` announces are fetched concurrently. Because Atlas says `totalCount`
    /// "is an estimate and may not be exact", the walk then continues one page at a time
    /// while the last page was full and the server still offers a `next` link, and stops at
    /// an empty page. The `next` link is read for its page number only: requests always go
    /// to the configured base URL, so a server cannot send credentials elsewhere. More than
    /// `maxPages` pages is an error, so a misbehaving server cannot make this loop forever.
    func list<Item: Decodable & Sendable>(path: String) async throws -> [Item] {
        let perPage = configuration.itemsPerPage
        let endpoint = "GET \(configuration.apiVersion.pathPrefix)\(path)"
        let first: Page<Item> = try await page(path: path, number: 1, perPage: perPage, endpoint: endpoint)
        var pages: [Int: Page<Item>] = [1: first]
        var lastNumber = 1
        if Self.mayHaveMore(after: first, perPage: perPage) {
            if let total = first.totalCount, total > perPage {
                let announced = (total + perPage - 1) / perPage
                guard announced <= configuration.maxPages else { throw tooManyPages(endpoint) }
                let fetched = try await fetchConcurrently(path: path, numbers: Array(2...announced), perPage: perPage, endpoint: endpoint) as [Int: Page<Item>]
                pages.merge(fetched) { old, _ in old }
                // Stop at the first empty page: the estimate was too high.
                lastNumber = (2...announced).first(where: { (pages[$0]?.results.isEmpty ?? true) }).map { $0 - 1 } ?? announced
            }
            // Continue one page at a time while the server says there is more: the
            // estimate was too low, or absent.
            while let last = pages[lastNumber], Self.mayHaveMore(after: last, perPage: perPage) {
                let next = lastNumber + 1
                guard next <= configuration.maxPages else { throw tooManyPages(endpoint) }
                let nextPage: Page<Item> = try await page(path: path, number: next, perPage: perPage, endpoint: endpoint)
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

    private func page<Item: Decodable & Sendable>(path: String, number: Int, perPage: Int, endpoint: String) async throws -> Page<Item> {
        let response = try await send(.get, path: path, query: [
            ("includeCount", "true"), ("itemsPerPage", String(perPage)), ("pageNum", String(number)),
        ])
        return try decode(Page<Item>.self, from: response, endpoint: endpoint)
    }

    private func fetchConcurrently<Item: Decodable & Sendable>(path: String, numbers: [Int], perPage: Int, endpoint: String) async throws -> [Int: Page<Item>] {
        try await withThrowingTaskGroup(of: (Int, Page<Item>).self) { group in
            var pending = numbers[...]
            var results: [Int: Page<Item>] = [:]
            for _ in 0..<min(configuration.pageConcurrency, pending.count) {
                let number = pending.removeFirst()
                group.addTask { (number, try await self.page(path: path, number: number, perPage: perPage, endpoint: endpoint)) }
            }
            while let (number, page) = try await group.next() {
                results[number] = page
                if let next = pending.first {
                    pending.removeFirst()
                    group.addTask { (next, try await self.page(path: path, number: next, perPage: perPage, endpoint: endpoint)) }
                }
            }
            return results
        }
    }

    private func tooManyPages(_ endpoint: String) -> AtlasError {
        AtlasError(kind: .pagination,
                   message: "\(endpoint) kept announcing more pages past \(configuration.maxPages) pages of \(configuration.itemsPerPage); stopped. The server is misbehaving or the list is larger than atlas-certs supports.",
                   endpoint: endpoint)
    }
}

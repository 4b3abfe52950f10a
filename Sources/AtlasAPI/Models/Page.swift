/// One page of an Atlas list response: `results`, an optional `totalCount` (an estimate,
/// omitted when `includeCount=false`) and `links` with `self`, `next` and `previous`.
public struct Page<Item: Sendable & Decodable>: Sendable, Decodable {
    public var results: [Item]
    public var totalCount: Int?
    public var links: [Link]

    public init(results: [Item], totalCount: Int?, links: [Link]) {
        self.results = results
        self.totalCount = totalCount
        self.links = links
    }

    enum CodingKeys: String, CodingKey { case results, totalCount, links }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        results = try container.decode([Item].self, forKey: .results)
        totalCount = try Self.decodeTotalCount(container)
        links = try container.decodeIfPresent([Link].self, forKey: .links) ?? []
    }

    /// A `totalCount` that is no 64-bit integer (`2^63`, `1e300`, `1.5`) is reported as
    /// that field being invalid: JSONDecoder would call the whole body "not valid JSON".
    private static func decodeTotalCount(_ container: KeyedDecodingContainer<CodingKeys>) throws -> Int? {
        do {
            return try container.decodeIfPresent(Int.self, forKey: .totalCount)
        } catch let error as DecodingError {
            throw error
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .totalCount, in: container,
                                                   debugDescription: "not a whole number of items that fits in 64 bits")
        }
    }

    /// The `href` of the link with relation `next`, when the server says there is more.
    public var nextHref: String? { links.first(where: { $0.rel == "next" })?.href }
}

/// A hypermedia link in an Atlas response.
public struct Link: Sendable, Hashable, Codable {
    public var href: String
    public var rel: String

    public init(href: String, rel: String) {
        self.href = href
        self.rel = rel
    }
}

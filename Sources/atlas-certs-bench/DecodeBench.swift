import AtlasAPI
import AtlasSimulator
import Foundation

/// Section 2: decoding certificate pages as the client does (`AtlasJSON.decode` into
/// `Page<Certificate>`), pages of 500 encoded the way atlas-sim sends them.
enum DecodeBench {
    /// A page as Atlas sends it: links, results, totalCount.
    struct PageBody: Encodable {
        struct Link: Encodable { var href: String; var rel: String }
        var links: [Link]
        var results: [Certificate]
        var totalCount: Int
    }

    static func run(_ configuration: BenchConfiguration) throws -> [Result] {
        let certificates = TUIData.certificates(configuration.pageSize, now: Date())
        let base = "http://127.0.0.1:8089/api/atlas/v2/groups/\(certificates[0].groupId ?? "")/databaseUsers/%24external/CN%3Dsvc/certs"
        let page = PageBody(
            links: [.init(href: base + "?pageNum=1&itemsPerPage=\(configuration.pageSize)", rel: "self"),
                    .init(href: base + "?pageNum=2&itemsPerPage=\(configuration.pageSize)", rel: "next")],
            results: certificates, totalCount: certificates.count * 2)
        let bytes = Array(try AtlasJSON.encoder().encode(page))

        // One warm-up, then the timed repetitions.
        let check = try AtlasJSON.decode(Page<Certificate>.self, from: bytes)
        guard check.results == certificates else { throw BenchError("decoding did not give back the certificates") }
        let repetitions = configuration.decodeRepetitions
        let (_, elapsed) = try measure {
            var total = 0
            for _ in 0..<repetitions {
                total += try AtlasJSON.decode(Page<Certificate>.self, from: bytes).results.count
            }
            return total
        }
        let seconds = elapsed.seconds
        let megabytes = Double(bytes.count * repetitions) / 1e6
        let perSecond = Double(certificates.count * repetitions) / seconds
        return [
            Result(section: .decode, measure: "page of \(certificates.count) certificates",
                   value: "\(grouped(bytes.count)) bytes, \(fixed(seconds / Double(repetitions) * 1_000, 2)) ms per page"),
            Result(section: .decode, measure: "throughput", value: "\(fixed(megabytes / seconds)) MB/s, \(grouped(Int(perSecond))) certificates/s"),
        ]
    }
}

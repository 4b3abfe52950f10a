@testable import AtlasAPI
import Foundation
import Testing

@Suite("Report output keeps IDs exact and text safe")
struct CertificateReportTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    static func row(_ id: UInt64, subject: String = "CN=app", days: Double, user: String = "app") -> CertificateRow {
        CertificateRow(certificate: Certificate(id: CertificateID(id), subject: subject, createdAt: now.addingTimeInterval(-86_400),
                                                notAfter: now.addingTimeInterval(days * 86_400), groupId: "g"),
                       projectID: "5e2211c17a3e5a48f5497de3", projectName: "Payments", username: user, databaseName: "$external")
    }

    static let rows = [row(9_223_372_036_854_775_807, days: 3), row(5_433_027_191_242_719_574, days: 45)]

    @Test("table: exact digits, time left, the user's coverage and status words; the rotated-out certificate says superseded")
    func table() {
        let text = CertificateReport(rows: Self.rows, now: Self.now).table()
        let lines = text.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("ID "))
        #expect(lines[1].hasPrefix("9223372036854775807  CN=app"))
        #expect(lines[0].contains("USER VALID UNTIL"))
        // Both rows are one user's: the 3-day certificate is covered by the 45-day one.
        #expect(lines[1].contains("in 3d") && lines[1].hasSuffix("CRITICAL, superseded"), "\(lines[1])")
        #expect(lines[1].contains(CertificateReport.tableDate(Self.now.addingTimeInterval(45 * 86_400))))
        #expect(lines[2].hasPrefix("5433027191242719574  CN=app"))
        #expect(lines[2].contains("in 45d") && lines[2].hasSuffix("OK"))
    }

    @Test("JSON: bare integers, exact, parseable back")
    func json() throws {
        let text = CertificateReport(rows: Self.rows, now: Self.now).json()
        #expect(text.contains(#""id" : 9223372036854775807"#))
        #expect(text.contains(#""id" : 5433027191242719574"#))
        #expect(text.contains(#""serialHex" : "7FFFFFFFFFFFFFFF""#))
        struct Back: Decodable { var id: CertificateID; var status: String; var secondsLeft: Int64; var superseded: Bool }
        let back = try JSONDecoder().decode([Back].self, from: Data(text.utf8))
        #expect(back.map(\.superseded) == [true, false])
        #expect(back.map(\.id.decimal) == ["9223372036854775807", "5433027191242719574"])
        #expect(back.map(\.status) == ["critical", "ok"])
        #expect(back[0].secondsLeft == 3 * 86_400)
    }

    @Test("NDJSON: one object a line")
    func ndjson() {
        let text = CertificateReport(rows: Self.rows, now: Self.now).render(.ndjson)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("{") && lines[0].contains(#""id":9223372036854775807"#))
    }

    @Test("CSV: header, exact digits, quoting")
    func csv() {
        let rows = Self.rows + [Self.row(1, subject: "CN=Ana Lima,OU=Pay \"x\"", days: 10)]
        let lines = CertificateReport(rows: rows, now: Self.now).csv().split(separator: "\n")
        #expect(lines[0] == "id,serial_hex,subject,created_at,not_after,time_left,status,project_id,project_name,username,superseded,user_valid_until")
        #expect(lines[1].contains(",true,") && lines[2].contains(",false,"), "the 3-day certificate is superseded")
        #expect(lines[1].hasPrefix("9223372036854775807,7FFFFFFFFFFFFFFF,CN=app,"))
        #expect(lines[2].hasPrefix("5433027191242719574,4B65FD71ED0F8156,CN=app,"))
        #expect(lines[3].contains(#""CN=Ana Lima,OU=Pay ""x""""#))
    }

    @Test("CSV: a cell a spreadsheet could run as a formula is guarded, after leading spaces too, numbers included",
          arguments: ["-1-1", " =1+1", "=1+1", "+1", "@SUM(A1)", "   -2+3", "\t=1", "\r=1", "\u{FF1D}1+1", " \t@x"])
    func formulaGuard(_ text: String) {
        let rows = [Self.row(1, subject: text, days: 10, user: text)]
        let line = CertificateReport(rows: rows, now: Self.now).csv().split(separator: "\n")[1]
        let shown = TerminalSafe.sanitize(text)
        // Subject and username: quoted, the text after a leading apostrophe.
        let guarded = "\"'" + shown.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        #expect(line.components(separatedBy: guarded).count == 3, "\(line)")
        #expect(!line.contains(",\(shown),") && !line.contains(",\"\(shown)\""), "\(line)")
    }

    @Test("CSV: ordinary cells are not guarded")
    func noFalseGuard() {
        let rows = [Self.row(1, subject: "CN=a-b+c@d", days: 10, user: "1-1")]
        let line = CertificateReport(rows: rows, now: Self.now).csv().split(separator: "\n")[1]
        #expect(line.hasPrefix("1,01,CN=a-b+c@d,"), "\(line)")
        #expect(line.contains(",1-1,false,"), "\(line)")
    }

    @Test("hostile subjects: visible escapes in table and CSV, \\u escapes in JSON", arguments: [
        "CN=\u{1B}[31mred\u{1B}[0m", "CN=\u{1B}]52;c;ZXZpbA==\u{07}", "CN=a\rb\nc\u{8}d\te", "CN=\u{202E}txt.exe", "CN=\u{9B}2J",
    ])
    func hostile(_ subject: String) throws {
        let rows = [Self.row(7, subject: subject, days: 5, user: subject)]
        let report = CertificateReport(rows: rows, now: Self.now)
        for text in [report.table(), report.csv(), report.json(), report.render(.ndjson)] {
            let unsafe = text.unicodeScalars.filter { TerminalSafe.isUnsafe($0) && $0 != "\n" }
            #expect(unsafe.isEmpty, "\(text.debugDescription)")
        }
        // JSON keeps the exact value.
        struct Back: Decodable { var subject: String }
        let back = try JSONDecoder().decode([Back].self, from: Data(report.json().utf8))
        #expect(back.first?.subject == subject)
    }

    @Test("CJK keeps table columns aligned by display width")
    func alignment() {
        let rows = [Self.row(11, subject: "CN=用户", days: 5), Self.row(12, subject: "CN=ab", days: 6)]
        let lines = CertificateReport(rows: rows, now: Self.now).table().split(separator: "\n").map(String.init)
        let createdColumn = lines.dropFirst().compactMap { line -> Int? in
            guard let start = line.range(of: "2026-") else { return nil }
            return TextWidth.of(String(line[..<start.lowerBound]))
        }
        #expect(createdColumn.count == 2)
        #expect(Set(createdColumn).count == 1)
    }
}

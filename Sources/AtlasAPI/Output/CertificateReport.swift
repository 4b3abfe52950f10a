import Foundation

/// Renders certificate rows as a table, JSON, CSV or NDJSON.
///
/// Every form keeps the certificate ID's exact digits. Server text is made terminal-safe:
/// the table and CSV show control characters as visible escapes; JSON and NDJSON keep the
/// exact value but write every unsafe scalar as a `\uXXXX` escape, which JSON readers
/// turn back into the original text.
public struct CertificateReport: Sendable {
    public var rows: [CertificateRow]
    public var now: Date
    public var policy: ExpiryPolicy
    /// Each user's coverage: the latest `notAfter` of its valid certificates.
    public private(set) var coverage: [UserKey: Date]
    /// Valid certificates whose user holds another valid one expiring later (after a
    /// rotation the old one stays listed until it expires).
    public private(set) var superseded: Set<SupersededKey>

    /// `judgedAmong`: every row of the users shown, when `rows` is a filtered part of them
    /// (`--expiring-within`), so that coverage and superseded are the users' own.
    public init(rows: [CertificateRow], now: Date, policy: ExpiryPolicy = .default, judgedAmong all: [CertificateRow]? = nil) {
        self.rows = rows
        self.now = now
        self.policy = policy
        coverage = Coverage.coverage(of: all ?? rows, now: now)
        superseded = Coverage.superseded(in: all ?? rows, now: now)
    }

    public func isSuperseded(_ row: CertificateRow) -> Bool {
        superseded.contains(SupersededKey(user: row.userKey, certificateID: row.certificate.id))
    }

    /// The status word, with "superseded" when a later certificate of the user covers it.
    func statusText(_ row: CertificateRow) -> String {
        let label = policy.status(notAfter: row.certificate.notAfter, now: now).label
        return isSuperseded(row) ? label + ", superseded" : label
    }

    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .table: table()
        case .json: json()
        case .csv: csv()
        case .ndjson: rows.map { ndjsonLine($0) }.joined()
        }
    }

    // MARK: Table

    /// Columns: ID, subject, created, expires (UTC), time left, status; USER (and PROJECT)
    /// when the rows span several users (projects).
    public func table() -> String {
        let showProject = Set(rows.map(\.projectID)).count > 1
        let showUser = Set(rows.map { "\($0.projectID)\u{0}\($0.username)" }).count > 1
        var header = ["ID", "SUBJECT", "CREATED (UTC)", "EXPIRES (UTC)", "TIME LEFT", "USER VALID UNTIL", "STATUS"]
        if showUser { header.insert("USER", at: 1) }
        if showProject { header.insert("PROJECT", at: 1) }
        let body = rows.map { row -> [String] in
            var cells = [
                row.certificate.id.decimal,
                TerminalSafe.sanitize(row.certificate.subject),
                row.certificate.createdAt.map(Self.tableDate) ?? "-",
                Self.tableDate(row.certificate.notAfter),
                TimeLeft.format(notAfter: row.certificate.notAfter, now: now),
                coverage[row.userKey].map(Self.tableDate) ?? "-",
                statusText(row),
            ]
            if showUser { cells.insert(TerminalSafe.sanitize(row.username), at: 1) }
            if showProject { cells.insert(TerminalSafe.sanitize(row.projectName ?? row.projectID), at: 1) }
            return cells
        }
        let widths = header.indices.map { column in
            ([header[column]] + body.map { $0[column] }).map { TextWidth.of($0) }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.indices.map { index in
                index == cells.count - 1 ? cells[index] : TextFit.padded(cells[index], to: widths[index])
            }.joined(separator: "  ") + "\n"
        }
        return line(header) + body.map(line).joined()
    }

    static func tableDate(_ date: Date) -> String {
        var style = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC") ?? .gmt)
        style = style.dateSeparator(.dash).timeSeparator(.colon)
        let text = date.formatted(style)            // 2026-11-10T03:06:35Z
        return String(text.prefix(16)).replacingOccurrences(of: "T", with: " ")
    }

    // MARK: JSON

    /// What one row looks like in JSON: the certificate as Atlas sends it plus where it
    /// belongs and how urgent it is.
    struct Record: Encodable {
        var id: CertificateID
        var serialHex: String
        var subject: String
        var createdAt: Date?
        var notAfter: Date
        var projectId: String
        var projectName: String?
        var username: String
        var databaseName: String?
        var status: String
        var secondsLeft: Int64
        /// A later valid certificate of the same user covers this one.
        var superseded: Bool
        /// The user's coverage: when it can no longer authenticate.
        var userValidUntil: Date?
    }

    func record(_ row: CertificateRow) -> Record {
        Record(id: row.certificate.id, serialHex: row.certificate.id.hexSerial, subject: row.certificate.subject,
               createdAt: row.certificate.createdAt, notAfter: row.certificate.notAfter, projectId: row.projectID,
               projectName: row.projectName, username: row.username, databaseName: row.databaseName,
               status: policy.status(notAfter: row.certificate.notAfter, now: now).rawValue,
               secondsLeft: Self.wholeSeconds(row.certificate.notAfter.timeIntervalSince(now)),
               superseded: isSuperseded(row), userValidUntil: coverage[row.userKey])
    }

    /// Whole seconds, rounded down and clamped to `Int64` (NaN as 0), so that no interval
    /// traps: parsed thresholds are bounded, but a policy or a date built in code need not be.
    static func wholeSeconds(_ interval: TimeInterval) -> Int64 {
        guard !interval.isNaN else { return 0 }
        let down = interval.rounded(.down)
        // 2^63 is exactly representable; Int64.max (2^63 - 1) is not.
        if down >= 9_223_372_036_854_775_808.0 { return .max }
        if down <= -9_223_372_036_854_775_808.0 { return .min }
        return Int64(down)
    }

    public func json() -> String {
        Self.encodeSafely(rows.map(record), pretty: true) + "\n"
    }

    public func ndjsonLine(_ row: CertificateRow) -> String {
        Self.encodeSafely(record(row), pretty: false) + "\n"
    }

    /// `text` as a JSON string literal, terminal-safe.
    public static func jsonString(_ text: String) -> String {
        encodeSafely(text, pretty: false)
    }

    /// JSON with every terminal-unsafe scalar escaped as `\uXXXX` (valid JSON, same value).
    static func encodeSafely(_ value: some Encodable, pretty: Bool) -> String {
        guard let data = try? AtlasJSON.encoder(pretty: pretty).encode(value) else { return "null" }
        let text = String(decoding: data, as: UTF8.self)
        guard text.unicodeScalars.contains(where: TerminalSafe.isUnsafe) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if TerminalSafe.isUnsafe(scalar), !(pretty && scalar == "\n") {
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: CSV

    /// RFC 4180 CSV with a header line; IDs as plain digits.
    public func csv() -> String {
        var out = "id,serial_hex,subject,created_at,not_after,time_left,status,project_id,project_name,username,superseded,user_valid_until\n"
        for row in rows {
            let fields = [
                row.certificate.id.decimal, row.certificate.id.hexSerial, row.certificate.subject,
                row.certificate.createdAt.map(AtlasJSON.formatDate) ?? "", AtlasJSON.formatDate(row.certificate.notAfter),
                TimeLeft.format(notAfter: row.certificate.notAfter, now: now),
                policy.status(notAfter: row.certificate.notAfter, now: now).rawValue,
                row.projectID, row.projectName ?? "", row.username,
                isSuperseded(row) ? "true" : "false", coverage[row.userKey].map(AtlasJSON.formatDate) ?? "",
            ]
            out += fields.map(Self.csvField).joined(separator: ",") + "\n"
        }
        return out
    }

    static func csvField(_ raw: String) -> String {
        let value = TerminalSafe.sanitize(raw)
        let guarded = startsLikeFormula(raw) || startsLikeFormula(value) ? "'" + value : value
        if guarded.contains(where: { $0 == "," || $0 == "\"" || $0 == " " }) || guarded != value {
            return "\"" + guarded.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return guarded
    }

    /// True when a spreadsheet could run the cell as a formula (OWASP "CSV injection"): its
    /// first character, after any leading spaces, is =, +, -, @ (or their full-width forms),
    /// a tab or a carriage return. Every such cell is guarded, numbers like `-1-1` included:
    /// a formula needs no letters.
    static func startsLikeFormula(_ text: String) -> Bool {
        let triggers: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}"]
        guard let first = text.unicodeScalars.first(where: { triggers.contains($0) || !$0.properties.isWhitespace }) else { return false }
        return triggers.contains(first)
    }
}

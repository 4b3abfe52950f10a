import AtlasAPI
import AtlasSimulator
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the terminal put each character of a captured line: tmux draws a character
/// that joins nothing at the width C `wcwidth` gives it in a UTF-8 locale, so the
/// column of each character is the sum of the widths before it. Independent of our own
/// width model (`TextWidth`), which is what is being checked.
enum TerminalColumns {
    private typealias WCWidth = @convention(c) (wchar_t) -> Int32

    /// Glibc's `wcwidth`, which Swift does not import, looked up at run time.
    private static let wcwidthFunction: WCWidth? = {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "wcwidth") else { return nil }
        return unsafeBitCast(symbol, to: WCWidth.self)
    }()

    /// The column at which each scalar of `line` starts, measured in a UTF-8 locale set
    /// for this thread only (other tests run in parallel in this process).
    static func columns(of line: Substring) -> [(scalar: Unicode.Scalar, column: Int)] {
        guard let wcwidth = wcwidthFunction, let utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", nil) else { return [] }
        let previous = uselocale(utf8)
        defer {
            uselocale(previous)
            freelocale(utf8)
        }
        var column = 0
        var result: [(Unicode.Scalar, Int)] = []
        for scalar in line.unicodeScalars {
            result.append((scalar, column))
            column += max(0, Int(wcwidth(wchar_t(bitPattern: scalar.value))))
        }
        return result
    }

    /// The column at which `text` starts in `line`, or nil.
    static func column(of text: String, in line: Substring) -> Int? {
        guard let range = line.range(of: text) else { return nil }
        let offset = line.unicodeScalars.distance(from: line.unicodeScalars.startIndex, to: range.lowerBound)
        let positions = columns(of: line)
        return offset < positions.count ? positions[offset].column : nil
    }

    /// The columns the whole line takes.
    static func width(of line: Substring) -> Int {
        guard let last = columns(of: line + "x").last else { return 0 }
        return last.column
    }
}

/// Issue 13: usernames with ZWJ emoji, CJK, flags, skin tones and combining marks, drawn
/// by the real binary in tmux: every column stays where the header puts it, and no
/// joiner or half a grapheme leaks into the next cell.
@Suite("Wide and joined text in tmux", .serialized)
struct WideTextEndToEndTests {
    static let names = [
        "👩\u{200D}💻 dev", "田中太郎", "🇯🇵 tokyo", "Zu\u{308}rich", "❤\u{FE0F}\u{200D}🔥 ops", "👨🏽\u{200D}🚀 nasa",
        "e\u{301}clair", "plain-user",
    ]

    /// One project of MANAGED users, renamed to `names` (certificates follow their user).
    static func data(now: Date) -> SimulatorData {
        var data = SimulatorData.generate(seed: 7, now: now, organizations: 1, projectsPerOrganization: 1, usersPerProject: names.count,
                                          certificatesPerManagedUser: 1, managedFraction: 1)
        var renamed: [String: String] = [:]
        for (index, name) in names.enumerated() where index < data.users.count {
            renamed[data.users[index].username] = name
            data.users[index].username = name
        }
        for index in data.certificates.indices {
            if let name = renamed[data.certificates[index].username] { data.certificates[index].username = name }
        }
        return data
    }

    @Test("the users screen at 120x40: every row's AUTH DB, X.509 and STATUS start under their headers")
    func columnsStayInPlace() async throws {
        let now = Date()
        try await BrowserFixture.withBrowser(data: Self.data(now: now), width: 120, height: 40) { fixture, harness in
            try harness.start(try fixture.command(harness: harness))
            await harness.waitForScreen(containing: "PROJECT", fixture.data.projects[0].name)
            try harness.press("Enter")
            await harness.waitForScreen(containing: "USERNAME", "plain-user")
            // Every user's certificates loaded: a status in every row, no spinner.
            let settled = await harness.waitUntil { !harness.screen().contains("loading") && !harness.screen().contains("…  …") }
            #expect(settled, "\(harness.screen())")
            let screen = harness.screen()
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            let header = try #require(lines.first { $0.contains("USERNAME") && $0.contains("AUTH DB") }, "\(screen)")
            let databaseColumn = try #require(TerminalColumns.column(of: "AUTH DB", in: header))
            let typeColumn = try #require(TerminalColumns.column(of: "X.509", in: header))
            let statusColumn = try #require(TerminalColumns.column(of: "STATUS", in: header))
            #expect(!screen.unicodeScalars.contains("\u{200D}"), "no joiner reaches the terminal:\n\(screen)")
            let rows = lines.filter { $0.contains("$external") }
            #expect(rows.count == Self.names.count, "\(screen)")
            for row in rows {
                #expect(TerminalColumns.column(of: "$external", in: row) == databaseColumn, "misaligned:\n\(header)\n\(row)")
                #expect(TerminalColumns.column(of: "MANAGED", in: row) == typeColumn, "misaligned:\n\(header)\n\(row)")
                // The status text starts exactly under STATUS: a space before it, a mark at it.
                let cells = TerminalColumns.columns(of: row)
                let atStatus = cells.first { $0.column == statusColumn }
                let beforeStatus = cells.last { $0.column < statusColumn }
                #expect(atStatus.map { $0.scalar != " " } == true && beforeStatus?.scalar == " ", "STATUS misaligned:\n\(header)\n\(row)")
                #expect(TerminalColumns.width(of: row) <= 120, "wider than the pane: \(row)")
            }
            // Each name is there, whole or as its parts.
            for shown in ["田中太郎", "JP tokyo", "Zu\u{308}rich", "👩💻 dev", "🔥 ops", "👨🚀 nasa", "e\u{301}clair", "plain-user"] {
                #expect(rows.contains { $0.contains(shown) }, "\(shown) is shown:\n\(screen)")
            }
            try harness.press("q")
        }
    }
}

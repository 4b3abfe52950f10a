import AtlasAPI
import Foundation
import Testing
@testable import CertBrowser

@Suite("Table model")
struct TableTests {
    static let context = CellContext(now: Fixture.now, policy: .default, ascii: false)

    static func row(_ id: UInt64, _ subject: String, expiresIn: TimeInterval, created: TimeInterval? = -30 * 86_400) -> CertificateTableRow {
        let notAfter = Fixture.now.addingTimeInterval(expiresIn)
        return CertificateTableRow(certificate: Certificate(
            id: CertificateID(id), subject: subject, createdAt: created.map { Fixture.now.addingTimeInterval($0) },
            notAfter: notAfter, groupId: "g"))
    }

    /// Rows designed so that every column sorts differently from the ID order, with ties.
    static let rows: [CertificateTableRow] = [
        row(30, "CN=bravo", expiresIn: 10 * 86_400, created: -10 * 86_400),
        row(10, "CN=alpha", expiresIn: 40 * 86_400, created: -50 * 86_400),
        row(20, "cn=Charlie", expiresIn: 2 * 86_400, created: nil),
        row(UInt64.max, "CN=alpha", expiresIn: 10 * 86_400, created: -20 * 86_400),
        row(9_223_372_036_854_775_808, "CN=delta", expiresIn: -3_600, created: -5 * 86_400),
    ]

    static func ids(_ table: Table<CertificateTableRow>) -> [UInt64] {
        table.visibleRows.map(\.certificate.id.value)
    }

    static let expectations: [(ColumnID, [UInt64])] = [
        (.certificateID, [10, 20, 30, 9_223_372_036_854_775_808, UInt64.max]),
        // Case-insensitive; "CN=alpha" ties break by ID.
        (.subject, [10, UInt64.max, 30, 20, 9_223_372_036_854_775_808]),
        // Missing creation date sorts last in both directions.
        (.created, [10, UInt64.max, 30, 9_223_372_036_854_775_808, 20]),
        (.expires, [9_223_372_036_854_775_808, 20, 30, UInt64.max, 10]),
        (.timeLeft, [9_223_372_036_854_775_808, 20, 30, UInt64.max, 10]),
        // Urgency: expired, critical, then the warnings (tie by ID), then ok.
        (.status, [9_223_372_036_854_775_808, 20, 30, UInt64.max, 10]),
    ]

    @Test(arguments: expectations.map(\.0))
    func sortsAscendingByTypedValue(_ column: ColumnID) throws {
        let expected = try #require(Self.expectations.first { $0.0 == column }).1
        let table = Table(rows: Self.rows, sort: TableSort(column: column, ascending: true), context: Self.context)
        #expect(Self.ids(table) == expected)
    }

    @Test(arguments: expectations.map(\.0))
    func sortsDescendingKeepingTiesAscendingAndMissingLast(_ column: ColumnID) throws {
        let ascending = try #require(Self.expectations.first { $0.0 == column }).1
        let table = Table(rows: Self.rows, sort: TableSort(column: column, ascending: false), context: Self.context)
        let descending = Self.ids(table)
        #expect(descending != ascending)
        #expect(Set(descending) == Set(ascending))
        if column == .created {
            #expect(descending.last == 20)
        }
        if column == .subject {
            // The two "CN=alpha" rows keep ID order when reversed.
            let alphas = descending.filter { $0 == 10 || $0 == UInt64.max }
            #expect(alphas == [10, UInt64.max])
        }
    }

    @Test func everyColumnOfEveryTableHasADistinctID() {
        #expect(Set(CertificateTableRow.columns.map(\.id)).count == CertificateTableRow.columns.count)
        #expect(Set(UserRow.columns.map(\.id)).count == UserRow.columns.count)
        #expect(Set(ProjectRow.columns.map(\.id)).count == ProjectRow.columns.count)
    }

    @Test func selectionFollowsTheItemAcrossSortAndReload() {
        var table = Table(rows: Self.rows, sort: TableSort(column: .certificateID), context: Self.context)
        table.move(by: 2, pageHeight: 10)
        #expect(table.selectedKey == .certificate(CertificateID(30)))
        table.setSort(TableSort(column: .expires, ascending: false), context: Self.context)
        #expect(table.selectedRow?.certificate.id.value == 30)
        // Reload with the rows in another order and one row removed.
        table.setRows(Array(Self.rows.reversed().dropFirst()), context: Self.context)
        #expect(table.selectedRow?.certificate.id.value == 30)
    }

    @Test func untouchedSelectionStaysOnTheTopRowWhileResultsArrive() {
        var table = Table(rows: Array(Self.rows.prefix(2)), sort: TableSort(column: .expires), context: Self.context)
        #expect(table.selectedRow?.certificate.id.value == 30)
        // More rows arrive and sort above it: the cursor stays on the (new) top row.
        table.setRows(Self.rows, context: Self.context)
        #expect(table.cursor == 0)
        #expect(table.selectedRow?.certificate.id.value == 9_223_372_036_854_775_808)
        // Once the user moves, the selection follows the item instead.
        table.move(by: 1, pageHeight: 10)
        table.setRows(Array(Self.rows.reversed()), context: Self.context)
        #expect(table.selectedRow?.certificate.id.value == 20)
    }

    @Test func sortingKeepsTheItemEvenBeforeTheUserMoved() {
        var table = Table(rows: Self.rows, sort: TableSort(column: .certificateID), context: Self.context)
        #expect(table.selectedRow?.certificate.id.value == 10)
        table.setSort(TableSort(column: .expires), context: Self.context)
        #expect(table.selectedRow?.certificate.id.value == 10)
        #expect(table.cursor == 4)
    }

    @Test func selectionMovesToTheSamePositionWhenItsRowDisappears() {
        var table = Table(rows: Self.rows, sort: TableSort(column: .certificateID), context: Self.context)
        table.move(by: 1, pageHeight: 10)
        #expect(table.selectedRow?.certificate.id.value == 20)
        table.setRows(Self.rows.filter { $0.certificate.id.value != 20 }, context: Self.context)
        #expect(table.cursor == 1)
        #expect(table.selectedRow?.certificate.id.value == 30)
    }

    @Test func filterIsIncrementalAndCaseInsensitiveAcrossColumns() {
        var table = Table(rows: Self.rows, sort: TableSort(column: .certificateID), context: Self.context)
        table.setFilter("ALPHA", context: Self.context)
        #expect(Self.ids(table) == [10, UInt64.max])
        table.setFilter("charlie", context: Self.context)
        #expect(Self.ids(table) == [20])
        // Dynamic columns match too: status words and time left.
        table.setFilter("expired", context: Self.context)
        #expect(Self.ids(table) == [9_223_372_036_854_775_808])
        table.setFilter("18446744073709551615", context: Self.context)
        #expect(Self.ids(table) == [UInt64.max])
        table.setFilter("no such thing", context: Self.context)
        #expect(table.order.isEmpty)
        #expect(table.selectedRow == nil)
        table.setFilter("", context: Self.context)
        #expect(table.order.count == Self.rows.count)
    }

    @Test func filterKeepsTheSelectionWhenItStillMatches() {
        var table = Table(rows: Self.rows, sort: TableSort(column: .certificateID), context: Self.context)
        table.jump(toEnd: true, pageHeight: 10)
        #expect(table.selectedRow?.certificate.id.value == UInt64.max)
        table.setFilter("alpha", context: Self.context)
        #expect(table.selectedRow?.certificate.id.value == UInt64.max)
        table.setFilter("", context: Self.context)
        #expect(table.selectedRow?.certificate.id.value == UInt64.max)
    }

    @Test func movementClampsAndScrolls() {
        let many = (1...50).map { Self.row(UInt64($0), "CN=\($0)", expiresIn: Double($0) * 86_400) }
        var table = Table(rows: many, sort: TableSort(column: .certificateID), context: Self.context)
        table.move(by: -5, pageHeight: 10)
        #expect(table.cursor == 0)
        table.move(by: 25, pageHeight: 10)
        #expect(table.cursor == 25)
        #expect(table.visibleTop(height: 10) == 16)
        table.move(by: 100, pageHeight: 10)
        #expect(table.cursor == 49)
        #expect(table.visibleTop(height: 10) == 40)
        table.jump(toEnd: false, pageHeight: 10)
        #expect(table.visibleTop(height: 10) == 0)
    }

    /// Speed is measured by atlas-certs-bench (docs/benchmarks.md); this checks that the
    /// integer-key sort orders a larger table exactly as the typed keys say, ties included.
    /// The order a table must show: the enums compared directly, missing values last in
    /// both directions, ties by row key ascending; only the rows the filter matches.
    static func referenceOrder(_ rows: [CertificateTableRow], _ sort: TableSort, filter: (CertificateTableRow) -> Bool) -> [UInt64] {
        let column = CertificateTableRow.columns.first { $0.id == sort.column }!
        return rows.filter(filter).sorted { a, b in
            let ka = column.sortKey(a, context), kb = column.sortKey(b, context)
            if ka != kb {
                if ka == .missing { return false }
                if kb == .missing { return true }
                return sort.ascending ? ka < kb : kb < ka
            }
            return a.key < b.key
        }.map(\.certificate.id.value)
    }

    /// Every column, both directions, with and without a filter, with many ties and
    /// missing dates, rows given in row-key order and shuffled: the cached orders (one
    /// sort per column, the other direction derived, filters applied to the cached
    /// order) match the direct comparison exactly, whichever order the sorts come in.
    @Test(arguments: [false, true])
    func cachedOrdersMatchTheDirectComparison(rowsInKeyOrder: Bool) {
        var generator = SplitMix(seed: rowsInKeyOrder ? 11 : 12)
        var rows = (0..<3_000).map { index in
            Self.row(generator.next() % 500 == 0 ? UInt64.max - UInt64(index) : generator.next(),
                     ["CN=alpha", "cn=Alpha", "CN=bravo", "CN=é", "CN=e\u{301}", "CN=zulu-\(index % 7)"][index % 6],
                     expiresIn: Double(Int(generator.next() % 40) - 5) * 86_400,
                     created: index % 9 == 0 ? nil : -Double(generator.next() % 5) * 86_400)
        }
        if rowsInKeyOrder { rows.sort { $0.key < $1.key } }
        var table = Table(rows: rows, sort: TableSort(column: .expires), context: Self.context)
        let columns = CertificateTableRow.columns.map(\.id)
        for filter in ["", "alpha", "zulu"] {
            table.setFilter(filter, context: Self.context)
            let matches: (CertificateTableRow) -> Bool = { row in
                filter.isEmpty || row.certificate.subject.lowercased().contains(filter)
            }
            for column in columns + columns.reversed() {
                for ascending in [false, true, false] {
                    let sort = TableSort(column: column, ascending: ascending)
                    table.setSort(sort, context: Self.context)
                    #expect(Self.ids(table) == Self.referenceOrder(rows, sort, filter: matches), "\(column) \(ascending ? "▲" : "▼") /\(filter)")
                }
            }
        }
    }

    /// Runs of equal texts (one user's certificates) share the rank of their first text,
    /// case and canonical equivalents share a rank, and ranks order as folded text does.
    @Test func textRanksFollowFoldedOrderThroughRuns() {
        let texts = ["bob", "bob", "Alice", "alice", "ALICE", "e\u{301}", "é", "é", "zoë", "Bob", "carol", "carol"]
        let keys = TableSorting.rankedTexts(count: texts.count, folded: false) { texts[$0] }
        for i in texts.indices {
            for j in texts.indices {
                let a = texts[i].lowercased(), b = texts[j].lowercased()
                #expect((keys[i] == keys[j]) == (a == b), "\(texts[i]) vs \(texts[j])")
                #expect((keys[i] < keys[j]) == (a < b), "\(texts[i]) vs \(texts[j])")
            }
        }
        #expect(Set(keys).count == 5)
    }

    /// Case-insensitive beyond ASCII, in every column, and a filter never matches across
    /// two columns' texts.
    @Test func filterFoldsNonASCIIAndStaysWithinAColumn() {
        let rows = [
            Self.row(1, "CN=ÉCOLE Ünïcode", expiresIn: 20 * 86_400),
            Self.row(2, "CN=Straße,OU=ΣΙΣΥΦΟΣ", expiresIn: 20 * 86_400),
            Self.row(3, "CN=plain", expiresIn: 20 * 86_400),
        ]
        var table = Table(rows: rows, sort: TableSort(column: .certificateID), context: Self.context)
        table.setFilter("école ünï", context: Self.context)
        #expect(Self.ids(table) == [1])
        table.setFilter("σισυφ", context: Self.context)
        #expect(Self.ids(table) == [2])
        table.setFilter("STRASSE", context: Self.context)
        #expect(Self.ids(table).isEmpty, "no full case folding: ß is not ss, as lowercased() has it")
        table.setFilter("PLAIN", context: Self.context)
        #expect(Self.ids(table) == [3])
        // The subject ends and the created date begins: no row matches text spanning both.
        table.setFilter("plain2", context: Self.context)
        #expect(Self.ids(table).isEmpty)
    }

    @Test func largeTablesSortExactlyByTypedKeys() {
        var generator = SplitMix(seed: 7)
        let rows = (0..<5_000).map { index in
            Self.row(generator.next(), "CN=user\(index % 97)", expiresIn: Double(generator.next() % 10_000_000))
        }
        var table = Table(rows: rows, sort: TableSort(column: .certificateID), context: Self.context)
        #expect(table.visibleRows.map(\.certificate.id.value) == rows.map(\.certificate.id.value).sorted())
        table.setSort(TableSort(column: .expires, ascending: false), context: Self.context)
        let expiries = table.visibleRows.map(\.certificate.notAfter)
        #expect(expiries == expiries.sorted(by: >))
        table.setSort(TableSort(column: .subject), context: Self.context)
        #expect(table.order.count == 5_000)
        // Subjects repeat (97 distinct): ties are broken by ID, ascending.
        let pairs = table.visibleRows.map { ($0.certificate.subject.lowercased(), $0.certificate.id.value) }
        #expect(zip(pairs, pairs.dropFirst()).allSatisfy { $0 < $1 })
    }
}

@Suite("Column fitting")
struct ColumnLayoutTests {
    static let specs = [
        ColumnLayout.Spec(natural: 19, minWidth: 19, priority: 0, essential: true, flexible: false),   // ID
        ColumnLayout.Spec(natural: 40, minWidth: 10, priority: 3, essential: false, flexible: true),   // subject
        ColumnLayout.Spec(natural: 16, minWidth: 16, priority: 5, essential: false, flexible: false),  // created
        ColumnLayout.Spec(natural: 16, minWidth: 16, priority: 4, essential: false, flexible: false),  // expires
        ColumnLayout.Spec(natural: 14, minWidth: 10, priority: 0, essential: true, flexible: false),   // time left
        ColumnLayout.Spec(natural: 10, minWidth: 8, priority: 1, essential: false, flexible: false),   // status
    ]

    @Test func everythingFitsWhenWide() {
        let placed = ColumnLayout.fit(Self.specs, available: 200)
        #expect(placed.map(\.index) == [0, 1, 2, 3, 4, 5])
        #expect(placed.map(\.width) == [19, 40, 16, 16, 14, 10])
    }

    @Test(arguments: [
        (120, [0, 1, 2, 3, 4, 5]),
        (100, [0, 1, 2, 3, 4, 5]),
        (80, [0, 1, 3, 4, 5]),
        (60, [0, 1, 4, 5]),
        (50, [0, 4, 5]),
        (40, [0, 4]),
        (20, [0, 4]),
    ])
    func dropsLowPriorityColumnsFirst(_ width: Int, _ expected: [Int]) {
        let placed = ColumnLayout.fit(Self.specs, available: width)
        #expect(placed.map(\.index) == expected)
        if width >= 40 {
            #expect(placed.last.map { $0.x + $0.width } ?? 0 <= width)
        }
    }

    @Test func flexibleColumnsShrinkBeforeOthersDrop() {
        let placed = ColumnLayout.fit(Self.specs, available: 90)
        let subject = placed.first { $0.index == 1 }
        #expect(subject != nil)
        #expect((subject?.width ?? 0) < 40)
        #expect((subject?.width ?? 0) >= 10)
    }
}

/// A tiny deterministic generator so the performance test's data is reproducible.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

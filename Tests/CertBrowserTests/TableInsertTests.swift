import AtlasAPI
import Foundation
import Testing
@testable import CertBrowser

/// Issue 10 section 3: results that add users are inserted into the all-certificates
/// table instead of rebuilding it, and the table that grows this way is the one built
/// from scratch.
@Suite("Table: inserting the rows of users that arrive")
struct TableInsertTests {
    static let context = CellContext(now: Fixture.now, policy: .default, ascii: false)

    /// 40 users of two projects, 1 to 4 certificates each, expiries spread over a year.
    static func usersRows() -> [[FleetRow]] {
        return (0..<40).map { index in
            let user = UserKey(projectID: index % 2 == 0 ? "p-even" : "p-odd", databaseName: "$external", username: "user-\(index * 7919 % 97)")
            return (0..<(1 + index % 4)).map { certificate in
                let id = CertificateID((1 << 60) + UInt64(index * 1_000 + certificate))
                let notAfter = Fixture.now.addingTimeInterval(Double((index * 37 + certificate * 11) % 365 + 1) * 86_400)
                return FleetRow(certificate: Certificate(id: id, subject: "CN=\(user.username)", createdAt: nil, notAfter: notAfter, groupId: user.projectID),
                                user: user, projectName: user.projectID)
            }
        }
    }

    @Test("users inserted one by one, in any order, with a sort, a filter and a selection made on the way: the table built from scratch")
    func growsIntoTheScratchTable() {
        let batches = Self.usersRows().shuffled()
        var grown = Table<FleetRow>(rows: [], sort: TableSort(column: .expires), context: Self.context)
        for (index, batch) in batches.enumerated() {
            grown.insertRows(batch, context: Self.context)
            if index == 10 { grown.setSort(TableSort(column: .user, ascending: false), context: Self.context) }
            if index == 20 { grown.setFilter("user-1", context: Self.context) }
            if index == 25, let row = grown.visibleRows.dropFirst(2).first { grown.select(key: row.key, pageHeight: 20) }
        }
        var scratch = Table(rows: Table<FleetRow>.keyOrdered(batches.flatMap { $0 }), sort: TableSort(column: .user, ascending: false),
                            context: Self.context)
        scratch.setFilter("user-1", context: Self.context)
        #expect(grown.rows == scratch.rows, "the rows are held in key order, as built from scratch")
        #expect(grown.visibleRows.map(\.key) == scratch.visibleRows.map(\.key))
        #expect(grown.contentWidths == scratch.contentWidths)
        #expect(grown.selectedKey != nil && grown.visibleRows.contains { $0.key == grown.selectedKey })
        // Clearing the filter shows every row, in the same order as the scratch table's.
        grown.setFilter("", context: Self.context)
        scratch.setFilter("", context: Self.context)
        #expect(grown.visibleRows.map(\.key) == scratch.visibleRows.map(\.key))
    }

    /// 60 users whose certificates share few expiries (ties in the date, time-left and
    /// status columns) and few names (ties by user), some without a creation date (no value).
    static func tiedUsersRows() -> [[FleetRow]] {
        (0..<60).map { index in
            let user = UserKey(projectID: "p-\(index % 3)", databaseName: "$external", username: "user-\(index % 7)-\(index)")
            return (0..<(1 + index % 3)).map { certificate in
                let id = CertificateID(UInt64(10_000 + index * 10 + certificate))
                let months = Double((index + certificate) % 4 + 1)
                let notAfter = Fixture.now.addingTimeInterval(months * 30 * 86_400)
                let createdAt: Date? = (index + certificate) % 11 == 0 ? nil : Fixture.now.addingTimeInterval(-months * 86_400)
                return FleetRow(certificate: Certificate(id: id, subject: "CN=shared", createdAt: createdAt, notAfter: notAfter, groupId: user.projectID),
                                user: user, projectName: user.projectID)
            }
        }
    }

    @Test("the merged order of the sorted column, with ties and rows without a value, is the order of a sort from scratch, both ways",
          arguments: [ColumnID.expires, .created, .timeLeft, .status, .project, .subject, .user], [true, false])
    func mergedOrderEqualsTheFullSort(column: ColumnID, ascending: Bool) {
        let batches = Self.tiedUsersRows().shuffled()
        let sort = TableSort(column: column, ascending: ascending)
        var grown = Table<FleetRow>(rows: [], sort: sort, context: Self.context)
        var held: [FleetRow] = []
        for batch in batches {
            grown.insertRows(batch, context: Self.context)
            held += batch
            let scratch = Table(rows: Table<FleetRow>.keyOrdered(held), sort: sort, context: Self.context)
            #expect(grown.visibleRows.map(\.key) == scratch.visibleRows.map(\.key), "after \(held.count) rows")
            guard grown.visibleRows.map(\.key) == scratch.visibleRows.map(\.key) else { return }
        }
        // The other direction, derived from the merged order, is the scratch table's too.
        grown.setSort(TableSort(column: column, ascending: !ascending), context: Self.context)
        let scratch = Table(rows: Table<FleetRow>.keyOrdered(held), sort: TableSort(column: column, ascending: !ascending),
                            context: Self.context)
        #expect(grown.rows == scratch.rows)
        #expect(grown.visibleRows.map(\.key) == scratch.visibleRows.map(\.key))
    }

    @Test("a filter on a time-dependent column typed before the rows arrive matches the new rows as a scratch table does")
    func filterOnStatusKeepsMatchingNewRows() throws {
        let batches = Self.tiedUsersRows()
        var grown = Table<FleetRow>(rows: batches[0], sort: TableSort(column: .expires, ascending: false), context: Self.context)
        let timeLeft = try #require(FleetRow.columns.first { $0.id == .timeLeft })
        let needle = timeLeft.text(batches[1][0], Self.context).lowercased()
        grown.setFilter(needle, context: Self.context)
        for batch in batches.dropFirst() { grown.insertRows(batch, context: Self.context) }
        var scratch = Table(rows: Table<FleetRow>.keyOrdered(batches.flatMap { $0 }), sort: TableSort(column: .expires, ascending: false),
                            context: Self.context)
        scratch.setFilter(needle, context: Self.context)
        #expect(!scratch.visibleRows.isEmpty && scratch.visibleRows.count < scratch.rows.count, "the filter \(needle) narrows")
        #expect(grown.visibleRows.map(\.key) == scratch.visibleRows.map(\.key))
    }

    @Test("a row already held is not duplicated: the table is rebuilt from all the rows instead")
    func heldRowFallsBack() {
        let users = Self.usersRows()
        var table = Table<FleetRow>(rows: Table<FleetRow>.keyOrdered(users[0] + users[1]), sort: TableSort(column: .expires), context: Self.context)
        table.insertRows(users[1] + users[2], context: Self.context)
        #expect(table.rows.count == users[0].count + 2 * users[1].count + users[2].count, "setRows of what was given: nothing silently dropped")
        #expect(Set(table.rows.map(\.key)) == Set((users[0] + users[1] + users[2]).map(\.key)))
    }

    @Test("the reducer inserts a scan's new users into the open all-certificates view; the table equals one built from the data")
    func reducerInsertsArrivingUsers() throws {
        var state = Fixture.loaded()
        Fixture.press(.character("a"), on: &state)
        let before = try #require(state.fleetTable).rows.count
        let user = UserKey(projectID: Fixture.payments.id, databaseName: "$external", username: "late-arrival")
        let certificate = Certificate(id: CertificateID(8_000_000_000_000_000_001), subject: "CN=late", createdAt: nil,
                                      notAfter: Fixture.now.addingTimeInterval(3_600), groupId: Fixture.payments.id)
        state.fleet.insert(certificate, for: user)
        state.rebuildTables(Fixture.now)
        let table = try #require(state.fleetTable)
        #expect(table.rows.count == before + 1)
        let scratch = Table(rows: state.fleetRows(Fixture.now).rows, sort: table.sort, context: state.context(Fixture.now))
        #expect(table.rows == scratch.rows)
        #expect(table.visibleRows.map(\.key) == scratch.visibleRows.map(\.key))
    }
}

import AtlasAPI
import Foundation

/// Drawing a table: fit the columns to the width, then the header and the visible rows.
extension Renderer {
    /// Columns that fit, with their widths. Static columns use the widths measured when
    /// the rows arrived; columns whose text changes with time are measured over the
    /// rows on screen.
    func placements<Row>(_ table: Table<Row>, visible: ArraySlice<Int>, width: Int) -> [ColumnLayout.Placement] {
        let specs = table.columns.map { column -> ColumnLayout.Spec in
            var content: Int
            if column.dynamic {
                content = 0
                for index in visible {
                    content = max(content, TextWidth.of(column.text(table.rows[index], context)))
                }
            } else {
                content = table.contentWidths[column.id] ?? 0
            }
            let title = TextWidth.of(column.title) + 2
            let natural = max(min(column.maxWidth, content), title, column.flexible ? 0 : min(column.minWidth, content))
            return ColumnLayout.Spec(
                natural: natural, minWidth: column.minWidth, priority: column.priority,
                essential: column.essential, flexible: column.flexible)
        }
        return ColumnLayout.fit(specs, available: width)
    }

    func drawTable<Row>(_ table: Table<Row>, noun: String, empty: @autoclosure () -> String, _ canvas: inout Canvas) {
        let body = bodyRange(canvas)
        let top = table.visibleTop(height: body.count)
        let end = min(table.order.count, top + body.count)
        let visible = table.order[top..<end]
        let gutter = 1
        let placed = placements(table, visible: visible, width: canvas.width - gutter)
        let columns = table.columns

        // Header.
        canvas.fill(x: 0, y: 1, width: canvas.width, role: .header)
        for placement in placed {
            let column = columns[placement.index]
            var title = column.title
            var role = StyleRole.header
            if column.id == table.sort.column {
                title += " " + (table.sort.ascending ? glyphs.ascending : glyphs.descending)
                role = .sortedHeader
            }
            canvas.write(title, x: gutter + placement.x, y: 1, width: placement.width,
                         alignRight: column.alignRight, role: role)
        }

        // Rows.
        let stale = isStale
        for (offset, index) in visible.enumerated() {
            let y = body.lowerBound + offset
            let row = table.rows[index]
            let selected = top + offset == table.cursor
            if selected {
                if selection == .row { canvas.fill(x: 0, y: y, width: canvas.width, role: .selected) }
                canvas.write(glyphs.selectionMark, x: 0, y: y, role: .selected)
            }
            for (position, placement) in placed.enumerated() {
                let column = columns[placement.index]
                var role = column.role(row, context)
                if selected && (selection == .row || position == 0) {
                    role = .selected
                } else if stale {
                    role = .stale
                }
                canvas.write(column.text(row, context), x: gutter + placement.x, y: y, width: placement.width,
                             alignRight: column.alignRight, role: role)
            }
        }

        if table.order.isEmpty {
            let text = table.rows.isEmpty ? empty() : "No \(noun) match the filter /\(table.filter)."
            centred(text, y: body.lowerBound + min(2, body.count - 1), role: .muted, &canvas)
        }
    }

    var emptyProjectsText: String {
        state.projectsLoad.isLoading ? "Loading projects\(StatusText.pending(ascii: glyphs.ascii))" : "No projects."
    }

    func emptyUsersText(_ projectID: String) -> String {
        state.usersLoad[projectID]?.isLoading == true
            ? "Loading database users\(StatusText.pending(ascii: glyphs.ascii))" : "No database users in this project."
    }

    func emptyCertificatesText(_ user: UserKey) -> String {
        state.certificatesLoad[user]?.isLoading == true
            ? "Loading certificates\(StatusText.pending(ascii: glyphs.ascii))" : "No unexpired certificates for this user."
    }
}

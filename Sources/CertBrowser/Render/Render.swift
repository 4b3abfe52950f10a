import AtlasAPI
import Foundation

/// Draws the whole screen for `state` at `size` and time `now`.
///
/// Pure: the same inputs always give the same cells, which is what makes every screen
/// snapshot-testable. The runtime calls it after every action and paints the result.
public func render(_ state: State, size: Size, now: Date, options: RenderOptions = RenderOptions()) -> Canvas {
    var canvas = Canvas(width: size.width, height: size.height, ascii: options.ascii)
    var painter = Renderer(state: state, now: now, glyphs: Glyphs(ascii: options.ascii), selection: options.selection)
    if size.width < Layout.minimum.width || size.height < Layout.minimum.height {
        painter.drawTooSmall(&canvas)
    } else {
        painter.drawHeader(&canvas)
        switch state.screen {
        case .projects:
            painter.drawTable(state.projectsTable, noun: "projects", empty: painter.emptyProjectsText, &canvas)
        case .users(let projectID):
            if let table = state.usersTable {
                painter.drawTable(table, noun: "users", empty: painter.emptyUsersText(projectID), &canvas)
            }
        case .certificates(let user):
            if let table = state.certificatesTable {
                painter.drawTable(table, noun: "certificates", empty: painter.emptyCertificatesText(user), &canvas)
            }
        case .detail(let user, let id):
            painter.drawDetail(user: user, id: id, &canvas)
        case .fleet:
            if let table = state.fleetTable {
                painter.drawTable(table, noun: "certificates", empty: painter.emptyFleetText, &canvas)
            }
        }
        painter.drawFooter(&canvas)
        if state.isShowingHelp { painter.drawHelp(&canvas) }
        if let dialog = state.createDialog { painter.drawCreateDialog(dialog, &canvas) }
    }
    if !options.color { canvas.mapRoles(\.withoutColor) }
    return canvas
}

/// The drawing code, split by screen area across files.
struct Renderer {
    let state: State
    let now: Date
    let glyphs: Glyphs
    let selection: SelectionStyle

    var context: CellContext { CellContext(now: now, policy: state.policy, ascii: glyphs.ascii) }

    /// Rows between the column header and the footer.
    func bodyRange(_ canvas: Canvas) -> Range<Int> { 2..<(canvas.height - 2) }

    /// Whether the screen's rows are older than a failed or cancelled load.
    var isStale: Bool { state.loadStatus(for: state.screen).isStale }

    /// Writes `text` centred on row `y`.
    func centred(_ text: String, y: Int, role: StyleRole, _ canvas: inout Canvas) {
        let width = min(CellGraphemes.drawnWidth(text), canvas.width)
        canvas.write(text, x: max(0, (canvas.width - width) / 2), y: y, role: role)
    }

    mutating func drawTooSmall(_ canvas: inout Canvas) {
        let needed = Layout.minimum
        let lines: [(String, StyleRole)] = [
            ("Terminal too small", .error),
            ("is \(canvas.width)\(glyphs.times)\(canvas.height)", .normal),
            ("needs \(needed.width)\(glyphs.times)\(needed.height)", .normal),
        ]
        let top = max(0, (canvas.height - lines.count) / 2)
        for (offset, line) in lines.enumerated() {
            centred(line.0, y: top + offset, role: line.1, &canvas)
        }
    }
}

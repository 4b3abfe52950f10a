import AtlasAPI
import Foundation

/// The frame around every screen: breadcrumbs on top; message, load state and key
/// hints at the bottom.
extension Renderer {
    /// `Acme › Payments › alice`, from the navigation stack.
    var breadcrumbs: [String] {
        var crumbs: [String] = []
        switch state.organizations.count {
        case 0: crumbs.append("Atlas")
        case 1: crumbs.append(state.organizations[0].name)
        default: crumbs.append("\(state.organizations.count) organizations")
        }
        for screen in state.stack {
            switch screen {
            case .projects:
                break
            case .users(let projectID):
                let project = state.project(projectID)
                if state.organizations.count > 1, let project {
                    crumbs[0] = state.organizationName(project.orgId)
                }
                crumbs.append(project?.name ?? projectID)
            case .certificates(let user):
                crumbs.append(user.username)
            case .detail(_, let id):
                crumbs.append(id.decimal)
            case .fleet:
                crumbs.append("All certificates")
            }
        }
        return crumbs.map { TextFit.truncated(CellGraphemes.cellText($0), to: 32, ellipsis: glyphs.ascii ? "~" : "…") }
    }

    /// `12/40` (position of the selection), or `3/7 of 40` when filtered.
    var position: String {
        func describe<Row>(_ table: Table<Row>) -> String {
            let shown = table.order.count
            let at = shown == 0 ? 0 : table.cursor + 1
            return table.filter.isEmpty ? "\(at)/\(shown)" : "\(at)/\(shown) of \(table.rows.count)"
        }
        switch state.screen {
        case .projects: return describe(state.projectsTable)
        case .users: return state.usersTable.map(describe) ?? ""
        case .certificates, .detail: return state.certificatesTable.map(describe) ?? ""
        case .fleet: return state.fleetTable.map(describe) ?? ""
        }
    }

    func drawHeader(_ canvas: inout Canvas) {
        canvas.fill(x: 0, y: 0, width: canvas.width, role: .breadcrumb)
        // Stale rows are also dimmed, but a word survives any palette and NO_COLOR.
        var right = isStale ? "STALE  " + position : position
        if let cachedAt = state.cachedAt {
            right = "CACHED \(TimeLeft.span(max(0, now.timeIntervalSince(cachedAt)))) ago  " + position
        }
        let rightWidth = TextWidth.of(right)
        let room = max(0, canvas.width - rightWidth - 3)
        canvas.write(" " + breadcrumbs.joined(separator: glyphs.crumbSeparator), x: 0, y: 0, maxWidth: room, role: .breadcrumb)
        if rightWidth + 2 < canvas.width {
            canvas.write(right, x: canvas.width - rightWidth - 1, y: 0, role: .breadcrumb)
        }
    }

    func drawFooter(_ canvas: inout Canvas) {
        drawMessageLine(y: canvas.height - 2, &canvas)
        drawHints(y: canvas.height - 1, &canvas)
    }

    /// The load state at the right of the message line: a spinner while loading,
    /// otherwise when the data was last refreshed.
    func loadText(wide: Bool) -> (String, StyleRole) {
        let status = state.loadStatus(for: state.screen)
        if state.isScreenLoading {
            var text = glyphs.spinner(state.spinnerFrame) + " loading"
            let count = state.requests(forScreen: state.screen).count
            if count > 1 { text += " (\(count))" }
            if let until = state.rateLimitedUntil, until > now {
                text += " \(glyphs.dot) rate-limited, \(TimeLeft.span(until.timeIntervalSince(now)))"
            }
            return (text, .spinner)
        }
        guard let last = status.lastLoaded else {
            return status.isStale ? ("not loaded", .stale) : ("", .normal)
        }
        let age = TimeLeft.span(now.timeIntervalSince(last))
        let ago = wide ? "updated \(UTCText.time(last)) UTC (\(age) ago)" : "updated \(age) ago"
        return status.isStale ? ("stale " + glyphs.dot + " " + ago, .stale) : (ago, .muted)
    }

    /// The message line: the filter prompt or the last message on the left, the load
    /// state on the right. An error that needs the whole line gets it: it says what to
    /// do, and the header still says STALE.
    func drawMessageLine(y: Int, _ canvas: inout Canvas) {
        let parts = messageParts
        let (load, loadRole) = loadText(wide: canvas.width >= 100)
        let loadWidth = TextWidth.of(load)
        let partsWidth = parts.reduce(0) { $0 + CellGraphemes.drawnWidth($1.0) + 2 }
        let hasError = parts.contains { $0.1 == .error }
        var showLoad = loadWidth > 0 && loadWidth + 20 <= canvas.width
        if showLoad && hasError && !state.isEditingFilter && partsWidth + loadWidth + 2 > canvas.width {
            showLoad = false
        }
        let room = showLoad ? canvas.width - loadWidth - 2 : canvas.width
        if showLoad {
            canvas.write(load, x: canvas.width - loadWidth - 1, y: y, role: loadRole)
        }

        if state.isEditingFilter {
            let prompt = "/" + currentFilter + glyphs.cursor
            canvas.write(" " + prompt, x: 0, y: y, maxWidth: room, role: .normal)
            return
        }
        var x = 1
        for (text, role) in parts where x < room {
            x += canvas.write(text, x: x, y: y, maxWidth: room - x, role: role)
            x += 2
        }
    }

    /// What the left of the message line says: the active filter, then the last
    /// message, or the reason the screen's data is stale.
    var messageParts: [(String, StyleRole)] {
        var parts: [(String, StyleRole)] = []
        if !currentFilter.isEmpty {
            parts.append(("filter /" + currentFilter + " (Esc clears)", .normal))
        }
        if let hidden = supersededHiddenText { parts.append((hidden, .normal)) }
        if let message = state.message {
            parts.append((message.text, message.isError ? .error : .normal))
        } else if state.screen == .fleet {
            parts.append(fleetProgressText)
        } else if let failure = state.loadStatus(for: state.screen).failureMessage {
            parts.append(("Load failed: \(failure) Press R to retry.", .error))
        } else if state.loadStatus(for: state.screen).isCancelled {
            parts.append(("Loading cancelled. Press R to load again.", .error))
        }
        return parts
    }

    /// `2 superseded hidden (s shows)` while `s` hides superseded certificates on a
    /// screen that lists certificates, so a shorter table never reads as complete.
    var supersededHiddenText: String? {
        guard state.hidesSuperseded else { return nil }
        let count: Int
        switch state.screen {
        case .certificates: count = state.hiddenSupersededCertificates
        case .fleet: count = state.hiddenSupersededFleet
        default: return nil
        }
        let key = state.keymap.binding(for: .toggleSuperseded)?.keys.first?.displayName(ascii: glyphs.ascii) ?? "s"
        return "\(count) superseded hidden (\(key) shows)"
    }

    var currentFilter: String {
        switch state.screen {
        case .projects: state.projectsTable.filter
        case .users: state.usersTable?.filter ?? ""
        case .certificates: state.certificatesTable?.filter ?? ""
        case .fleet: state.fleetTable?.filter ?? ""
        case .detail: ""
        }
    }

    /// Key hints for the screen on top, named from the keymap.
    var hints: [String] {
        let keymap = state.keymap
        func key(_ command: Command) -> String? {
            keymap.binding(for: command)?.keys.first?.displayName(ascii: glyphs.ascii)
        }
        var items: [(Command, String)] = []
        switch state.screen {
        case .projects, .users:
            items = [(.drillIn, "open"), (.back, "back"), (.filter, "filter"), (.sortNext, "sort"),
                     (.reverseSort, "reverse"), (.copyRow, "copy JSON"), (.refresh, "refresh")]
        case .certificates:
            items = [(.drillIn, "details"), (.back, "back"), (.filter, "filter"), (.sortNext, "sort"),
                     (.reverseSort, "reverse"), (.copyID, "copy ID"), (.refresh, "refresh")]
        case .detail:
            items = [(.back, "back"), (.copyID, "copy ID"), (.copyRow, "copy JSON"), (.refresh, "refresh")]
        case .fleet:
            items = [(.drillIn, "open user"), (.back, "back"), (.filter, "filter"), (.sortNext, "sort"),
                     (.reverseSort, "reverse"), (.copyID, "copy ID"), (.refresh, "rescan")]
        }
        if state.stack.count == 1 { items.removeAll { $0.0 == .back } }
        items += [(.help, "help"), (.quit, "quit")]
        return items.compactMap { command, label in
            if command == .sortNext, let previous = key(.sortPrevious), let next = key(.sortNext) {
                return "\(previous)\(next) \(label)"
            }
            return key(command).map { "\($0) \(label)" }
        }
    }

    func drawHints(y: Int, _ canvas: inout Canvas) {
        canvas.fill(x: 0, y: y, width: canvas.width, role: .footer)
        var x = 1
        for hint in hints {
            let width = TextWidth.of(hint)
            guard x + width < canvas.width else { break }
            canvas.write(hint, x: x, y: y, role: .footer)
            x += width + 2
        }
    }
}

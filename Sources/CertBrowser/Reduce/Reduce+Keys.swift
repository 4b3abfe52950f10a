import Foundation

/// Key handling: which mode the browser is in decides what a key means.
extension State {
    mutating func handleKey(_ key: KeyInput, _ now: Date) -> [Effect] {
        // Ctrl-C always quits, whatever is open: users reach for it when lost.
        if key == .ctrl("c") { return [.quit] }
        if key == .resize { return [] }
        if createDialog != nil { return handleCreateKey(key, now) }
        if isShowingHelp { return handleHelpKey(key) }
        if isEditingFilter { return handleFilterKey(key, now) }
        guard let command = keymap.command(for: key) else { return [] }
        return perform(command, key: key, now)
    }

    /// Help is modal: it scrolls with the movement keys and any of Esc, `?`, `q`,
    /// Enter or F1 closes it (so `q` in help never quits by surprise).
    mutating func handleHelpKey(_ key: KeyInput) -> [Effect] {
        switch keymap.command(for: key) {
        case .moveUp: helpScroll = max(0, helpScroll - 1)
        case .moveDown: helpScroll = min(keymap.bindings.count, helpScroll + 1)
        case .pageUp, .top: helpScroll = 0
        case .pageDown, .bottom: helpScroll = keymap.bindings.count
        case .back, .help, .quit, .drillIn:
            isShowingHelp = false
            helpScroll = 0
        default: break
        }
        return []
    }

    /// While the filter is edited, printable characters go into it and the table
    /// narrows at every key; the arrows still move the selection.
    mutating func handleFilterKey(_ key: KeyInput, _ now: Date) -> [Effect] {
        switch key {
        case .character(let character):
            guard !character.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return [] }
            setFilter(currentFilter + String(character), now)
        case .backspace:
            if currentFilter.isEmpty {
                isEditingFilter = false
            } else {
                setFilter(String(currentFilter.dropLast()), now)
            }
        case .enter:
            isEditingFilter = false
        case .escape:
            isEditingFilter = false
            setFilter("", now)
        case .up: operate(.move(-1), now)
        case .down: operate(.move(1), now)
        case .pageUp: operate(.move(-pageHeight), now)
        case .pageDown: operate(.move(pageHeight), now)
        default: break
        }
        return []
    }

    mutating func perform(_ command: Command, key: KeyInput, _ now: Date) -> [Effect] {
        switch command {
        case .moveUp: operate(.move(-1), now)
        case .moveDown: operate(.move(1), now)
        case .pageUp: operate(.move(-pageHeight), now)
        case .pageDown: operate(.move(pageHeight), now)
        case .top: operate(.jump(toEnd: false), now)
        case .bottom: operate(.jump(toEnd: true), now)
        case .drillIn: return drillIn(now)
        case .back: return key == .escape ? escape(now) : goBack()
        case .filter:
            if hasTable {
                isEditingFilter = true
            }
        case .sortPrevious: cycleSort(by: -1, now)
        case .sortNext: cycleSort(by: 1, now)
        case .reverseSort:
            if let sort = currentSort {
                operate(.sort(TableSort(column: sort.column, ascending: !sort.ascending)), now)
            }
        case .copyID: return copySelectedID(now)
        case .copyRow: return copySelectedRow(now)
        case .refresh:
            message = nil
            return refresh(now)
        case .allCertificates: return openFleet(now)
        case .create: openCreateDialog(now)
        case .toggleSuperseded: toggleSuperseded(now)
        case .help:
            isShowingHelp = true
            helpScroll = 0
        case .quit: return [.quit]
        }
        return []
    }

    /// Esc undoes the most recent thing first: an active filter, then a slow load, and
    /// only then goes back a level.
    mutating func escape(_ now: Date) -> [Effect] {
        if hasTable && !currentFilter.isEmpty {
            setFilter("", now)
            return []
        }
        let loads = requests(forScreen: screen)
        if !loads.isEmpty { return cancel(loads, now) }
        return goBack()
    }

    mutating func setFilter(_ text: String, _ now: Date) {
        operate(.filter(text), now)
    }

    mutating func cycleSort(by step: Int, _ now: Date) {
        guard let sort = currentSort else { return }
        let columns = currentColumns
        guard let index = columns.firstIndex(of: sort.column), !columns.isEmpty else { return }
        let next = columns[(index + step + columns.count) % columns.count]
        operate(.sort(TableSort(column: next, ascending: true)), now)
    }
}

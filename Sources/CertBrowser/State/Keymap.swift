/// What a key asks the browser to do.
public enum Command: Sendable, Hashable, CaseIterable {
    case moveUp, moveDown, pageUp, pageDown, top, bottom
    case drillIn, back, filter
    case sortPrevious, sortNext, reverseSort
    case copyID, copyRow, refresh
    case allCertificates, create, toggleSuperseded
    case help, quit
}

/// One line of the keymap: the keys, the command, and the words the help shows.
public struct KeyBinding: Sendable, Hashable {
    public var keys: [KeyInput]
    public var command: Command
    public var summary: String

    public init(keys: [KeyInput], command: Command, summary: String) {
        self.keys = keys
        self.command = command
        self.summary = summary
    }

    /// `↑/k`, or `Up/k` in ASCII mode.
    public func keyNames(ascii: Bool) -> String {
        keys.map { $0.displayName(ascii: ascii) }.joined(separator: "/")
    }
}

/// The single source of truth for keys: the reducer asks it what a key means, and the
/// help overlay is generated from it, so the help can never drift from the behaviour.
///
/// The bindings follow what users of k9s, lazygit and htop already know (see
/// tui-anchors.md §1.7): vim movement, Enter/Esc to drill, `/` to filter, `<` `>` `r`
/// for sorting, `y`/`c` to copy, Ctrl-R/`R` to refresh, `?` for help; `s` hides superseded
/// certificates (after a rotation the old one stays listed until it expires).
public struct Keymap: Sendable, Hashable {
    public var bindings: [KeyBinding]

    public init(bindings: [KeyBinding]) {
        self.bindings = bindings
    }

    /// The command bound to `key`, if any.
    public func command(for key: KeyInput) -> Command? {
        bindings.first { $0.keys.contains(key) }?.command
    }

    /// The binding of `command`, for hints.
    public func binding(for command: Command) -> KeyBinding? {
        bindings.first { $0.command == command }
    }

    public static let standard = Keymap(bindings: [
        KeyBinding(keys: [.up, .character("k")], command: .moveUp, summary: "move up"),
        KeyBinding(keys: [.down, .character("j")], command: .moveDown, summary: "move down"),
        KeyBinding(keys: [.pageUp, .ctrl("b")], command: .pageUp, summary: "page up"),
        KeyBinding(keys: [.pageDown, .ctrl("f")], command: .pageDown, summary: "page down"),
        KeyBinding(keys: [.home, .character("g")], command: .top, summary: "first row"),
        KeyBinding(keys: [.end, .character("G")], command: .bottom, summary: "last row"),
        KeyBinding(keys: [.enter, .right, .character("l")], command: .drillIn, summary: "open"),
        KeyBinding(keys: [.escape, .left, .character("h"), .backspace], command: .back,
                   summary: "back (Esc: clear filter, cancel load)"),
        KeyBinding(keys: [.character("/")], command: .filter, summary: "filter (Enter keeps, Esc clears)"),
        KeyBinding(keys: [.character("<")], command: .sortPrevious, summary: "sort by previous column"),
        KeyBinding(keys: [.character(">")], command: .sortNext, summary: "sort by next column"),
        KeyBinding(keys: [.character("r")], command: .reverseSort, summary: "reverse sort"),
        KeyBinding(keys: [.character("y"), .character("c")], command: .copyID, summary: "copy certificate ID"),
        KeyBinding(keys: [.character("Y")], command: .copyRow, summary: "copy row as JSON"),
        KeyBinding(keys: [.character("R"), .ctrl("r")], command: .refresh, summary: "refresh"),
        KeyBinding(keys: [.character("a")], command: .allCertificates, summary: "all certificates, every project"),
        KeyBinding(keys: [.character("n")], command: .create, summary: "create a certificate (asks first)"),
        KeyBinding(keys: [.character("s")], command: .toggleSuperseded, summary: "hide/show superseded certificates"),
        KeyBinding(keys: [.character("?"), .function(1)], command: .help, summary: "help"),
        KeyBinding(keys: [.character("q"), .ctrl("c")], command: .quit, summary: "quit"),
    ])
}

/// A key press as the terminal adapter decodes it.
///
/// The adapter turns `wget_wch` results into these; everything after that is pure.
/// `ctrl` carries the lower-case letter (`ctrl("r")` for Ctrl-R). `resize` exists
/// because curses reports a resize as a key (KEY_RESIZE); the reducer ignores it, and
/// the runtime should send `Action.resize` with the new size instead.
public enum KeyInput: Sendable, Hashable {
    case character(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, backspace, tab
    case ctrl(Character)
    case resize
    case function(Int)

    /// The key's name in the help overlay and the footer hints.
    public func displayName(ascii: Bool) -> String {
        switch self {
        case .character(" "): "Space"
        case .character(let character): String(character)
        case .up: ascii ? "Up" : "↑"
        case .down: ascii ? "Down" : "↓"
        case .left: ascii ? "Left" : "←"
        case .right: ascii ? "Right" : "→"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .enter: "Enter"
        case .escape: "Esc"
        case .backspace: "Bksp"
        case .tab: "Tab"
        case .ctrl(let character): "Ctrl-" + String(character).uppercased()
        case .resize: "Resize"
        case .function(let number): "F\(number)"
        }
    }
}

/// A terminal size in cells.
public struct Size: Sendable, Hashable {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
}

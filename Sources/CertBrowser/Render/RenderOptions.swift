/// How the terminal can draw, decided once by the runtime from the environment.
public struct RenderOptions: Sendable, Hashable {
    /// False under NO_COLOR (unless the user forced colour) or on a terminal without
    /// colours: roles become attribute-only roles (bold, dim, reverse, underline).
    public var color: Bool
    /// True when the locale is not UTF-8: ASCII arrows, borders, glyphs and `~` for the
    /// ellipsis, since anything else would print as mojibake.
    public var ascii: Bool
    /// Ask the painter for the red-green-safe palette. The core only carries it; roles
    /// are the same, so snapshots do not change with it.
    public var colorBlindSafe: Bool
    /// How much of the selected row is highlighted.
    public var selection: SelectionStyle

    public init(color: Bool = true, ascii: Bool = false, colorBlindSafe: Bool = false, selection: SelectionStyle = .cell) {
        self.color = color
        self.ascii = ascii
        self.colorBlindSafe = colorBlindSafe
        self.selection = selection
    }
}

/// How the selected row of a table is shown.
///
/// `cell` (the default): the `›` mark and the first column (the certificate ID, the
/// thing `y` copies; the project or user name in their tables) in reverse video, while
/// the rest of the row keeps its expiry colours, so the selected certificate's state
/// still shows. Moving the selection then rewrites a few dozen cells: about 100 bytes
/// to the terminal at 200 columns, instead of the 470 of a whole-row bar, which must
/// resend every character of both rows (docs/benchmarks.md).
/// `row`: the whole row in reverse video, as k9s and htop draw it.
public enum SelectionStyle: String, Sendable, Hashable, CaseIterable {
    case cell
    case row
}

/// The characters that differ between UTF-8 and ASCII terminals.
struct Glyphs {
    let ascii: Bool

    var crumbSeparator: String { ascii ? " > " : " › " }
    var ascending: String { ascii ? "^" : "▲" }
    var descending: String { ascii ? "v" : "▼" }
    var selectionMark: String { ascii ? ">" : "›" }
    var times: String { ascii ? "x" : "×" }
    var dot: String { ascii ? "-" : "·" }
    var arrow: String { ascii ? "->" : "→" }
    var barFull: String { ascii ? "#" : "█" }
    var barEmpty: String { ascii ? "-" : "░" }
    var cursor: String { ascii ? "_" : "▏" }

    var horizontal: String { ascii ? "-" : "─" }
    var vertical: String { ascii ? "|" : "│" }
    var corners: (String, String, String, String) { ascii ? ("+", "+", "+", "+") : ("┌", "┐", "└", "┘") }

    private static let brailleFrames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
    private static let asciiFrames = ["|", "/", "-", "\\"]

    func spinner(_ frame: Int) -> String {
        let frames = ascii ? Glyphs.asciiFrames : Glyphs.brailleFrames
        return frames[((frame % frames.count) + frames.count) % frames.count]
    }
}

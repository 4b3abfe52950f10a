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

    public init(color: Bool = true, ascii: Bool = false, colorBlindSafe: Bool = false) {
        self.color = color
        self.ascii = ascii
        self.colorBlindSafe = colorBlindSafe
    }
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

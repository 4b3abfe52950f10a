/// What a cell means, not what colour it is.
///
/// The core never picks colours: it marks cells with a role and the terminal adapter maps
/// roles to colour pairs from a theme (k9s does the same with its skins). Keeping style
/// out of band, in the cell rather than in the text, also means server text can never
/// restyle the screen the way a project named `[red]` restyles a tview table.
///
/// The last six roles are attribute-only: `render` uses them instead of the coloured roles
/// when colour is off (NO_COLOR or a terminal without colours), and the painter maps them
/// to plain, bold, dim, reverse and underline, which every terminal can show.
public enum StyleRole: UInt8, Sendable, Hashable, CaseIterable {
    case normal, header, sortedHeader, selected, muted
    case ok, warning, critical, expired, unknown
    case breadcrumb, footer, error, stale, dialog, spinner
    // Attribute-only roles, for colourless terminals.
    case bold, dim, reverse, underline, boldReverse

    /// One letter per role, for the style overlay of snapshot tests. Upper case for the
    /// coloured roles, lower case for the attribute-only ones, `.` for normal.
    public var letter: Character {
        switch self {
        case .normal: "."
        case .header: "H"
        case .sortedHeader: "O"
        case .selected: "S"
        case .muted: "M"
        case .ok: "K"
        case .warning: "W"
        case .critical: "C"
        case .expired: "E"
        case .unknown: "U"
        case .breadcrumb: "B"
        case .footer: "F"
        case .error: "X"
        case .stale: "T"
        case .dialog: "D"
        case .spinner: "P"
        case .bold: "b"
        case .dim: "d"
        case .reverse: "r"
        case .underline: "u"
        case .boldReverse: "R"
        }
    }

    /// True for the roles that only ask for terminal attributes, never a colour.
    public var isAttributeOnly: Bool { rawValue >= StyleRole.bold.rawValue }

    /// The attribute-only role that stands in for this one when colour is off.
    ///
    /// Chosen so nothing important disappears without colour: the selection stays
    /// visible (reverse, the complaint that made helix drop NO_COLOR support), headers
    /// and urgent statuses are bold, and the words and glyphs beside every status carry
    /// the meaning.
    public var withoutColor: StyleRole {
        switch self {
        case .normal, .ok, .warning, .dialog: .normal
        case .header, .breadcrumb, .critical, .expired, .error, .spinner: .bold
        case .sortedHeader: .underline
        case .selected: .reverse
        case .footer: .boldReverse
        case .muted, .unknown, .stale: .dim
        case .bold, .dim, .reverse, .underline, .boldReverse: self
        }
    }
}

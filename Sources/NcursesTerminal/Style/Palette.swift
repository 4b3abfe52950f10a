import CertBrowser

/// Maps style roles to colours and attributes.
///
/// Pure, so every role is checked in tests for each terminal depth. It uses the eight
/// ANSI colours (and the bright eight when there are 16), which every user's theme
/// remaps to something readable; 256-colour indexes only for the colour-blind orange
/// and blue, which 8 colours cannot name.
public struct Palette: Sendable, Hashable {
    public var variant: PaletteVariant
    /// Colours the terminal has (COLORS); 0 means draw with attributes only.
    public var colors: Int

    public init(variant: PaletteVariant = .standard, colors: Int) {
        self.variant = variant
        self.colors = colors
    }

    // ANSI colour indexes.
    static let black: Int16 = 0, red: Int16 = 1, green: Int16 = 2, yellow: Int16 = 3
    static let blue: Int16 = 4, magenta: Int16 = 5, cyan: Int16 = 6, white: Int16 = 7
    static let brightBlack: Int16 = 8, brightBlue: Int16 = 12
    static let orange256: Int16 = 208, skyBlue256: Int16 = 39

    /// The style of `role`.
    ///
    /// Without colour, each role is reduced to its attribute-only stand-in
    /// (`StyleRole.withoutColor`), so a selection stays reverse and urgent rows bold.
    public func style(for role: StyleRole) -> CellStyle {
        guard colors >= 8 else { return CellStyle(attributes: Palette.attributes(of: role.withoutColor)) }
        let safe = variant == .colorBlindSafe
        let rich = colors >= 256
        let danger: Int16 = safe ? (rich ? Palette.orange256 : Palette.magenta) : Palette.red
        let good: Int16 = safe ? (rich ? Palette.skyBlue256 : (colors >= 16 ? Palette.brightBlue : Palette.blue)) : Palette.green
        switch role {
        case .normal: return CellStyle()
        case .header: return CellStyle(foreground: Palette.cyan, attributes: .bold)
        case .sortedHeader: return CellStyle(foreground: Palette.yellow, attributes: [.bold, .underline])
        case .selected: return CellStyle(attributes: .reverse)
        case .muted, .unknown:
            return colors >= 16 ? CellStyle(foreground: Palette.brightBlack) : CellStyle(attributes: .dim)
        case .ok: return CellStyle(foreground: good)
        case .warning: return CellStyle(foreground: Palette.yellow)
        case .critical: return CellStyle(foreground: danger, attributes: .bold)
        case .expired:
            return CellStyle(foreground: safe && rich ? Palette.black : Palette.white, background: danger, attributes: .bold)
        case .breadcrumb: return CellStyle(attributes: .bold)
        case .footer: return CellStyle(foreground: Palette.black, background: Palette.cyan)
        case .error: return CellStyle(foreground: danger, attributes: .bold)
        case .stale: return CellStyle(foreground: Palette.yellow, attributes: .dim)
        case .dialog: return CellStyle()
        case .spinner: return CellStyle(foreground: Palette.cyan)
        case .bold, .dim, .reverse, .underline, .boldReverse:
            return CellStyle(attributes: Palette.attributes(of: role))
        }
    }

    /// The attributes of an attribute-only role (and none for the others).
    static func attributes(of role: StyleRole) -> TextAttributes {
        switch role {
        case .bold: .bold
        case .dim: .dim
        case .reverse: .reverse
        case .underline: .underline
        case .boldReverse: [.bold, .reverse]
        default: []
        }
    }
}

/// Terminal attributes, independent of curses so the palette is testable.
public struct TextAttributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let dim = TextAttributes(rawValue: 1 << 1)
    public static let reverse = TextAttributes(rawValue: 1 << 2)
    public static let underline = TextAttributes(rawValue: 1 << 3)
}

/// How one role looks: colour indexes (-1 is the terminal's default, so the user's
/// background shows through) and attributes.
public struct CellStyle: Sendable, Hashable {
    public static let defaultColor: Int16 = -1

    public var foreground: Int16
    public var background: Int16
    public var attributes: TextAttributes

    public init(foreground: Int16 = CellStyle.defaultColor, background: Int16 = CellStyle.defaultColor,
                attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    /// True when the style needs a colour pair.
    public var hasColor: Bool { foreground != CellStyle.defaultColor || background != CellStyle.defaultColor }
}

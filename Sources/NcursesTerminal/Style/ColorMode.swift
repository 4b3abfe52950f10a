/// `--color auto|always|never`.
public enum ColorMode: String, Sendable, Hashable, CaseIterable {
    case auto, always, never

    /// Whether to use colour.
    ///
    /// NO_COLOR (present and not empty, per no-color.org) turns colour off in `auto`;
    /// an explicit `always` overrides it, as the no-color.org FAQ asks. Nothing can give
    /// colour to a terminal without any.
    public func usesColor(terminalHasColors: Bool, environment: [String: String]) -> Bool {
        guard terminalHasColors else { return false }
        switch self {
        case .always: return true
        case .never: return false
        case .auto: return (environment["NO_COLOR"] ?? "").isEmpty
        }
    }
}

/// Which colours stand for the expiry bands.
public enum PaletteVariant: String, Sendable, Hashable, CaseIterable {
    /// Red, yellow, green: what k9s, htop and most dashboards use.
    case standard
    /// Orange (or magenta on 8/16-colour terminals) and blue instead of red and green,
    /// distinguishable with red-green colour blindness, as GitHub's colour-blind themes
    /// and k9s's deuteranopia skins do.
    case colorBlindSafe
}

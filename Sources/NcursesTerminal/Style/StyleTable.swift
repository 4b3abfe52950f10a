import CNcursesw
import CertBrowser

/// The curses attributes and colour pair of every role, computed once at start.
///
/// One colour pair per role that has a colour (pair number = role index + 1), allocated
/// up front; TermKit allocated a pair per use and ran out.
struct StyleTable {
    struct Entry {
        var attributes: attr_t
        var pair: Int16
    }

    let entries: [Entry]
    /// (pair, foreground, background) for `init_pair`.
    let pairs: [(Int16, Int16, Int16)]

    init(palette: Palette, defaultColorsAvailable: Bool, pairLimit: Int) {
        var entries: [Entry] = []
        var pairs: [(Int16, Int16, Int16)] = []
        for role in StyleRole.allCases {
            let style = palette.style(for: role)
            var pair: Int16 = 0
            let number = Int(role.rawValue) + 1
            if style.hasColor && number < pairLimit && Int(style.foreground) < palette.colors && Int(style.background) < palette.colors {
                pair = Int16(number)
                // Without use_default_colors, -1 is not a colour: white on black stands in.
                let foreground = style.foreground < 0 && !defaultColorsAvailable ? Palette.white : style.foreground
                let background = style.background < 0 && !defaultColorsAvailable ? Palette.black : style.background
                pairs.append((pair, foreground, background))
            }
            entries.append(Entry(attributes: StyleTable.cursesAttributes(style.attributes), pair: pair))
        }
        self.entries = entries
        self.pairs = pairs
    }

    func allocatePairs() {
        for (pair, foreground, background) in pairs {
            _ = init_pair(pair, foreground, background)
        }
    }

    func entry(_ role: StyleRole) -> Entry {
        entries[Int(role.rawValue)]
    }

    static func cursesAttributes(_ attributes: TextAttributes) -> attr_t {
        var result = cncursesw_A_NORMAL()
        if attributes.contains(.bold) { result |= cncursesw_A_BOLD() }
        if attributes.contains(.dim) { result |= cncursesw_A_DIM() }
        if attributes.contains(.reverse) { result |= cncursesw_A_REVERSE() }
        if attributes.contains(.underline) { result |= cncursesw_A_UNDERLINE() }
        return result
    }
}

import AtlasAPI

/// What one curses cell can hold, and how a grapheme that no cell can hold is drawn.
///
/// A curses cell (`cchar_t`) holds one spacing character and a few zero-width ones after
/// it. A ZWJ emoji sequence (👩‍💻: two spacing emoji and a joiner), a flag (two regional
/// indicators), a skin-toned emoji (the modifier is spacing too) cannot be one cell: given
/// to curses whole, the second emoji was dropped and the joiner landed in the next cell,
/// and whether a terminal joins such parts differs from one terminal to the next. So the
/// browser draws them in a form every terminal draws the same way and the width model
/// can count: a ZWJ sequence as its parts without the joiner (👩💻), a flag as its two
/// letters (JP), a skin-toned emoji as its base (👨), subdivision-flag tags dropped (🏴).
/// Commands that print whole lines (`list`) keep the text as it is; the terminal sees the
/// whole sequence there.
enum CellGraphemes {
    /// Raw server text as the browser shows it in a cell: sanitised (once, here), then in
    /// the form a cell can hold. Rows and dialogs use this, so the widths measured for
    /// layout are the widths drawn.
    static func cellText(_ raw: String) -> String {
        displayForm(TerminalSafe.sanitize(raw))
    }

    /// The columns `text` takes when the canvas writes it.
    static func drawnWidth(_ text: String) -> Int {
        TextWidth.of(displayForm(TerminalSafe.neutralize(text)))
    }

    /// `text` with every grapheme a cell cannot hold replaced by graphemes that can;
    /// unchanged (and not copied) when there are none.
    static func displayForm(_ text: String) -> String {
        if TerminalSafe.isPrintableASCII(text) { return text }
        guard text.contains(where: { !fitsOneCell($0) }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            if fitsOneCell(character) {
                out.append(character)
            } else {
                out += parts(of: character)
            }
        }
        return out
    }

    /// One spacing scalar followed only by zero-width ones: what a curses cell holds.
    static func fitsOneCell(_ character: Character) -> Bool {
        let scalars = character.unicodeScalars
        guard scalars.count > 1 else { return true }
        return scalars.dropFirst().allSatisfy { !isRemoved($0) && TextWidth.of($0) == 0 }
    }

    /// The drawable form of one grapheme that does not fit a cell.
    static func parts(of character: Character) -> String {
        let scalars = Array(character.unicodeScalars)
        if scalars.count == 2, scalars.allSatisfy(isRegionalIndicator) {
            return String(String.UnicodeScalarView(scalars.compactMap { Unicode.Scalar($0.value - 0x1F1E6 + 0x41) }))
        }
        // One group per spacing scalar, with the zero-width scalars that follow it.
        var out = String.UnicodeScalarView()
        for scalar in scalars where !isRemoved(scalar) {
            if isRegionalIndicator(scalar) {
                out.append(Unicode.Scalar(scalar.value - 0x1F1E6 + 0x41)!)
            } else {
                out.append(scalar)
            }
        }
        // Built as a string, never as one `Character`: what is left may be several
        // graphemes, and each is drawn on its own.
        return String(out)
    }

    /// The joiner, skin-tone modifiers and tag characters: what joins or modifies an
    /// emoji and is dropped when its sequence is drawn as parts.
    private static func isRemoved(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200D, 0x1F3FB...0x1F3FF, 0xE0020...0xE007F: true
        default: false
        }
    }

    private static func isRegionalIndicator(_ scalar: Unicode.Scalar) -> Bool {
        (0x1F1E6...0x1F1FF).contains(scalar.value)
    }
}

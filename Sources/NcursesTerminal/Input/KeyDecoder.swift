import CNcursesw
import CertBrowser

/// Turns what `wget_wch` returned into a `KeyInput`.
///
/// Pure (the curses key codes are plain integer constants), so every mapping is tested
/// without a terminal. `wget_wch` answers `KEY_CODE_YES` with a `KEY_*` code for special
/// keys, or `OK` with a whole code point, so `é` arrives as U+00E9, not as two bytes.
public enum KeyDecoder {
    /// The key for a `wget_wch` result, or nil for keys the browser has no use for.
    /// - Parameters:
    ///   - status: `wget_wch`'s return value (`OK` or `KEY_CODE_YES`).
    ///   - value: the code point or key code it stored.
    public static func decode(status: Int32, value: UInt32) -> KeyInput? {
        if status == KEY_CODE_YES { return special(Int32(bitPattern: value)) }
        guard status == OK else { return nil }
        return character(value)
    }

    /// Keys that curses decoded from an escape sequence.
    static func special(_ code: Int32) -> KeyInput? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME, KEY_A1: return .home
        case KEY_END, KEY_C1: return .end
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_RESIZE: return .resize
        default:
            let f0 = cncursesw_KEY_F(0)
            if code > f0 && code <= f0 + 63 { return .function(Int(code - f0)) }
            return nil
        }
    }

    /// Plain characters and the control codes a raw-mode terminal sends as characters.
    static func character(_ value: UInt32) -> KeyInput? {
        switch value {
        case 10, 13: return .enter
        case 27: return .escape
        case 127, 8: return .backspace
        case 9: return .tab
        case 1...26:
            // Ctrl-A is 1 ... Ctrl-Z is 26; 8, 9, 10 and 13 were taken above.
            return Unicode.Scalar(value + 96).map { .ctrl(Character($0)) }
        case 0...31, 0x80...0x9F:
            return nil
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return .character(Character(scalar))
        }
    }
}

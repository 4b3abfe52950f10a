import AtlasAPI
import CertBrowser
import Foundation
import NcursesTerminal

/// The key decoder and what the browser does with its keys: each 5 input bytes are one
/// `wget_wch` result (a status byte, then the value, little-endian). The decoded keys
/// drive the reducer from a fresh state, and the final frame must hold only safe text.
enum KeysFuzz {
    /// curses' `OK` and `KEY_CODE_YES` (octal 0400); plain constants in every curses.
    static let ok: Int32 = 0
    static let keyCodeYes: Int32 = 0o400
    static let now = Date(timeIntervalSince1970: 1_786_000_000)

    static func run(_ bytes: [UInt8]) {
        var state = State(viewport: Size(width: 80, height: 24))
        var keys = 0
        var index = 0
        while index + 5 <= bytes.count, keys < 64 {
            let status: Int32 = switch bytes[index] % 4 {
            case 0, 1: ok
            case 2: keyCodeYes
            default: Int32(bitPattern: UInt32(bytes[index]) << 24)
            }
            let value = UInt32(bytes[index + 1]) | UInt32(bytes[index + 2]) << 8 | UInt32(bytes[index + 3]) << 16 | UInt32(bytes[index + 4]) << 24
            index += 5
            guard let key = KeyDecoder.decode(status: status, value: value) else { continue }
            switch key {
            case .character(let character), .ctrl(let character):
                // What the user types may be invisible (U+00AD) and is escaped when drawn
                // (checked below); the decoder itself must never pass on a control code.
                Invariant.require(!character.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) },
                                  "a decoded key holds a control code: \(String(character).debugDescription)")
            case .function(let number):
                Invariant.require((1...63).contains(number), "function key F\(number)")
            default:
                break
            }
            _ = key.displayName(ascii: bytes.count % 2 == 0)
            (state, _) = reduce(state, .key(key), now: now)
            keys += 1
        }
        let canvas = render(state, size: Size(width: 80, height: 24), now: now)
        for y in 0..<canvas.height {
            for cell in canvas.row(y) {
                if case .grapheme(let character) = cell.content {
                    Invariant.requireTerminalSafe(String(character), "a rendered cell")
                }
            }
        }
    }
}

import Foundation

/// Builds OSC 52 "set clipboard" sequences.
///
/// OSC 52 lets a program put text on the clipboard of the terminal the user sits at, even
/// over SSH, which is why it is the preferred path there. The text is only ever placed in
/// the sequence as base64, whose alphabet cannot contain ESC, BEL or ST, so no copied
/// text can break out of the sequence and drive the terminal.
public enum OSC52 {
    /// The largest encoded payload sent, as k9s does: several terminals drop longer
    /// sequences silently, which would look like a successful copy.
    public static let defaultMaxEncodedBytes = 74_994

    /// How the sequence ends. BEL is the most widely accepted; ST (ESC \) is the
    /// standard form some terminals prefer.
    public enum Terminator: Sendable, Hashable {
        case bel, st

        var bytes: [UInt8] {
            switch self {
            case .bel: [0x07]
            case .st: [0x1B, 0x5C]
            }
        }
    }

    /// The payload is larger than the cap.
    public struct TooLarge: Error, Sendable, Hashable {
        public var encodedBytes: Int
        public var limit: Int

        public var message: String {
            "too large for OSC 52 (\(encodedBytes) bytes encoded, limit \(limit))"
        }
    }

    /// `ESC ] 52 ; c ; <base64 of text> <terminator>`.
    /// - Throws: `TooLarge` when the encoded payload exceeds `maxEncodedBytes`.
    public static func sequence(for text: String, terminator: Terminator = .bel,
                                maxEncodedBytes: Int = defaultMaxEncodedBytes) throws(TooLarge) -> [UInt8] {
        let encoded = Data(text.utf8).base64EncodedData()
        guard encoded.count <= maxEncodedBytes else {
            throw TooLarge(encodedBytes: encoded.count, limit: maxEncodedBytes)
        }
        return [0x1B] + Array("]52;c;".utf8) + Array(encoded) + terminator.bytes
    }

    /// Wraps `sequence` in tmux's DCS passthrough: `ESC P tmux; <sequence with every ESC
    /// doubled> ESC \`. tmux forwards the inner sequence to the outer terminal only
    /// when `allow-passthrough` is on, so callers must say so in their message.
    public static func wrappedForTmux(_ sequence: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1B] + Array("Ptmux;".utf8)
        out.reserveCapacity(sequence.count * 2 + 10)
        for byte in sequence {
            if byte == 0x1B { out.append(0x1B) }
            out.append(byte)
        }
        out += [0x1B, 0x5C]
        return out
    }
}

import AtlasAPI

/// The terminal sanitiser: nothing it returns may move the cursor or hide text, and a
/// second pass changes nothing (the canvas sanitises again).
enum SanitizerFuzz {
    static func run(_ bytes: [UInt8]) {
        let text = bytes.text
        let safe = TerminalSafe.sanitize(text)
        Invariant.requireTerminalSafe(safe, "sanitize's output")
        Invariant.require(!safe.unicodeScalars.contains { $0.value == 0x1B }, "ESC survived")
        Invariant.require(TerminalSafe.sanitize(safe) == safe, "sanitising twice changed the text: \(text.debugDescription.prefix(200))")
        if !text.unicodeScalars.contains(where: { TerminalSafe.isUnsafe($0) || $0.value == 0x200D || (0xE0000...0xE007F).contains($0.value) }) {
            Invariant.require(safe == text, "text without anything to escape was changed")
        }
        let limit = Int(bytes.first ?? 0) % 64
        let limited = TerminalSafe.sanitize(text, maxCharacters: limit)
        Invariant.requireTerminalSafe(limited, "sanitize(maxCharacters:)'s output")
        if limit > 1 {
            Invariant.require(limited.count <= limit, "sanitize(maxCharacters: \(limit)) returned \(limited.count) characters")
        }
    }
}

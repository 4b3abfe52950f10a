import AtlasAPI

/// The terminal sanitiser: nothing it returns may move the cursor or hide text.
/// `sanitize` is applied once to raw server text (it doubles a backslash that could read as
/// an escape, so a second pass would double it again); `neutralize`, which the canvas and
/// every composed line apply, must be the identity on `sanitize`'s output and idempotent.
enum SanitizerFuzz {
    static func run(_ bytes: [UInt8]) {
        let text = bytes.text
        let safe = TerminalSafe.sanitize(text)
        Invariant.requireTerminalSafe(safe, "sanitize's output")
        Invariant.require(!safe.unicodeScalars.contains { $0.value == 0x1B }, "ESC survived")
        Invariant.require(TerminalSafe.neutralize(safe) == safe,
                          "neutralize changed sanitize's output: \(text.debugDescription.prefix(200))")
        let neutral = TerminalSafe.neutralize(text)
        Invariant.requireTerminalSafe(neutral, "neutralize's output")
        Invariant.require(TerminalSafe.neutralize(neutral) == neutral,
                          "neutralising twice changed the text: \(text.debugDescription.prefix(200))")
        if !text.unicodeScalars.contains(where: { TerminalSafe.isUnsafe($0) || $0.value == 0x200D || (0xE0000...0xE007F).contains($0.value) }) {
            Invariant.require(neutral == text, "text without anything to escape was changed by neutralize")
            if !text.contains("\\") {
                Invariant.require(safe == text, "text without anything to escape was changed by sanitize")
            }
        }
        let limit = Int(bytes.first ?? 0) % 64
        let limited = TerminalSafe.sanitize(text, maxCharacters: limit)
        Invariant.requireTerminalSafe(limited, "sanitize(maxCharacters:)'s output")
        if limit > 1 {
            Invariant.require(limited.count <= limit, "sanitize(maxCharacters: \(limit)) returned \(limited.count) characters")
        }
    }
}

import AtlasAPI

/// Environment values and tool output end up in messages; they are untrusted text.
enum TerminalText {
    static func visible(_ text: String) -> String {
        TerminalSafe.sanitize(text, maxCharacters: 120)
    }
}

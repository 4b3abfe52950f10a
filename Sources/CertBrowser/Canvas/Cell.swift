import AtlasAPI

/// One terminal cell: what to draw there and in which role.
///
/// A wide grapheme (CJK, emoji) occupies two cells: the first holds the grapheme, the
/// second is a `continuation` that the painter must skip, since the terminal already
/// advanced over it when it drew the grapheme.
public struct Cell: Sendable, Hashable {
    public enum Content: Sendable, Hashable {
        /// A grapheme cluster that starts here. It is never a control character.
        case grapheme(Character)
        /// The right half of the wide grapheme in the cell to the left.
        case continuation
    }

    public var content: Content
    public var role: StyleRole

    public init(content: Content, role: StyleRole) {
        self.content = content
        self.role = role
    }

    public static let blank = Cell(content: .grapheme(" "), role: .normal)

    /// The columns this cell's grapheme covers: 1 or 2, or 0 for a continuation.
    public var width: Int {
        switch content {
        case .grapheme(let character): max(1, TextWidth.of(character))
        case .continuation: 0
        }
    }
}

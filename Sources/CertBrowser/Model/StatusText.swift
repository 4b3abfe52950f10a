import AtlasAPI
import Foundation

/// How expiry statuses read on screen: a glyph and a word beside the colour, so the
/// table reads the same for colour-blind users, under NO_COLOR and on a monochrome
/// console. Glyphs differ in shape, not only in colour.
enum StatusText {
    static func glyph(_ status: ExpiryStatus, ascii: Bool) -> String {
        switch status {
        case .expired: ascii ? "x" : "✗"
        case .critical: "!"
        case .warning: ascii ? "*" : "•"
        case .ok: ascii ? "+" : "✓"
        }
    }

    /// `✗ EXPIRED`, `! CRITICAL`, `• WARNING`, `✓ OK`.
    static func label(_ status: ExpiryStatus, ascii: Bool) -> String {
        "\(glyph(status, ascii: ascii)) \(status.label)"
    }

    static func role(_ status: ExpiryStatus) -> StyleRole {
        switch status {
        case .expired: .expired
        case .critical: .critical
        case .warning: .warning
        case .ok: .ok
        }
    }

    /// The role for a date that may be missing.
    static func role(notAfter: Date?, context: CellContext) -> StyleRole {
        guard let notAfter else { return .muted }
        return role(context.policy.status(notAfter: notAfter, now: context.now))
    }

    /// Most urgent first, then the non-statuses, for sorting by status.
    static func rank(_ status: ExpiryStatus) -> Int64 {
        switch status {
        case .expired: 0
        case .critical: 1
        case .warning: 2
        case .ok: 3
        }
    }

    /// The subject of a certificate known only from the history (which keeps no subject).
    static let noLongerListed = "(expired, no longer listed; from history)"

    /// The placeholder for a value still being loaded.
    static func pending(ascii: Bool) -> String { ascii ? "..." : "…" }

    /// Roles of a user, short: `readWrite@app, read@admin`.
    static func roles(_ roles: [DatabaseUser.Role]) -> String {
        roles.map { role in
            var text = role.roleName + "@" + role.databaseName
            if let collection = role.collectionName, !collection.isEmpty { text += "." + collection }
            return text
        }.joined(separator: ", ")
    }
}

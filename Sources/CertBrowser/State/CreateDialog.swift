import AtlasAPI
import Foundation

/// The confirmation dialog of `n`: what will be created and where its key will be written.
///
/// Creating a certificate is the one action that changes Atlas and writes a secret to
/// disk, so nothing happens until the user confirms what the dialog says.
public struct CreateDialog: Sendable, Hashable {
    public enum Phase: Sendable, Hashable {
        case confirming
        /// The request is out; it cannot be cancelled (Atlas could issue the
        /// certificate and its key would be lost).
        case creating(RequestID)
    }

    public var user: UserKey
    public var projectName: String
    /// Validity, 1...24 months (Atlas's limits); 3 by default, as the Atlas UI offers.
    public var months: Int
    /// Where the certificate and its private key go: a new file, mode 0600.
    public var path: String
    public var phase: Phase

    public static let monthRange = AtlasClient.certificateValidityMonths
    public static let defaultMonths = 3

    /// `CN_app-20261129-1240.pem` in `directory`: the username with every character
    /// that is not a letter, digit, dot, dash or underscore replaced, so a hostile
    /// username cannot choose the path.
    public static func defaultPath(directory: String, username: String, now: Date) -> String {
        var name = String(username.unicodeScalars.prefix(48).map { scalar -> Character in
            let allowed = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-".unicodeScalars.contains(scalar))
            return allowed ? Character(scalar) : "_"
        })
        while name.hasPrefix(".") || name.hasPrefix("-") { name.removeFirst() }
        if name.isEmpty { name = "certificate" }
        let stamp = UTCText.iso8601(now).filter { $0.isNumber }.prefix(12)  // yyyyMMddHHmm
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        return base + name + "-" + stamp.prefix(8) + "-" + stamp.dropFirst(8) + ".pem"
    }
}

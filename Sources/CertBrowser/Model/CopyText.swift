import AtlasAPI
import Foundation

/// Text the browser puts on the clipboard.
///
/// Copied text is pasted into shells and tickets, so it is checked, not trusted: an ID is
/// copied only if it is exactly decimal digits (what Atlas, its CLI and `openssl`-based
/// scripts expect), and JSON escapes every control, bidi and separator character so a
/// hostile subject cannot smuggle an escape sequence or a reordering into a paste.
public enum CopyText {
    /// The exact decimal digits of `id`, or nil if the text is anything else.
    public static func certificateID(_ id: CertificateID) -> String? {
        digitsOnly(id.decimal)
    }

    /// `text` if it is 1 to 20 ASCII digits, else nil.
    public static func digitsOnly(_ text: String) -> String? {
        guard !text.isEmpty, text.utf8.count <= 20,
              text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return text
    }

    /// A JSON value, written with keys in the order given (stable for users and tests).
    public indirect enum JSON: Sendable, Hashable {
        case string(String)
        case integer(Int64)
        case unsigned(UInt64)
        case bool(Bool)
        case array([JSON])
        case object([Member])
        case null

        public struct Member: Sendable, Hashable {
            public var key: String
            public var value: JSON

            public init(_ key: String, _ value: JSON) {
                self.key = key
                self.value = value
            }
        }

        /// Compact JSON text.
        public var text: String {
            switch self {
            case .string(let value): CopyText.quoted(value)
            case .integer(let value): String(value)
            case .unsigned(let value): String(value)
            case .bool(let value): value ? "true" : "false"
            case .null: "null"
            case .array(let values): "[" + values.map(\.text).joined(separator: ",") + "]"
            case .object(let members):
                "{" + members.map { CopyText.quoted($0.key) + ":" + $0.value.text }.joined(separator: ",") + "}"
            }
        }
    }

    /// A JSON string literal; controls, DEL, C1, bidi controls and line separators are
    /// written as `\u` escapes.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if TerminalSafe.isUnsafe(scalar) {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func date(_ date: Date?) -> JSON {
        date.map { .string(UTCText.iso8601($0)) } ?? .null
    }

    static func certificate(_ row: CertificateTableRow, user: UserKey?, context: CellContext) -> JSON {
        let certificate = row.certificate
        var members: [JSON.Member] = [
            .init("id", .unsigned(certificate.id.value)),
            .init("serial", .string(certificate.id.hexSerial)),
            .init("subject", .string(certificate.subject)),
            .init("createdAt", date(certificate.createdAt)),
            .init("notAfter", date(certificate.notAfter)),
            .init("status", .string(row.status(context).rawValue)),
            .init("superseded", .bool(row.isSuperseded(at: context.now))),
            .init("groupId", certificate.groupId.map(JSON.string) ?? .null),
        ]
        // Known only from the history: Atlas no longer lists it, and its subject is unknown.
        if row.fromHistory { members.append(.init("fromHistory", .bool(true))) }
        if let user {
            members.append(.init("username", .string(user.username)))
            members.append(.init("databaseName", .string(user.databaseName)))
        }
        return .object(members)
    }

    static func user(_ row: UserRow, context: CellContext) -> JSON {
        .object([
            .init("username", .string(row.user.username)),
            .init("databaseName", .string(row.user.databaseName)),
            .init("groupId", .string(row.userKey.projectID)),
            .init("x509Type", .string(row.user.x509Type.rawValue)),
            .init("roles", .array(row.user.roles.map { .string($0.roleName + "@" + $0.databaseName) })),
            .init("certificates", row.expiries.map { .integer(Int64($0.count)) } ?? .null),
            .init("soonestExpiry", date(row.soonest)),
            .init("validUntil", date(row.validUntil(at: context.now))),
        ])
    }

    static func project(_ row: ProjectRow, context: CellContext) -> JSON {
        let loaded = row.managedUsers != nil
        return .object([
            .init("id", .string(row.project.id)),
            .init("name", .string(row.project.name)),
            .init("orgId", .string(row.project.orgId)),
            .init("x509Users", row.managedUsers.map { .integer(Int64($0)) } ?? .null),
            .init("critical", loaded ? .integer(Int64(row.count([.expired, .critical], context))) : .null),
            .init("warning", loaded ? .integer(Int64(row.count([.warning], context))) : .null),
            .init("ok", loaded ? .integer(Int64(row.count([.ok], context))) : .null),
            .init("soonestExpiry", date(row.soonest)),
            .init("complete", .bool(row.complete)),
        ])
    }
}

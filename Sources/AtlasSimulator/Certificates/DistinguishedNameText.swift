/// RFC 2253 / RFC 4514 distinguished-name text, just enough for database usernames.
///
/// x.509 usernames are DNs such as `CN=Ana Lima,OU=Payments,O=Acme`; Atlas issues their
/// certificates with that DN as the subject, and `CN=<username>` for every other name.
/// swift-certificates builds names from attributes but does not parse DN text, hence
/// this small parser. It is deliberately strict: anything it cannot read is not a DN,
/// and the username is then used whole as a common name.
enum DistinguishedNameText {
    struct Attribute: Equatable {
        var type: String
        var value: String
    }

    /// Attribute types swift-certificates prints by name; others would print as OIDs and
    /// the listed subject would no longer match the certificate.
    static let knownTypes: Set<String> = ["CN", "OU", "O", "C", "L", "ST", "DC", "STREET"]

    /// The attributes in text order (most specific first), or nil when `text` is not a DN
    /// made of known single-valued attributes.
    static func parse(_ text: String) -> [Attribute]? {
        var attributes: [Attribute] = []
        var current: [Character] = []
        var escaped = false
        var components: [String] = []
        for character in text {
            if escaped {
                current.append("\\")
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "," {
                components.append(String(current))
                current = []
            } else if character == "+" {
                return nil  // multi-valued RDNs are out of scope
            } else {
                current.append(character)
            }
        }
        guard !escaped else { return nil }
        components.append(String(current))
        for component in components {
            guard let equals = component.firstIndex(of: "=") else { return nil }
            let type = component[..<equals].trimmingSpaces().uppercased()
            guard knownTypes.contains(type), let value = unescape(String(component[component.index(after: equals)...]))
            else { return nil }
            guard !value.isEmpty else { return nil }
            attributes.append(Attribute(type: type, value: value))
        }
        return attributes.isEmpty ? nil : attributes
    }

    /// The subject Atlas gives a certificate for `username`.
    static func subject(forUsername username: String) -> String {
        parse(username) == nil ? "CN=" + escape(username) : username
    }

    /// The attributes of the subject for `username`, in text order.
    static func subjectAttributes(forUsername username: String) -> [Attribute] {
        parse(username) ?? [Attribute(type: "CN", value: username)]
    }

    /// RFC 4514 value escaping, the same characters swift-certificates escapes when it
    /// prints a name, so the listed subject equals the certificate's printed subject.
    static func escape(_ value: String) -> String {
        let special: Set<Character> = [",", "+", "\"", "\\", "<", ">", ";"]
        var out = ""
        let characters = Array(value)
        for (index, character) in characters.enumerated() {
            let leading = index == 0 && (character == " " || character == "#")
            let trailing = index == characters.count - 1 && character == " "
            if special.contains(character) || leading || trailing { out.append("\\") }
            out.append(character)
        }
        return out
    }

    private static func unescape(_ text: String) -> String? {
        var out = ""
        var iterator = Array(text).makeIterator()
        while let character = iterator.next() {
            guard character == "\\" else { out.append(character); continue }
            // Hex escapes (`\2C`) are legal RFC 4514 but unused in Atlas usernames: refuse them.
            guard let next = iterator.next(), !next.isHexDigit else { return nil }
            out.append(next)
        }
        return out
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}

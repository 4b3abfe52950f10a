/// The freedesktop Secret Service API (org.freedesktop.Secret.*) as go-keyring uses it:
/// the arguments each call takes and what its reply means. Pure: the calls are made by
/// `SecretServiceKeyring` over a `DBusConnection`; this is unit-tested without a bus.
enum SecretServiceCalls {
    static let destination = "org.freedesktop.secrets"
    static let servicePath = "/org/freedesktop/secrets"
    static let serviceInterface = "org.freedesktop.Secret.Service"
    static let collectionInterface = "org.freedesktop.Secret.Collection"
    static let itemInterface = "org.freedesktop.Secret.Item"
    static let sessionInterface = "org.freedesktop.Secret.Session"
    static let propertiesInterface = "org.freedesktop.DBus.Properties"
    /// go-keyring's collection: `login` when the service has it, else the `default` alias.
    static let loginCollectionPath = "/org/freedesktop/secrets/collection/login"
    /// go-keyring stores values with this content type.
    static let contentType = "text/plain; charset=utf8"

    /// D-Bus errors that mean "no Secret Service here" rather than a failure.
    static let absentServiceErrors: Set<String> = [
        "org.freedesktop.DBus.Error.ServiceUnknown",
        "org.freedesktop.DBus.Error.NameHasNoOwner",
        "org.freedesktop.DBus.Error.Spawn.ServiceNotFound",
        "org.freedesktop.DBus.Error.Spawn.ExecFailed",
        "org.freedesktop.DBus.Error.Spawn.ChildExited",
    ]
    static let lockedError = "org.freedesktop.Secret.Error.IsLocked"

    /// The attributes go-keyring gives every item: `service` and `username`.
    static func attributes(_ item: KeyringItemName) -> DBusValue {
        .stringDictionary(["service": item.service, "username": item.account])
    }

    /// `OpenSession("plain", <"">)`: no transport encryption, as go-keyring; the bus is
    /// local to this user. Built per call, not kept in a global: `DBusValue` is
    /// an indirect enum, each value a box whose pointer carries the case in its spare bits,
    /// which LeakSanitizer does not take for a pointer, so a global's boxes were reported
    /// as leaked (docs/sanitizers.md).
    static var openSessionArguments: [DBusValue] { [.string("plain"), .variant(.string(""))] }

    /// The session path in an `OpenSession` reply `(v output, o result)`.
    static func sessionPath(_ reply: [DBusValue]) throws -> String {
        guard reply.count == 2, case .objectPath(let path) = reply[1] else {
            throw DBusConnectionError.broken("OpenSession answered with \(signature(reply)), not (vo)")
        }
        return path
    }

    /// Which collection to search, given the service's `Collections` property (`v` of `ao`):
    /// `login` when it is listed; otherwise nil, and the caller asks for the `default` alias.
    static func loginCollection(collectionsProperty reply: [DBusValue]) -> String? {
        guard let paths = reply.first?.objectPaths else { return nil }
        return paths.contains(loginCollectionPath) ? loginCollectionPath : nil
    }

    /// The collection a `ReadAlias` reply `(o)` names; nil for `/`, "no such alias".
    static func aliasCollection(_ reply: [DBusValue]) throws -> String? {
        guard reply.count == 1, case .objectPath(let path) = reply[0] else {
            throw DBusConnectionError.broken("ReadAlias answered with \(signature(reply)), not (o)")
        }
        return path == "/" ? nil : path
    }

    enum SearchResult: Equatable {
        case unlocked(String)
        case locked(String)
        case notFound
    }

    /// Picks the item from a `Service.SearchItems` reply `(ao unlocked, ao locked)`, keeping
    /// only items of `collection`, as go-keyring searches that collection alone. An
    /// unlocked match wins over a locked one; the first of each, as go-keyring takes `[0]`.
    static func searchResult(_ reply: [DBusValue], collection: String) throws -> SearchResult {
        guard reply.count == 2, let unlocked = reply[0].objectPaths, let locked = reply[1].objectPaths else {
            throw DBusConnectionError.broken("SearchItems answered with \(signature(reply)), not (aoao)")
        }
        let prefix = collection.hasSuffix("/") ? collection : collection + "/"
        if let item = unlocked.first(where: { $0.hasPrefix(prefix) }) { return .unlocked(item) }
        if let item = locked.first(where: { $0.hasPrefix(prefix) }) { return .locked(item) }
        return .notFound
    }

    /// The value in an `Item.GetSecret` reply `((oayays))`: session, parameters, value,
    /// content type. A plain session's value is the bytes themselves.
    static func secretValue(_ reply: [DBusValue]) throws -> String {
        guard reply.count == 1, let fields = reply[0].fields, fields.count == 4, let value = fields[2].bytes else {
            throw DBusConnectionError.broken("GetSecret answered with \(signature(reply)), not ((oayays))")
        }
        guard let text = String(validating: value, as: UTF8.self) else {
            throw DBusConnectionError.broken("the keyring value is not UTF-8 text")
        }
        return text
    }

    /// `Collection.CreateItem(a{sv} properties, (oayays) secret, b replace)` as go-keyring
    /// writes an item: its label and attributes, the value in the plain session; replacing
    /// an item with the same attributes.
    static func createItemArguments(_ item: KeyringItemName, label: String, value: [UInt8], session: String) -> [DBusValue] {
        let properties = DBusValue.array(.dictEntry(.string, .variant), [
            .dictEntry(.string(itemInterface + ".Label"), .variant(.string(label))),
            .dictEntry(.string(itemInterface + ".Attributes"), .variant(attributes(item))),
        ])
        let secret = DBusValue.structure([
            .objectPath(session),
            .array(.byte, []),
            .array(.byte, value.map(DBusValue.byte)),
            .string(contentType),
        ])
        return [properties, secret, .boolean(true)]
    }

    /// The prompt path of a `CreateItem` reply `(o item, o prompt)`; `/` means none was needed.
    static func createItemPrompt(_ reply: [DBusValue]) throws -> String {
        guard reply.count == 2, case .objectPath(let prompt) = reply[1] else {
            throw DBusConnectionError.broken("CreateItem answered with \(signature(reply)), not (oo)")
        }
        return prompt
    }

    private static func signature(_ values: [DBusValue]) -> String {
        "(" + values.map(\.type.description).joined() + ")"
    }
}

import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The Linux keyring: the freedesktop Secret Service (GNOME Keyring, KWallet) on the
/// session D-Bus, reached by speaking the D-Bus wire protocol over its Unix socket.
///
/// No libsecret or libdbus: linking either would make the binary fail to start on the
/// servers and containers that have neither, where it must work from the environment.
/// Items are found as go-keyring stores them (attributes `service` and `username`, in the
/// `login` collection or the `default` alias). A locked item is reported, never unlocked:
/// unlocking may pop up a password prompt, and atlas-certs runs in terminals and cron jobs.
public struct SecretServiceKeyring: Keyring {
    private let addresses: [DBusSocketAddress]
    private let timeout: Double
    private let uid: UInt32

    /// - Parameters:
    ///   - environment: where `DBUS_SESSION_BUS_ADDRESS` (or `XDG_RUNTIME_DIR`) is read.
    ///   - timeout: seconds each step (connecting and authenticating, each call) may take.
    public init(environment: [String: String], timeout: Double = 3) {
        self.addresses = DBusSocketAddress.sessionBus(environment: environment)
        self.timeout = timeout
        self.uid = UInt32(getuid())
    }

    public func read(_ item: KeyringItemName) async throws -> Secret? {
        try await offThread { try readBlocking(item) }
    }

    public func write(_ item: KeyringItemName, value: Secret, label: String) async throws {
        try await offThread { try writeBlocking(item, value: value, label: label) }
    }

    /// Blocking I/O waits in `poll`, so it runs on a Dispatch thread, not the cooperative pool.
    private func offThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try body() })
            }
        }
    }

    // MARK: The exchanges

    func readBlocking(_ item: KeyringItemName) throws -> Secret? {
        try withSession { connection, session in
            guard let collection = try collectionPath(connection) else { return nil }
            let reply = try connection.call(destination: SecretServiceCalls.destination, path: SecretServiceCalls.servicePath,
                                            interface: SecretServiceCalls.serviceInterface, member: "SearchItems",
                                            body: [SecretServiceCalls.attributes(item)])
            switch try SecretServiceCalls.searchResult(reply, collection: collection) {
            case .notFound:
                return nil
            case .locked:
                throw KeyringFailure.locked(lockedDescription(collection))
            case .unlocked(let path):
                let secret = try connection.call(destination: SecretServiceCalls.destination, path: path,
                                                 interface: SecretServiceCalls.itemInterface, member: "GetSecret",
                                                 body: [.objectPath(session)])
                return Secret(try SecretServiceCalls.secretValue(secret))
            }
        }
    }

    func writeBlocking(_ item: KeyringItemName, value: Secret, label: String) throws {
        try withSession { connection, session in
            guard let collection = try collectionPath(connection) else {
                throw KeyringFailure.failed("the Secret Service has no login or default collection to store \(item) in")
            }
            let arguments = value.withValue { SecretServiceCalls.createItemArguments(item, label: label, value: Array($0.utf8), session: session) }
            let reply = try connection.call(destination: SecretServiceCalls.destination, path: collection,
                                            interface: SecretServiceCalls.collectionInterface, member: "CreateItem",
                                            body: arguments)
            // A prompt means the collection wants the user's password first: not here.
            if try SecretServiceCalls.createItemPrompt(reply) != "/" {
                throw KeyringFailure.locked(lockedDescription(collection))
            }
        }
    }

    /// Connects, opens a plain session, runs `body`, closes both; every D-Bus failure
    /// becomes a `KeyringFailure` that says which and what to do.
    private func withSession<T>(_ body: (DBusConnection, String) throws -> T) throws -> T {
        guard !addresses.isEmpty else { throw KeyringFailure.unavailable("no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set") }
        do {
            let connection = try connect()
            defer { connection.close() }
            let opened = try connection.call(destination: SecretServiceCalls.destination, path: SecretServiceCalls.servicePath,
                                             interface: SecretServiceCalls.serviceInterface, member: "OpenSession",
                                             body: SecretServiceCalls.openSessionArguments)
            let session = try SecretServiceCalls.sessionPath(opened)
            defer {
                _ = try? connection.call(destination: SecretServiceCalls.destination, path: session,
                                         interface: SecretServiceCalls.sessionInterface, member: "Close")
            }
            return try body(connection, session)
        } catch let error as DBusConnectionError {
            throw failure(error)
        }
    }

    /// The first address that accepts; "no bus" only when none does.
    private func connect() throws -> DBusConnection {
        var last = DBusConnectionError.noBus("no usable session bus address")
        for address in addresses {
            do {
                return try DBusConnection(address: address, uid: uid, timeout: timeout)
            } catch DBusConnectionError.noBus(let why) {
                last = .noBus(why)
            }
        }
        throw last
    }

    /// go-keyring's `GetLoginCollection`: `login` if listed, else the `default` alias.
    private func collectionPath(_ connection: DBusConnection) throws -> String? {
        let collections = try connection.call(destination: SecretServiceCalls.destination, path: SecretServiceCalls.servicePath,
                                              interface: SecretServiceCalls.propertiesInterface, member: "Get",
                                              body: [.string(SecretServiceCalls.serviceInterface), .string("Collections")])
        if let login = SecretServiceCalls.loginCollection(collectionsProperty: collections) { return login }
        let alias = try connection.call(destination: SecretServiceCalls.destination, path: SecretServiceCalls.servicePath,
                                        interface: SecretServiceCalls.serviceInterface, member: "ReadAlias",
                                        body: [.string("default")])
        return try SecretServiceCalls.aliasCollection(alias)
    }

    private func lockedDescription(_ collection: String) -> String {
        "the Secret Service collection \(collection.split(separator: "/").last.map(String.init) ?? collection)"
    }

    private func failure(_ error: DBusConnectionError) -> KeyringFailure {
        switch error {
        case .noBus(let why):
            return .unavailable(why)
        case .timedOut:
            return .timedOut(seconds: timeout)
        case .broken(let why):
            return .failed(why)
        case .remote(let name, let message):
            if SecretServiceCalls.absentServiceErrors.contains(name) {
                return .unavailable("no Secret Service (GNOME Keyring, KWallet) on the session bus")
            }
            if name == SecretServiceCalls.lockedError { return .locked("the Secret Service") }
            // The service's message is another program's text: sanitised, and short.
            let detail = message.map { ": " + TerminalSafe.sanitize($0, maxCharacters: 120) } ?? ""
            return .failed("the Secret Service answered \(TerminalSafe.sanitize(name, maxCharacters: 80))\(detail)")
        }
    }
}

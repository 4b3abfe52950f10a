import AtlasAPI

/// Runs `body` and gives up when `seconds` have passed: the rest is cancelled and a
/// timeout `AtlasError` says which option sets the time.
///
/// Why: a monitoring system waits for a plugin a fixed time (Nagios 60 s), and retries of
/// a silent server can take longer than that (4 attempts of 30 s); a plugin it kills says
/// nothing, one that answers in time says UNKNOWN and why.
enum Deadline {
    static func within<Value: Sendable>(seconds: Double, option: String,
                                        _ body: @escaping @Sendable () async throws -> Value) async throws -> Value {
        try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw AtlasError(kind: .transport(.timeout),
                                 message: "No verdict within \(Self.format(seconds)) (\(option)): Atlas answered too slowly or not at all; check the network, or raise \(option).")
            }
            return value
        }
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }
}

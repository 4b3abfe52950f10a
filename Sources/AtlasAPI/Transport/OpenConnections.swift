import NIOCore
import Synchronization

/// A NIO server's open connections, so that its shutdown can close them and their tasks
/// end, without cancelling the accept loop: a cancelled loop drops connections accepted
/// but not yet taken from the listener's stream, and NIOAsyncChannel traps on a channel
/// dropped unconsumed ("Deinited NIOAsyncWriter without calling finish()"). Used by the
/// simulator's and the exporter's servers.
public final class OpenConnections: Sendable {
    private let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

    public init() {}

    /// Call from the child channel initializer; the channel leaves when it closes.
    public func add(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        channels.withLock { $0[id] = channel }
        channel.closeFuture.whenComplete { [weak self] _ in
            _ = self?.channels.withLock { $0.removeValue(forKey: id) }
        }
    }

    public func closeAll() {
        for channel in channels.withLock({ Array($0.values) }) { channel.close(promise: nil) }
    }
}

extension OpenConnections {
    /// Serves every connection `listener` accepts, each in a task of its own, until the
    /// listener closes; then closes the connections still open and waits for their tasks.
    /// The accept loop of both servers (the simulator's, the exporter's).
    public func serveAll<Inbound: Sendable, Outbound: Sendable>(
        _ listener: NIOAsyncChannel<NIOAsyncChannel<Inbound, Outbound>, Never>,
        _ serve: @escaping @Sendable (NIOAsyncChannel<Inbound, Outbound>) async -> Void
    ) async {
        try? await listener.executeThenClose { inbound in
            await withDiscardingTaskGroup { group in
                do {
                    for try await connection in inbound {
                        group.addTask { await serve(connection) }
                    }
                } catch {
                    // The listening socket closed: stop accepting.
                }
                // Every accepted connection has a task now: end the ones still open.
                closeAll()
            }
        }
    }
}

import NIOCore
import NIOHTTP1
import NIOPosix

/// A plain SwiftNIO HTTP/1.1 server on 127.0.0.1.
///
/// No web framework: fault injection needs wire-level control (announcing a
/// `Content-Length` and closing early, closing without a response). Each connection runs
/// as a child task reading whole requests (head, body, end) and answering them in order;
/// keep-alive is honoured unless the client or a fault closes the connection.
final class HTTPServer: Sendable {
    private let serverChannel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
    private let acceptTask: Task<Void, Never>
    let port: Int

    /// Largest request body accepted; Atlas requests here are tiny JSON documents.
    static let maximumBodySize = 1 << 20

    static func start(port: Int, handler: @escaping @Sendable (SimulatorRequest) async -> SimulatorResponse) async throws -> HTTPServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        return HTTPServer(channel: channel, handler: handler)
    }

    private init(
        channel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>,
        handler: @escaping @Sendable (SimulatorRequest) async -> SimulatorResponse
    ) {
        self.serverChannel = channel
        self.port = channel.channel.localAddress?.port ?? 0
        self.acceptTask = Task {
            try? await channel.executeThenClose { inbound in
                await withDiscardingTaskGroup { group in
                    do {
                        for try await connection in inbound {
                            group.addTask { await Self.serve(connection, handler: handler) }
                        }
                    } catch {
                        // The listening socket closed: stop accepting.
                    }
                }
            }
        }
    }

    /// Stops accepting, closes open connections (cancelling their tasks) and waits.
    func shutdown() async {
        acceptTask.cancel()
        try? await serverChannel.channel.close()
        await acceptTask.value
    }

    private static func serve(
        _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>,
        handler: @Sendable (SimulatorRequest) async -> SimulatorResponse
    ) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let requestHead):
                    head = requestHead
                    body = []
                case .body(var buffer):
                    guard body.count + buffer.readableBytes <= maximumBodySize else { return }
                    body += buffer.readBytes(length: buffer.readableBytes) ?? []
                case .end:
                    guard let requestHead = head else { return }
                    head = nil
                    let request = SimulatorRequest(
                        method: requestHead.method.rawValue, target: requestHead.uri,
                        headers: requestHead.headers.map { ($0.name, $0.value) }, body: body)
                    let response = await handler(request)
                    let keepAlive = try await write(response, for: requestHead, to: outbound)
                    if !keepAlive { return }
                }
            }
        }
    }

    /// Writes `response`; returns whether the connection may serve another request.
    private static func write(
        _ response: SimulatorResponse, for request: HTTPRequestHead,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws -> Bool {
        if response.delivery == .dropped { return false }
        var response = response
        if response.delivery == .cut {
            response.body = Array(response.body.prefix(response.body.count / 2))
            response.delivery = .complete
        }
        var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        let keepAlive = request.isKeepAlive && response.delivery == .complete
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let status = HTTPResponseStatus(statusCode: response.status)
        try await outbound.write(.head(HTTPResponseHead(version: request.version, status: status, headers: headers)))
        switch response.delivery {
        case .complete:
            if !response.body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body)))) }
            try await outbound.write(.end(nil))
            return keepAlive
        case .truncated:
            // Half the body, no end: the connection then closes with bytes still owed.
            let half = response.body.prefix(response.body.count / 2)
            if !half.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: half)))) }
            return false
        case .dropped, .cut:
            return false
        }
    }
}

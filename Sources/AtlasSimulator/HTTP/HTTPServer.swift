import NIOCore
import NIOHTTP1
import NIOPosix
import AtlasAPI

/// A plain SwiftNIO HTTP/1.1 server on 127.0.0.1.
///
/// No web framework: fault injection needs wire-level control (announcing a
/// `Content-Length` and closing early, closing without a response). Each connection runs
/// as a child task reading whole requests (head, body, end) and answering them in order;
/// keep-alive is honoured unless the client or a fault closes the connection. A client
/// that stops sending is cut off by `RequestReadTimeoutHandler`; a body over
/// `maximumBodySize` is not read but answered at once (the request handler makes it a
/// `413`), the rest discarded, and the connection closed.
final class HTTPServer: Sendable {
    private let serverChannel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
    private let acceptTask: Task<Void, Never>
    private let connections: OpenConnections
    let port: Int

    /// Largest request body accepted; Atlas requests here are tiny JSON documents.
    static let maximumBodySize = 1 << 20

    /// How much of an oversized body is read and thrown away after the `413`, so the
    /// client, still sending, reads the answer instead of a connection reset; past it the
    /// connection is simply closed.
    static let maximumDiscardedBody = 16 << 20

    static func start(
        port: Int, readTimeout: Duration,
        handler: @escaping @Sendable (SimulatorRequest) async -> SimulatorResponse
    ) async throws -> HTTPServer {
        let timeout = TimeAmount(readTimeout)
        let connections = OpenConnections()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: "127.0.0.1", port: port) { channel in
                connections.add(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        RequestReadTimeoutHandler(timeout: timeout, bodyLimit: maximumBodySize))
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        return HTTPServer(channel: channel, connections: connections, handler: handler)
    }

    private init(
        channel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>,
        connections: OpenConnections,
        handler: @escaping @Sendable (SimulatorRequest) async -> SimulatorResponse
    ) {
        self.serverChannel = channel
        self.connections = connections
        self.port = channel.channel.localAddress?.port ?? 0
        self.acceptTask = Task { await connections.serveAll(channel) { await Self.serve($0, handler: handler) } }
    }

    /// Stops accepting, closes open connections and waits for their tasks.
    ///
    /// Not by cancelling the accept task: connections accepted but not yet taken from the
    /// listener's stream would then be dropped unconsumed, and NIOAsyncChannel traps on
    /// that ("Deinited NIOAsyncWriter without calling finish()", seen in a full test run).
    /// Closing the listener ends its stream after the last accepted connection.
    func shutdown() async {
        try? await serverChannel.channel.close()
        connections.closeAll()
        await acceptTask.value
    }

    private static func serve(
        _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>,
        handler: @Sendable (SimulatorRequest) async -> SimulatorResponse
    ) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body: [UInt8] = []
            // Set once a 413 has gone out: the rest of that request is read and dropped,
            // then the connection closes.
            var discarded: Int?
            for try await part in inbound {
                switch part {
                case .head(let requestHead):
                    head = requestHead
                    body = []
                    if declaresBodyTooLarge(requestHead) {
                        // Answer at once: a client waiting on `Expect: 100-continue` then
                        // never sends the body at all.
                        try await refuse(requestHead, handler: handler, to: outbound)
                        discarded = 0
                    }
                case .body(let buffer):
                    if let count = discarded {
                        discarded = count + buffer.readableBytes
                        if count + buffer.readableBytes > maximumDiscardedBody { return }
                    } else if body.count + buffer.readableBytes > maximumBodySize, let requestHead = head {
                        // A chunked body that grew too large.
                        try await refuse(requestHead, handler: handler, to: outbound)
                        body = []
                        discarded = 0
                    } else {
                        body += buffer.readableBytesView
                    }
                case .end:
                    guard let requestHead = head, discarded == nil else { return }
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

    /// True when a request's `Content-Length` is over `maximumBodySize`.
    static func declaresBodyTooLarge(_ head: HTTPRequestHead) -> Bool {
        (head.headers.first(name: "Content-Length").flatMap { Int($0) } ?? 0) > maximumBodySize
    }

    /// Answers a request whose body is too large (the handler decides the answer, so it
    /// is logged and dated like any other) and marks the connection for closing.
    private static func refuse(
        _ head: HTTPRequestHead, handler: @Sendable (SimulatorRequest) async -> SimulatorResponse,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        var request = SimulatorRequest(
            method: head.method.rawValue, target: head.uri, headers: head.headers.map { ($0.name, $0.value) }, body: [])
        request.bodyTooLarge = true
        var response = await handler(request)
        response.setHeader("Connection", "close")
        _ = try await write(response, for: head, to: outbound)
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
            && response.header("Connection")?.lowercased() != "close"
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


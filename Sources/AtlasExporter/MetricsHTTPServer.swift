import AtlasAPI
import NIOCore
import NIOHTTP1
import NIOPosix

/// The exporter's HTTP/1.1 server on SwiftNIO: `GET /metrics` answers the last published
/// exposition from memory (a scrape never calls Atlas), `GET /healthz` says the process
/// serves, anything else is 404 (405 for another method on those two paths).
///
/// Requests are tiny: a request body is read and discarded up to a small cap, beyond
/// which the connection closes.
public final class MetricsHTTPServer: Sendable {
    private let serverChannel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
    private let acceptTask: Task<Void, Never>
    private let connections: OpenConnections
    /// The bound address (with the port the system chose when 0 was asked).
    public let host: String
    public let port: Int

    /// The exposition's content type (text format 0.0.4).
    public static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"
    static let maximumBodySize = 64 << 10

    /// Binds `host:port` (port 0 for a free one) and starts serving `publication`.
    public static func start(host: String, port: Int, publication: MetricsPublication) async throws -> MetricsHTTPServer {
        let connections = OpenConnections()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 128)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { channel in
                connections.add(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        return MetricsHTTPServer(channel: channel, connections: connections, host: host, publication: publication)
    }

    private init(channel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>,
                 connections: OpenConnections, host: String, publication: MetricsPublication) {
        self.serverChannel = channel
        self.connections = connections
        self.host = host
        self.port = channel.channel.localAddress?.port ?? 0
        self.acceptTask = Task { await connections.serveAll(channel) { await Self.serve($0, publication: publication) } }
    }

    /// Stops accepting, ends open connections and waits for them (closing, not
    /// cancelling: see `OpenConnections`).
    public func shutdown() async {
        try? await serverChannel.channel.close()
        connections.closeAll()
        await acceptTask.value
    }

    /// A response: status, content type, body.
    struct Response {
        var status: HTTPResponseStatus
        var contentType: String
        var body: ByteBuffer
        var allow: String?
    }

    /// The routing, pure: method and target to response.
    static func respond(method: HTTPMethod, target: String, publication: MetricsPublication) -> Response {
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? target
        let text = "text/plain; charset=utf-8"
        switch path {
        case "/metrics", "/healthz":
            guard method == .GET || method == .HEAD else {
                return Response(status: .methodNotAllowed, contentType: text, body: ByteBuffer(string: "Method not allowed.\n"),
                                allow: "GET, HEAD")
            }
            if path == "/metrics" {
                return Response(status: .ok, contentType: metricsContentType, body: publication.current)
            }
            return Response(status: .ok, contentType: text, body: ByteBuffer(string: "ok\n"))
        default:
            return Response(status: .notFound, contentType: text,
                            body: ByteBuffer(string: "Not found. The exporter serves /metrics and /healthz.\n"))
        }
    }

    private static func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>,
                              publication: MetricsPublication) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var bodySize = 0
            for try await part in inbound {
                switch part {
                case .head(let requestHead):
                    head = requestHead
                    bodySize = 0
                case .body(let buffer):
                    bodySize += buffer.readableBytes
                    guard bodySize <= maximumBodySize else { return }
                case .end:
                    guard let request = head else { return }
                    head = nil
                    let response = respond(method: request.method, target: request.uri, publication: publication)
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Type", value: response.contentType)
                    headers.add(name: "Content-Length", value: String(response.body.readableBytes))
                    headers.add(name: "Cache-Control", value: "no-store")
                    if let allow = response.allow { headers.add(name: "Allow", value: allow) }
                    if !request.isKeepAlive { headers.add(name: "Connection", value: "close") }
                    try await outbound.write(.head(HTTPResponseHead(version: request.version, status: response.status, headers: headers)))
                    if request.method != .HEAD, response.body.readableBytes > 0 {
                        try await outbound.write(.body(.byteBuffer(response.body)))
                    }
                    try await outbound.write(.end(nil))
                    if !request.isKeepAlive { return }
                }
            }
        }
    }
}

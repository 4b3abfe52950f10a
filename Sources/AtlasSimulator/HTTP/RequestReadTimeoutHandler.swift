import NIOCore
import NIOHTTP1

/// Closes a connection whose client stops sending while the server waits for it: a
/// request head that never finishes, a body that stalls, or a keep-alive connection
/// left idle. Without it a client that sends half a request holds a connection (and a
/// task) forever.
///
/// It sits after the HTTP decoder, so it sees whole request parts and response parts:
/// - the clock runs from the connection's start and from the end of each response,
///   and restarts at each request part that arrives; so the whole head must arrive
///   within `timeout`, and a body may not pause for longer than `timeout`;
/// - it stops once a request is complete (its `.end` arrived) until the response has
///   been written: the server's own latency (an injected delay, a slow key
///   generation) never counts against the client.
///
/// On expiry the connection is closed without a response, as Atlas's edge does with
/// an idle client.
final class RequestReadTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let timeout: TimeAmount
    private var scheduled: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head, .body: arm(context)
        case .end: disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { arm(context) }
        context.write(data, promise: promise)
    }

    /// (Re)starts the clock.
    private func arm(_ context: ChannelHandlerContext) {
        scheduled?.cancel()
        scheduled = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [weak self] in
            self?.scheduled = nil
            context.close(promise: nil)
        }
    }

    private func disarm() {
        scheduled?.cancel()
        scheduled = nil
    }
}

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
/// - it stops while the server owes an answer: from a request's `.end`, or from the
///   moment its body is known to be over `bodyLimit` (`HTTPServer` then answers `413`
///   before reading the rest), until the response has been written. The server's own
///   time (an injected delay, a slow key generation, a busy machine) never counts
///   against the client.
///
/// On expiry the connection is closed without a response: there is no whole request to
/// answer, and an idle keep-alive connection has none pending.
final class RequestReadTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let timeout: TimeAmount
    private let bodyLimit: Int
    private var scheduled: Scheduled<Void>?
    /// The server owes a response: the clock is stopped.
    private var answering = false
    /// The current request's body is over the limit; the rest of it is being discarded.
    private var refused = false
    private var bodyBytes = 0

    init(timeout: TimeAmount, bodyLimit: Int) {
        self.timeout = timeout
        self.bodyLimit = bodyLimit
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
        case .head(let head):
            bodyBytes = 0
            refused = HTTPServer.declaresBodyTooLarge(head)
            if refused { pause() } else { arm(context) }
        case .body(let buffer):
            if refused {
                // Discarded bytes after a 413: the client's time again once it is written.
                if !answering { arm(context) }
            } else {
                bodyBytes += buffer.readableBytes
                refused = bodyBytes > bodyLimit
                if refused { pause() } else { arm(context) }
            }
        case .end:
            pause()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            answering = false
            arm(context)
        }
        context.write(data, promise: promise)
    }

    private func pause() {
        answering = true
        disarm()
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

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// The production transport: AsyncHTTPClient with TLS verification always on (except for
/// loopback hosts, where the simulator runs), the HTTPS proxy from `HTTPS_PROXY` unless
/// `NO_PROXY` exempts the host, per-request timeouts, and responses capped in size.
public final class AsyncHTTPClientTransport: HTTPTransport {
    private let client: HTTPClient
    /// A larger body than this is refused: Atlas pages of 500 items are far below it.
    private let maxBodyBytes: Int

    /// - Parameters:
    ///   - baseURL: the URL requests will go to; decides proxy and TLS settings.
    ///   - environment: where `HTTPS_PROXY`/`NO_PROXY` are read (injected for tests).
    public init(baseURL: String, environment: [String: String] = ProcessInfo.processInfo.environment, maxBodyBytes: Int = 64 << 20) throws {
        let host = URLComponents(string: baseURL)?.host ?? ""
        var tls = TLSConfiguration.makeClientConfiguration()
        if Self.isLoopback(host) {
            tls.certificateVerification = .none
        }
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10)),
            proxy: try ProxySettings(environment: environment).proxy(forHost: host, isHTTPS: baseURL.lowercased().hasPrefix("https:")),
            decompression: .disabled
        )
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: ConcurrencyWindow.defaultMaximum)
        self.client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        self.maxBodyBytes = maxBodyBytes
    }

    /// Closes connections. Call once when done; the transport cannot be used afterwards.
    public func shutdown() async {
        try? await client.shutdown()
    }

    /// One exchange, head and whole body, within `request.timeout`: AsyncHTTPClient's
    /// timeout ends at the response head, so a body that stalls or drips would otherwise
    /// keep a command waiting for ever (`check --timeout 2` hung 300 s; `create` hung with
    /// its answer, and the new key, half sent).
    ///
    /// The deadline is an event-loop timer, not a sleeping task: it fires on time even when
    /// the cooperative pool is busy, and it only cancels the exchange, whose own result
    /// (say, a refused connection) still wins if it came first. It starts when the exchange
    /// starts, so time spent waiting for a thread is not counted against the server, and
    /// half a second after AsyncHTTPClient's own deadline for the head: that one reports a
    /// refused connection it kept retrying as such, where this one could only say "timeout".
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let timedOut = Mutex(false)
        let running = Mutex<Task<HTTPResponse, any Error>?>(nil)
        let timeout = TimeAmount.nanoseconds(Int64(request.timeout.components.seconds) * 1_000_000_000
            + Int64(request.timeout.components.attoseconds / 1_000_000_000)) + .milliseconds(500)
        let exchange = Task {
            let timer = HTTPClient.defaultEventLoopGroup.any().scheduleTask(in: timeout) {
                timedOut.withLock { $0 = true }
                running.withLock { $0 }?.cancel()
            }
            defer { timer.cancel() }
            return try await self.exchange(request)
        }
        running.withLock { $0 = exchange }
        // The timer may have fired before the task was known to it.
        if timedOut.withLock({ $0 }) { exchange.cancel() }
        do {
            return try await withTaskCancellationHandler {
                try await exchange.value
            } onCancel: {
                exchange.cancel()
            }
        } catch is CancellationError where timedOut.withLock({ $0 }) {
            throw TransportError(.timeout)
        }
    }

    private func exchange(_ request: HTTPRequest) async throws -> HTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        for header in request.headers {
            outgoing.headers.add(name: header.name, value: header.value)
        }
        if let body = request.body {
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        let timeout = TimeAmount.nanoseconds(Int64(request.timeout.components.seconds) * 1_000_000_000
            + Int64(request.timeout.components.attoseconds / 1_000_000_000))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(outgoing, timeout: timeout)
        } catch {
            throw Self.translate(error, host: outgoing.url, afterHead: false)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await response.body.collect(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            // Checked here, where the limit is known: elsewhere the error means a cut body.
            throw TransportError(.bodyTooLarge(limit: maxBodyBytes))
        } catch {
            throw Self.translate(error, host: outgoing.url, afterHead: true)
        }
        return HTTPResponse(
            status: Int(response.status.code),
            reason: response.status.reasonPhrase,
            headers: response.headers.map { (name: $0.name, value: $0.value) },
            body: Array(buffer.readableBytesView))
    }

    /// One rule for loopback (`AtlasClientConfiguration.isLoopback(host:)`): a name such as
    /// `127.evil.example` is not an address and not loopback.
    static func isLoopback(_ host: String) -> Bool {
        AtlasClientConfiguration.isLoopback(host: host)
    }

    /// Maps the many error types of NIO and AsyncHTTPClient onto the few cases a user can act on.
    static func translate(_ error: any Error, host url: String, afterHead: Bool) -> any Error {
        if error is CancellationError { return error }
        let components = URLComponents(string: url)
        let host = (components?.host ?? url) + (components?.port.map { ":\($0)" } ?? "")
        if let clientError = error as? HTTPClientError {
            switch clientError {
            case .cancelled, .requestStreamCancelled:
                return CancellationError()
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout,
                 .getConnectionFromPoolTimeout:
                return TransportError(.timeout)
            case .remoteConnectionClosed:
                return TransportError(afterHead ? .truncatedBody : .connectionReset)
            case .invalidProxyResponse, .proxyAuthenticationRequired, .httpProxyHandshakeTimeout:
                return TransportError(.proxy(String(describing: clientError)))
            default:
                return TransportError(afterHead ? .truncatedBody : .other(String(describing: clientError)))
            }
        }
        if let connectionError = error as? NIOConnectionError {
            if connectionError.dnsAError != nil || connectionError.dnsAAAAError != nil {
                return TransportError(.dnsFailure(host: connectionError.host))
            }
            return TransportError(.connectionRefused(host: "\(connectionError.host):\(connectionError.port)"))
        }
        if let addressError = error as? SocketAddressError, case .unknown(let name, _) = addressError {
            return TransportError(.dnsFailure(host: name))
        }
        if error is NIOSSLError || error is BoringSSLError {
            return TransportError(.tls(String(describing: error)))
        }
        if let ioError = error as? IOError {
            switch ioError.errnoCode {
            case ECONNREFUSED: return TransportError(.connectionRefused(host: host))
            case ECONNRESET, EPIPE: return TransportError(afterHead ? .truncatedBody : .connectionReset)
            case ETIMEDOUT: return TransportError(.timeout)
            default: return TransportError(.other(ioError.description))
            }
        }
        if error is HTTPParserError || error is NIOTooManyBytesError {
            return TransportError(afterHead ? .truncatedBody : .other(String(describing: error)))
        }
        if error is ChannelError {
            return TransportError(afterHead ? .truncatedBody : .connectionReset)
        }
        return TransportError(.other(String(describing: error)))
    }
}

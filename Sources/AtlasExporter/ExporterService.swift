import Logging
import ServiceLifecycle

/// The running exporter as one swift-service-lifecycle service: the scan loop until a
/// graceful shutdown (SIGTERM, SIGINT through the `ServiceGroup`) or cancellation, then
/// the HTTP server closed. A scan in flight is cancelled, not waited out: a stop takes
/// as long as closing the sockets does, not as long as Atlas takes to answer.
public struct ExporterService: Service {
    public let loop: ExporterScanLoop
    public let server: MetricsHTTPServer
    let logger: Logger

    public init(loop: ExporterScanLoop, server: MetricsHTTPServer, logger: Logger) {
        self.loop = loop
        self.server = server
        self.logger = logger
    }

    public func run() async throws {
        let loop = loop
        await cancelWhenGracefulShutdown { await loop.run() }
        logger.info("stopping: closing the HTTP server")
        await server.shutdown()
    }
}

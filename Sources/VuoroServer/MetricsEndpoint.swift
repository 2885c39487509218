// The Prometheus scrape endpoint: GET /metrics over HTTP/1.1 on its own listener (off unless --metrics).
import NIOCore
import NIOHTTP1
import NIOPosix

/// Answers `GET /metrics` with the registry's text exposition; anything else is 404.
final class MetricsHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let metrics: ServerMetrics
    private var path = ""
    private var method: HTTPMethod = .GET
    private var keepAlive = true

    init(metrics: ServerMetrics) { self.metrics = metrics }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            path = head.uri
            method = head.method
            keepAlive = head.isKeepAlive
        case .body:
            break
        case .end:
            let ok = method == .GET && (path == "/metrics" || path.hasPrefix("/metrics?"))
            respond(
                context, status: ok ? .ok : .notFound,
                contentType: ok ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain",
                body: ok ? metrics.exposition() : Array("not found: try /metrics\n".utf8), keepAlive: keepAlive)
        }
    }
}

extension VuoroServer {
    /// Serves the metrics on `address`; returns the address bound.
    public func startMetrics(host: String, port: Int) async throws -> SocketAddress? {
        guard let metrics = engine.metrics else { return nil }
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(MetricsHandler(metrics: metrics))
                }
            }
            .bind(host: host, port: port).get()
        addListener(channel)
        return channel.localAddress
    }
}

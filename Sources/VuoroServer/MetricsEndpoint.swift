// The Prometheus scrape endpoint: GET /metrics over HTTP/1.1 on its own listener (off unless --metrics).
import NIOCore
import VuoroHTTP

/// Answers `GET /metrics` with the registry's text exposition; anything else is 404.
final class MetricsRoutes: HTTPRoutes, Sendable {
    let metrics: ServerMetrics
    let limits = HTTPLimits()

    init(metrics: ServerMetrics) { self.metrics = metrics }

    func answer(_ request: HTTPRequest, peer: String, on loop: EventLoop) -> EventLoopFuture<HTTPAnswer> {
        let ok = (request.method == "GET" || request.method == "HEAD") && request.path == "/metrics"
        let response =
            ok
            ? HTTPResponse(
                status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: metrics.exposition())
            : .text(404, "not found: try /metrics")
        return loop.makeSucceededFuture(.response(response))
    }
}

extension VuoroServer {
    /// A scraper or two, not a crowd: few connections, few from one address.
    public static let metricsListener = HTTPListenerOptions(maxConnections: 32, maxPerPeer: 8)

    /// Serves the metrics on `host:port`; returns the address bound.
    public func startMetrics(host: String, port: Int, options: HTTPListenerOptions = VuoroServer.metricsListener)
        async throws -> SocketAddress?
    {
        guard let metrics = engine.metrics else { return nil }
        return try await startHTTP(host: host, port: port, routes: MetricsRoutes(metrics: metrics), options: options)
    }
}

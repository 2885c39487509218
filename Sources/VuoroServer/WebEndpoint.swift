// The visitors' web pages over HTTP/1.1 on their own listener (off unless --web): GET / for the services and
// their waits, GET /t/KEY for one ticket. Read-only; the state is read on the engine's loop.
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import VuoroCore
import VuoroProtocol

/// Writes one whole response and, unless the client keeps the connection, closes it.
func respond(
    _ context: ChannelHandlerContext, status: HTTPResponseStatus, contentType: String, body: [UInt8],
    keepAlive: Bool, head: Bool = false, extraHeaders: [(String, String)] = []
) {
    var headers = HTTPHeaders()
    headers.add(name: "Content-Type", value: contentType)
    headers.add(name: "Content-Length", value: String(body.count))
    for (name, value) in extraHeaders { headers.add(name: name, value: value) }
    if !keepAlive { headers.add(name: "Connection", value: "close") }
    context.write(
        NIOAny(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
        promise: nil)
    if !head {
        var buffer = context.channel.allocator.buffer(capacity: body.count)
        buffer.writeBytes(body)
        context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil)
    }
    let done = context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)))
    if !keepAlive { done.whenComplete { _ in context.close(promise: nil) } }
}

/// Answers the visitors' pages. Anything but GET or HEAD of `/` and `/t/KEY` is refused.
final class WebHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let engine: Engine
    let cache: ServicesPageCache
    private var request: HTTPRequestHead?

    init(engine: Engine, cache: ServicesPageCache) {
        self.engine = engine
        self.cache = cache
    }

    /// What a browser may do with the pages: nothing but show them.
    static let headers = [
        ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"),
        ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"),
    ]

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): request = head
        case .body: break
        case .end:
            guard let head = request else { return }
            request = nil
            answer(head, context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // A client that sends nothing for a while (or half a request, for ever) is closed.
        if event is IdleStateHandler.IdleStateEvent { context.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) { context.close(promise: nil) }

    private func answer(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let keepAlive = head.isKeepAlive
        guard head.method == .GET || head.method == .HEAD else {
            respond(
                context, status: .methodNotAllowed, contentType: "text/plain; charset=utf-8",
                body: Array("only GET\n".utf8), keepAlive: keepAlive, extraHeaders: [("Allow", "GET, HEAD")])
            return
        }
        let target = WebTarget(uri: head.uri)
        let accepted = head.headers["Accept-Language"].first
        let isHead = head.method == .HEAD
        func send(_ status: HTTPResponseStatus, _ page: String) {
            respond(
                context, status: status, contentType: "text/html; charset=utf-8", body: Array(page.utf8),
                keepAlive: keepAlive, head: isHead, extraHeaders: WebHandler.headers)
        }
        // The services page depends only on the state and the words asked in: one rendering serves a second.
        let shared = target.page == .services ? "\(target.lang ?? "")|\(accepted ?? "")" : nil
        if let shared, let page = cache.page(for: shared) { return send(.ok, page) }
        let cache = self.cache
        engine.loop.submit { [engine] () -> (HTTPResponseStatus, String) in
            target.render(engine.centre, accepted: accepted)
        }.hop(to: context.eventLoop).whenComplete { result in
            let (status, page) = (try? result.get()) ?? (.serviceUnavailable, "unavailable\n")
            if let shared, status == .ok { cache.keep(page, for: shared) }
            send(status, page)
        }
    }
}

/// The services page as rendered for each (`?lang=`, Accept-Language), kept for `freshFor`: phones refreshing
/// it, or a flood, cost the engine's loop one rendering (about 20 µs) a second for each, not one a request.
/// Shared by the web listener's connections, on every I/O loop.
final class ServicesPageCache: Sendable {
    let freshFor: TimeAmount
    private let pages = NIOLockedValueBox<[String: (at: NIODeadline, page: String)]>([:])
    /// Distinct Accept-Language headers are few; past this many the cache starts again.
    static let most = 256

    init(freshFor: TimeAmount) { self.freshFor = freshFor }

    func page(for key: String) -> String? {
        let now = NIODeadline.now()
        return pages.withLockedValue { p in p[key].flatMap { now - $0.at < freshFor ? $0.page : nil } }
    }

    func keep(_ page: String, for key: String) {
        pages.withLockedValue { p in
            if p.count >= ServicesPageCache.most { p.removeAll() }
            p[key] = (.now(), page)
        }
    }
}

/// What a request asks for: the services, one ticket by its key, or nothing there is; and `?lang=`.
struct WebTarget: Sendable {
    enum Page: Equatable, Sendable {
        case services
        case ticket(String)
        case none
    }
    let page: Page
    let lang: String?

    init(uri: String) {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = parts.first.map(String.init) ?? ""
        var lang: String?
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") where pair.hasPrefix("lang=") {
                lang = try? Request.language(String(pair.dropFirst(5)))
            }
        }
        self.lang = lang
        if path == "/" || path == "/index.html" {
            page = .services
        } else if path.hasPrefix("/t/"), let key = try? Request.requestKey(String(path.dropFirst(3))) {
            page = .ticket(key)
        } else {
            page = .none
        }
    }

    /// The status and the page, from the centre's state: on the engine's loop.
    func render(_ centre: Centre, accepted: String?) -> (HTTPResponseStatus, String) {
        let site = centre.config.languages
        switch page {
        case .services:
            let lang = StatusPage.language(asked: lang, chosen: nil, accepted: accepted, site: site)
            return (.ok, StatusPage(centre: centre, lang: lang).services())
        case .ticket(let key):
            if let view = centre.view(request: key) {
                let lang = StatusPage.language(asked: lang, chosen: view.ticket.lang, accepted: accepted, site: site)
                return (.ok, StatusPage(centre: centre, lang: lang).ticket(view, key: key))
            }
        case .none: break
        }
        let lang = StatusPage.language(asked: lang, chosen: nil, accepted: accepted, site: site)
        return (.notFound, StatusPage(centre: centre, lang: lang).notFound())
    }
}

extension VuoroServer {
    /// Serves the visitors' pages on `host:port`; returns the address bound. Beyond `maxConnections` open at
    /// once, a new connection is closed at once: phones refreshing (or a flood) never take the descriptors the
    /// kiosks and counters need.
    public func startWeb(
        host: String, port: Int, maxConnections: Int = 1024, idleTimeout: TimeAmount = VuoroServer.webIdleTimeout,
        servicesPageFor freshFor: TimeAmount = .seconds(1)
    ) async throws -> SocketAddress? {
        let open = NIOLockedValueBox(0)
        let cache = ServicesPageCache(freshFor: freshFor)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [engine] channel in
                let admitted = open.withLockedValue { n in
                    guard n < maxConnections else { return false }
                    n += 1
                    return true
                }
                guard admitted else { return channel.close() }
                channel.closeFuture.whenComplete { _ in open.withLockedValue { $0 -= 1 } }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        IdleStateHandler(allTimeout: idleTimeout))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(WebHandler(engine: engine, cache: cache))
                }
            }
            .bind(host: host, port: port).get()
        addListener(channel)
        return channel.localAddress
    }
}

extension VuoroServer {
    /// How long a connection to the web pages may stay without traffic, or with half a request.
    public static let webIdleTimeout = TimeAmount.seconds(15)
}

// The visitors' web pages over HTTP/1.1 on their own listener (off unless --web): GET / for the services and
// their waits, GET /t/KEY for one ticket. Read-only; the state is read on the engine's loop.
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import VuoroHTTP
import VuoroCore
import VuoroProtocol
import VuoroPush

/// Answers the visitors' pages: GET or HEAD of `/` and `/t/KEY`; anything else is refused.
final class WebRoutes: HTTPRoutes, Sendable {
    let engine: Engine
    let cache: ServicesPageCache
    let boards: BoardRoutes
    let tickets: TicketRoutes
    /// A push subscription's JSON is the largest body taken.
    let limits = HTTPLimits(bodyBytes: 4096)

    init(engine: Engine, cache: ServicesPageCache, boards: BoardRoutes, tickets: TicketRoutes) {
        self.engine = engine
        self.cache = cache
        self.boards = boards
        self.tickets = tickets
    }

    /// What a browser may do with the pages: show them with their own inline style, run their own script (which
    /// follows the ticket's stream, plays its alert and keeps its push subscription), nothing from elsewhere.
    static let pageHeaders: [(name: String, value: String)] = [
        (
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; media-src 'self'; "
                + "worker-src 'self'; form-action 'self'; frame-ancestors 'none'"
        )
    ]

    func answer(_ request: HTTPRequest, peer: String, on loop: EventLoop) -> EventLoopFuture<HTTPAnswer> {
        if let answer = boards.answer(request, on: loop) { return answer }
        let target = WebTarget(request)
        if let answer = tickets.answer(target, request, on: loop) { return answer }
        guard request.method == "GET" || request.method == "HEAD" else {
            return loop.makeSucceededFuture(
                .response(.text(405, "only GET and HEAD", headers: [("Allow", "GET, HEAD")])))
        }
        let accepted = request.header("accept-language")
        // The services page depends only on the state and the words asked in: one rendering serves a second.
        let shared = target.page == .services ? "\(target.lang ?? "")|\(target.large)|\(accepted ?? "")" : nil
        if let shared, let text = cache.page(for: shared) {
            return loop.makeSucceededFuture(WebRoutes.page(200, text))
        }
        let cache = self.cache
        return engine.loop.submit { [engine] () -> (Int, String) in
            target.render(engine.centre, accepted: accepted, vapid: engine.push?.vapid.publicKey)
        }.map { status, text in
            if let shared, status == 200 { cache.keep(text, for: shared) }
            return WebRoutes.page(status, text)
        }
    }

    static func page(_ status: Int, _ text: String) -> HTTPAnswer {
        .response(
            HTTPResponse(
                status: status, contentType: "text/html; charset=utf-8", body: Array(text.utf8),
                headers: WebRoutes.pageHeaders))
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

/// Web Push for the tickets' pages: the daemon's VAPID key, and how long and how often a push service is tried.
public struct WebPushOptions: Sendable {
    public var vapid: VAPID
    public var timeout: TimeAmount
    public var tries: Int
    public init(vapid: VAPID, timeout: TimeAmount = .seconds(10), tries: Int = 3) {
        self.vapid = vapid
        self.timeout = timeout
        self.tries = tries
    }
}

extension VuoroServer {
    /// Serves the visitors' pages and the lobby boards on `host:port`; returns the address bound. Calls are spoken
    /// with espeak-ng into `speech/` beside the database, when it is installed.
    public func startWeb(
        host: String, port: Int, options: HTTPListenerOptions = HTTPListenerOptions(),
        servicesPageFor freshFor: TimeAmount = .seconds(1), speechDirectory: String? = nil, push: WebPushOptions? = nil
    ) async throws -> SocketAddress? {
        let dir = speechDirectory ?? (engine.store.path as NSString).deletingLastPathComponent + "/speech"
        let speech = SpeechCache(directory: dir)
        if speech.espeak == nil { logger.warning("espeak-ng is not installed: the boards' calls are not spoken") }
        let feed = webFeed
        let engine = self.engine
        let sender = push.map { p in
            PushSender(group: ioGroup, vapid: p.vapid, timeout: p.timeout, tries: p.tries) { gone in
                engine.loop.execute { engine.forgetPush([gone]) }
            }
        }
        try await loop.submit {
            engine.web = (feed, speech)
            if let sender, let push { engine.startPush(sender: sender, vapid: push.vapid) }
        }.get()
        let boards = BoardRoutes(engine: engine, feed: feed, speech: speech)
        let tickets = TicketRoutes(engine: engine, feed: feed)
        let routes = WebRoutes(
            engine: engine, cache: ServicesPageCache(freshFor: freshFor), boards: boards, tickets: tickets)
        return try await startHTTP(host: host, port: port, routes: routes, options: options)
    }
}

extension VuoroServer {
    /// Serves the booking systems' JSON API on `host:port`; returns the address bound. Booking systems are few:
    /// 64 connections at most, 16 from one address.
    public func startAPI(
        host: String, port: Int, options: HTTPListenerOptions = HTTPListenerOptions(maxConnections: 64, maxPerPeer: 16)
    ) async throws -> SocketAddress? {
        try await startHTTP(host: host, port: port, routes: APIRoutes(engine: engine), options: options)
    }
}

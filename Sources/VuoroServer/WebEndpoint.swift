// The visitors' web pages over HTTP/1.1 on their own listener (off unless --web): GET / for the services and
// their waits, GET /t/KEY for one ticket. Read-only; the state is read on the engine's loop.
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import VuoroHTTP
import VuoroCore
import VuoroProtocol

/// Answers the visitors' pages: GET or HEAD of `/` and `/t/KEY`; anything else is refused.
final class WebRoutes: HTTPRoutes, Sendable {
    let engine: Engine
    let cache: ServicesPageCache
    let boards: BoardRoutes
    let limits = HTTPLimits()

    init(engine: Engine, cache: ServicesPageCache, boards: BoardRoutes) {
        self.engine = engine
        self.cache = cache
        self.boards = boards
    }

    /// What a browser may do with the pages: nothing but show them, with their own inline style.
    static let pageHeaders: [(name: String, value: String)] = [
        ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
    ]

    func answer(_ request: HTTPRequest, peer: String, on loop: EventLoop) -> EventLoopFuture<HTTPAnswer> {
        guard request.method == "GET" || request.method == "HEAD" else {
            return loop.makeSucceededFuture(
                .response(.text(405, "only GET and HEAD", headers: [("Allow", "GET, HEAD")])))
        }
        if let answer = boards.answer(request, on: loop) { return answer }
        let target = WebTarget(uri: request.target)
        let accepted = request.header("accept-language")
        func page(_ status: Int, _ text: String) -> HTTPAnswer {
            .response(
                HTTPResponse(
                    status: status, contentType: "text/html; charset=utf-8", body: Array(text.utf8),
                    headers: WebRoutes.pageHeaders))
        }
        // The services page depends only on the state and the words asked in: one rendering serves a second.
        let shared = target.page == .services ? "\(target.lang ?? "")|\(accepted ?? "")" : nil
        if let shared, let text = cache.page(for: shared) { return loop.makeSucceededFuture(page(200, text)) }
        let cache = self.cache
        return engine.loop.submit { [engine] () -> (Int, String) in
            target.render(engine.centre, accepted: accepted)
        }.map { status, text in
            if let shared, status == 200 { cache.keep(text, for: shared) }
            return page(status, text)
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

    /// A ticket's page opens only for a key at least this long: a short one (`id=k2`) could be guessed. Shorter
    /// keys still work for sending `ISSUE` again.
    static let minimumKeyLength = 16

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
        } else if path.hasPrefix("/t/"), let key = try? Request.requestKey(String(path.dropFirst(3))),
            key.utf8.count >= WebTarget.minimumKeyLength
        {
            page = .ticket(key)
        } else {
            page = .none
        }
    }

    /// The status and the page, from the centre's state: on the engine's loop.
    func render(_ centre: Centre, accepted: String?) -> (Int, String) {
        let site = centre.config.languages
        switch page {
        case .services:
            let lang = StatusPage.language(asked: lang, chosen: nil, accepted: accepted, site: site)
            return (200, StatusPage(centre: centre, lang: lang).services())
        case .ticket(let key):
            if let view = centre.view(request: key) {
                let lang = StatusPage.language(asked: lang, chosen: view.ticket.lang, accepted: accepted, site: site)
                return (200, StatusPage(centre: centre, lang: lang).ticket(view, key: key))
            }
        case .none: break
        }
        let lang = StatusPage.language(asked: lang, chosen: nil, accepted: accepted, site: site)
        return (404, StatusPage(centre: centre, lang: lang).notFound())
    }
}

extension VuoroServer {
    /// Serves the visitors' pages and the lobby boards on `host:port`; returns the address bound. Calls are spoken
    /// with espeak-ng into `speech/` beside the database, when it is installed.
    public func startWeb(
        host: String, port: Int, options: HTTPListenerOptions = HTTPListenerOptions(),
        servicesPageFor freshFor: TimeAmount = .seconds(1), speechDirectory: String? = nil
    ) async throws -> SocketAddress? {
        let dir = speechDirectory ?? (engine.store.path as NSString).deletingLastPathComponent + "/speech"
        let speech = SpeechCache(directory: dir)
        if speech.espeak == nil { logger.warning("espeak-ng is not installed: the boards' calls are not spoken") }
        let feed = webFeed
        try await loop.submit { [engine] in engine.web = (feed, speech) }.get()
        let boards = BoardRoutes(engine: engine, feed: feed, speech: speech)
        let routes = WebRoutes(engine: engine, cache: ServicesPageCache(freshFor: freshFor), boards: boards)
        return try await startHTTP(host: host, port: port, routes: routes, options: options)
    }
}

// A ticket's page made live: its event stream (/t/KEY/events), its step back (POST /t/KEY/back) and its script.
// The page's key is the secret that names the ticket; actions on it are limited per key.
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import VuoroCore
import VuoroHTTP
import VuoroProtocol
import VuoroPush

/// A few actions a minute per key: a page (or a script) pressing a button in a loop changes nothing more.
final class ActionLimiter: Sendable {
    let perMinute: Int
    private let seen = NIOLockedValueBox<[String: [NIODeadline]]>([:])

    init(perMinute: Int = 3) { self.perMinute = perMinute }

    /// Takes an action's place; false when the key used its share of the last minute.
    func allow(_ key: String, now: NIODeadline = .now()) -> Bool {
        seen.withLockedValue { s in
            if s.count > 10_000 { s.removeAll() }
            let recent = (s[key] ?? []).filter { now - $0 < .minutes(1) }
            guard recent.count < perMinute else {
                s[key] = recent
                return false
            }
            s[key] = recent + [now]
            return true
        }
    }
}

/// Answers a ticket's stream and step back, and the page's script; nil for any other address.
final class TicketRoutes: Sendable {
    let engine: Engine
    let feed: WebFeed
    let limiter = ActionLimiter()
    /// Pages streaming at once.
    static let maxPages = 4096

    init(engine: Engine, feed: WebFeed) {
        self.engine = engine
        self.feed = feed
    }

    func answer(_ target: WebTarget, _ request: HTTPRequest, on loop: EventLoop) -> EventLoopFuture<HTTPAnswer>? {
        let scripts = ["/ticket.js": TicketScript.text, "/sw.js": TicketScript.worker, "/services.js": TicketScript.services]
        if let text = scripts[String(request.path)] {
            return loop.makeSucceededFuture(
                .response(
                    HTTPResponse(status: 200, contentType: "text/javascript; charset=utf-8", body: Array(text.utf8))))
        }
        switch target.page {
        case .servicesEvents:
            guard request.method == "GET" else { return loop.makeSucceededFuture(.response(.text(405, "only GET"))) }
            return servicesStream(on: loop)
        case .events(let key):
            guard request.method == "GET" else { return loop.makeSucceededFuture(.response(.text(405, "only GET"))) }
            return stream(key, on: loop)
        case .push(let key):
            guard request.method == "POST" || request.method == "DELETE" else {
                return loop.makeSucceededFuture(.response(.text(405, "only POST and DELETE", headers: [("Allow", "POST, DELETE")])))
            }
            guard sameOrigin(request) else { return loop.makeSucceededFuture(.response(.text(403, "not from this page"))) }
            return subscription(key, request, on: loop)
        case .stepBack(let key):
            guard request.method == "POST" else {
                return loop.makeSucceededFuture(.response(.text(405, "only POST", headers: [("Allow", "POST")])))
            }
            guard sameOrigin(request) else { return loop.makeSucceededFuture(.response(.text(403, "not from this page"))) }
            return stepBack(key, target, on: loop)
        default:
            return nil
        }
    }

    /// A form posted from elsewhere is refused: browsers say where a form came from (`Origin`).
    func sameOrigin(_ request: HTTPRequest) -> Bool {
        guard let origin = request.header("origin"), origin != "null" else { return true }
        let host = origin.split(separator: "/").dropFirst(1).first.map(String.init) ?? ""
        return host == request.header("host")
    }

    /// A page's push subscription (the browser's `PushSubscription` as JSON: endpoint, keys.p256dh, keys.auth), or
    /// its end (DELETE).
    private func subscription(_ key: String, _ request: HTTPRequest, on loop: EventLoop) -> EventLoopFuture<HTTPAnswer> {
        let engine = self.engine
        if request.method == "DELETE" {
            return engine.loop.submit { engine.unsubscribePush(key: key) }.map { .response(.text($0, $0 == 204 ? "" : "no such ticket")) }
        }
        let sub: PushSubscription
        switch TicketRoutes.parseSubscription(request.body) {
        case .failure(let e): return loop.makeSucceededFuture(.response(.text(400, e.description)))
        case .success(let s): sub = s
        }
        guard limiter.allow(key) else { return loop.makeSucceededFuture(.response(.text(429, "please wait a moment"))) }
        return engine.loop.submit { engine.subscribePush(key: key, sub) }.map { status in
            let text = [201: "subscribed", 404: "no such ticket today", 409: "the ticket has ended", 503: "push is unavailable"]
            return .response(.text(status, text[status] ?? ""))
        }
    }

    static func parseSubscription(_ body: [UInt8]) -> Result<PushSubscription, PushCryptoError> {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let endpoint = object["endpoint"] as? String, let keys = object["keys"] as? [String: Any],
            let p = (keys["p256dh"] as? String).flatMap(Base64URL.decode),
            let a = (keys["auth"] as? String).flatMap(Base64URL.decode)
        else { return .failure(PushCryptoError("send the browser's subscription: endpoint and keys.p256dh, keys.auth")) }
        let s = PushSubscription(endpoint: endpoint, p256dh: p, auth: a)
        if let problem = s.problem { return .failure(PushCryptoError(problem)) }
        return .success(s)
    }

    /// "I need more time": the step back, then back to the page, which says what happened (POST, redirect, GET).
    private func stepBack(_ key: String, _ target: WebTarget, on loop: EventLoop) -> EventLoopFuture<HTTPAnswer> {
        let query = target.lang.map { "lang=\($0)&" } ?? ""
        func back(_ said: String) -> HTTPAnswer {
            .response(
                HTTPResponse(
                    status: 303, contentType: "text/plain; charset=utf-8", body: Array("See /t/\(key)\n".utf8),
                    headers: [("Location", "/t/\(key)?\(query)\(target.large ? "large=1&" : "")said=\(said)")]))
        }
        guard limiter.allow(key) else { return loop.makeSucceededFuture(back("slow")) }
        let engine = self.engine
        return engine.loop.submit { () -> String in
            engine.stepBackFromPage(key)
        }.map(back)
    }

    /// The services page's stream: every queue's figures now, then as they change.
    private func servicesStream(on loop: EventLoop) -> EventLoopFuture<HTTPAnswer> {
        guard feed.limits.admitPage(max: TicketRoutes.maxPages) else {
            return loop.makeSucceededFuture(.response(.text(503, "too many pages are open")))
        }
        let feed = self.feed
        let engine = self.engine
        return engine.loop.submit { () -> ([String], [String], UInt64) in
            let c = engine.centre
            let ids = c.queueOrder.filter { !c.isRemoved($0) }
            return (ids, ids.map { FeedBuilder.queueJSON($0, centre: c, type: true).serialized() }, feed.lastID)
        }.map { ids, figures, last -> HTTPAnswer in
            .stream(head: [("Content-Type", "text/event-stream; charset=utf-8"), ("X-Accel-Buffering", "no")]) {
                stream in
                stream.onEnd = { feed.limits.releasePage() }
                guard let local = feed.feed(on: stream.eventLoop) else { return stream.close() }
                stream.write(Array(ServerSentEvent.retry(milliseconds: 2000).utf8))
                for f in figures { stream.write(feed.frame(id: last, data: f)) }
                var filter = FeedFilter()
                filter.queues = Set(ids)
                filter.figuresOnly = true
                local.subscribe(stream, filter, after: last)
            }
        }
    }

    /// The ticket's stream: its place now, then each change of it, its call, its end.
    private func stream(_ key: String, on loop: EventLoop) -> EventLoopFuture<HTTPAnswer> {
        guard feed.limits.admitPage(max: TicketRoutes.maxPages) else {
            return loop.makeSucceededFuture(.response(.text(503, "too many pages are open")))
        }
        let feed = self.feed
        let engine = self.engine
        return engine.loop.submit { () -> (Int64, String, String?, UInt64)? in
            guard let v = engine.centre.view(request: key) else { return nil }
            let t = v.ticket
            engine.pages.watch(t.id)
            let place = TicketPages.place(t, engine.centre)
            engine.pages.sent(t.id, place)
            return (t.id, t.number, place.map { TicketPages.json(t.number, $0) }, feed.lastID)
        }.map { found -> HTTPAnswer in
            guard let (id, number, place, last) = found else {
                feed.limits.releasePage()
                return .response(.text(404, "no such ticket today"))
            }
            let head: [(name: String, value: String)] = [
                ("Content-Type", "text/event-stream; charset=utf-8"), ("X-Accel-Buffering", "no"),
            ]
            return .stream(head: head) { stream in
                stream.onEnd = {
                    feed.limits.releasePage()
                    engine.loop.execute { engine.pages.unwatch(id) }
                }
                guard let local = feed.feed(on: stream.eventLoop) else { return stream.close() }
                stream.write(Array(ServerSentEvent.retry(milliseconds: 2000).utf8))
                if let place { stream.write(feed.frame(id: last, data: place)) }
                var filter = FeedFilter()
                filter.ticket = number
                local.subscribe(stream, filter, after: last)
            }
        }
    }
}

extension Engine {
    /// The step back a ticket's page asks for, by its key: what the page then says (`stepped`, `limit`,
    /// `refused`). Applied, committed and logged as any request.
    func stepBackFromPage(_ key: String) -> String {
        loop.preconditionInEventLoop()
        let said: String
        do {
            _ = steppedBack(try centre.stepBack(request: key), by: "the ticket's page")
            said = "stepped"
        } catch .stepLimit {
            said = "limit"
        } catch {
            said = "refused"
        }
        flush()
        // A step back that did not reach the disk did not happen.
        return storage.failing && said == "stepped" ? "refused" : said
    }
}

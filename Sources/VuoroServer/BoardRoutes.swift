// The lobby boards on the web listener: /board (options in the address) and /board/<id> (named in the
// configuration), their event streams, their script and style, the chime and the spoken calls.
import NIOCore
import VuoroCore
import VuoroHTTP
import VuoroProtocol
import VuoroQR

/// What one board shows: its stream's filter, its languages, what it speaks, and where its events come from.
struct BoardSpec: Sendable {
    var filter: FeedFilter
    var languages: [String]
    var speak: [String]
    var eventsPath: String

    /// The options of `/board?...` (`id` nil) or of a named board, checked against the configuration; the error
    /// names what is wrong, for a 400 (or 404 for a board not named) page.
    static func resolve(id: String?, query: HTTPRequest, config: CentreConfig) -> Result<BoardSpec, HTTPParseError> {
        func list(_ key: String) -> [String]? {
            query.queryValue(key).map { $0.lowercased().split(separator: ",").map(String.init) }
        }
        var board = BoardConfig(id: id ?? "")
        if let id {
            guard let named = config.board(id) else {
                let known = config.boards.map(\.id).joined(separator: ", ")
                return .failure(HTTPParseError(404, "no board '\(id)'" + (known.isEmpty ? "" : "; the boards are \(known)")))
            }
            board = named
        } else {
            board.queues = list("queues") ?? []
            board.counter = query.queryValue("counter")?.lowercased()
            board.languages = list("lang") ?? []
            board.speak = list("speak") ?? []
        }
        for q in board.queues where config.queues.first(where: { $0.id == q }) == nil {
            return .failure(HTTPParseError(400, "no queue '\(q)'; the queues are \(config.queues.map(\.id).joined(separator: ", "))"))
        }
        if let c = board.counter {
            guard config.counters.contains(where: { $0.id == c }) else {
                return .failure(HTTPParseError(400, "no counter '\(c)'; the counters are \(config.counters.map(\.id).joined(separator: ", "))"))
            }
            if !board.queues.isEmpty { return .failure(HTTPParseError(400, "a counter's board shows that counter: no queues")) }
        }
        for l in board.languages where !config.languages.contains(l) {
            return .failure(HTTPParseError(400, "no language '\(l)'; the languages are \(config.languages.joined(separator: ", "))"))
        }
        let languages = board.languages.isEmpty ? config.languages : board.languages
        for l in board.speak where !languages.contains(l) {
            return .failure(HTTPParseError(400, "speak=\(l) is not one of the board's languages \(languages.joined(separator: ", "))"))
        }
        var filter = FeedFilter()
        filter.counter = board.counter
        // A discreet queue shows only on a board that names it.
        filter.queues = Set(board.queues.isEmpty ? config.publicQueues : board.queues)
        let events = id.map { "/board/\($0)/events" } ?? "/board/events" + (query.target.firstIndex(of: "?").map { String(query.target[$0...]) } ?? "")
        return .success(BoardSpec(filter: filter, languages: languages, speak: board.speak, eventsPath: events))
    }
}

/// Answers the boards' addresses; nil for any other.
final class BoardRoutes: Sendable {
    let engine: Engine
    let feed: WebFeed
    let speech: SpeechCache?

    init(engine: Engine, feed: WebFeed, speech: SpeechCache?) {
        self.engine = engine
        self.feed = feed
        self.speech = speech
    }

    /// The page may run its own script, style and sound, and reach its own stream: nothing from elsewhere.
    static let pageHeaders: [(name: String, value: String)] = [
        (
            "Content-Security-Policy",
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; media-src 'self'; "
                + "img-src 'self'; frame-ancestors 'none'"
        )
    ]

    func answer(_ request: HTTPRequest, on loop: EventLoop) -> EventLoopFuture<HTTPAnswer>? {
        let path = request.path
        switch path {
        case "/board.js":
            return loop.makeSucceededFuture(.response(asset("text/javascript; charset=utf-8", BoardAssets.script)))
        case "/board.css":
            return loop.makeSucceededFuture(.response(asset("text/css; charset=utf-8", BoardAssets.style)))
        case "/chime.wav":
            return loop.makeSucceededFuture(
                .response(HTTPResponse(status: 200, contentType: "audio/wav", body: SpeechCache.chime)))
        default: break
        }
        if path.hasPrefix("/speech/"), path.hasSuffix(".wav") {
            let name = String(path.dropFirst(8).dropLast(4))
            guard let speech, name.utf8.count == 16, name.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) })
            else { return loop.makeSucceededFuture(.response(.text(404, "no such sound"))) }
            return speech.wav(name, on: loop).map { wav in
                .response(wav.map { HTTPResponse(status: 200, contentType: "audio/wav", body: $0) } ?? .text(404, "no such sound"))
            }
        }
        guard path == "/board" || path.hasPrefix("/board/") else { return nil }
        let parts = path.split(separator: "/").map(String.init)  // ["board"], ["board", id], [.., "events"]
        let events = parts.last == "events"
        let id = parts.count >= 2 && !(parts.count == 2 && events) ? parts[1] : nil
        guard parts.count <= (events ? 3 : 2), id.map(CentreConfig.isValidID) ?? true else {
            return loop.makeSucceededFuture(.response(.text(404, "no such board")))
        }
        let host = request.header("host") ?? "localhost"
        let lastEventID = request.header("last-event-id")
        let feed = self.feed
        return engine.loop.submit { [engine] () -> HTTPAnswer in
            let config = engine.centre.config
            switch BoardSpec.resolve(id: id, query: request, config: config) {
            case .failure(let e):
                return .response(BoardPage.refusal(e, site: config.site, lang: config.languages.first ?? "en"))
            case .success(let spec):
                if feed.limits.boards >= config.maxBoards {
                    return .response(BoardPage.full(site: config.site, max: config.maxBoards, lang: spec.languages[0]))
                }
                guard events else {
                    return .response(BoardPage.page(spec, config: config, host: host))
                }
                return self.stream(spec, max: config.maxBoards, lastEventID: lastEventID)
            }
        }
    }

    func asset(_ type: String, _ text: String) -> HTTPResponse {
        HTTPResponse(status: 200, contentType: type, body: Array(text.utf8))
    }

    /// The board's event stream: what it missed since `Last-Event-ID` when this run still keeps it, else a snapshot
    /// of everything; then each event its filter lets through.
    private func stream(_ spec: BoardSpec, max: Int, lastEventID: String?) -> HTTPAnswer {
        let speaks = !spec.speak.isEmpty
        guard feed.limits.admitBoard(max: max, speaks: speaks) else {
            return .response(.text(503, "too many boards are open"))
        }
        let head: [(name: String, value: String)] = [
            ("Content-Type", "text/event-stream; charset=utf-8"), ("X-Accel-Buffering", "no"),
        ]
        let feed = self.feed
        let engine = self.engine
        return .stream(head: head) { stream in
            let limits = feed.limits
            stream.onEnd = { limits.releaseBoard(speaks: speaks) }
            guard let local = feed.feed(on: stream.eventLoop) else { return stream.close() }
            stream.write(Array(ServerSentEvent.retry(milliseconds: 2000).utf8))
            if let after = feed.recordNumber(lastEventID), local.covers(after: after, latest: feed.lastID) {
                local.subscribe(stream, spec.filter, after: after)
                return
            }
            engine.loop.submit { () -> (UInt64, ByteBuffer) in
                let id = feed.lastID
                let data = FeedBuilder.snapshot(
                    centre: engine.centre, filter: spec.filter, languages: spec.languages, id: Int(id) >= 0 ? id : 0)
                return (id, feed.frame(id: id, data: data))
            }.hop(to: stream.eventLoop).whenSuccess { id, frame in
                stream.write(frame)
                local.subscribe(stream, spec.filter, after: id)
            }
        }
    }
}

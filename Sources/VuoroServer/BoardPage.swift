// The lobby board's HTML: a frame its script fills from the event stream, with the QR code of the services page,
// and the pages that refuse a board (an address that names no queue or counter, too many boards open).
import VuoroCore
import VuoroHTTP
import VuoroProtocol
import VuoroQR

enum BoardPage {
    /// Seconds between the board's languages.
    static let rotate = 8

    static func page(_ spec: BoardSpec, config: CentreConfig, host: String) -> HTTPResponse {
        let lang = spec.languages[0]
        let s = SignWords.screen[lang] ?? SignWords.screen["en"]!
        let options = JSON.object([
            ("events", .string(spec.eventsPath)), ("languages", .array(spec.languages.map(JSON.string))),
            ("speak", .array(spec.speak.map(JSON.string))), ("counter", spec.filter.counter.map(JSON.string) ?? .null),
            ("rotate", .number(rotate)),
        ]).serialized()
        let counterBoard = spec.filter.counter != nil
        // Where phones see the same: the configured address, else the one this board was opened at.
        let url = config.webURL ?? "http://\(host)/"
        let shown = url.replacingOccurrences(of: "https://", with: "").replacingOccurrences(of: "http://", with: "")
        let phone =
            counterBoard
            ? ""
            : """
            <aside class="phone"><p id="phone-label">\(html(SignWords.phone[lang] ?? ""))</p>\
            \(QRCode(url)?.svg(label: url) ?? "")<p id="phone-url">\(html(shown))</p></aside>

            """
        let history = counterBoard ? "" : "<section class=\"history\"><ol id=\"history\"></ol></section>\n"
        let queues =
            counterBoard
            ? ""
            : """
            <div class="right">
            <section class="queues"><table><thead><tr><td></td><th scope="col" id="head-waiting">\(html(s.waiting))</th>\
            <th scope="col" id="head-wait">\(html(s.wait))</th></tr></thead><tbody id="queue-rows"></tbody></table></section>
            \(phone)</div>

            """
        let body = """
            <!DOCTYPE html>
            <html lang="\(lang)"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(html(config.site)) · \(html(s.now))</title>
            <link rel="stylesheet" href="/board.css">
            <script src="/board.js" defer></script>
            </head>
            <body class="\(counterBoard ? "counter" : "lobby")">
            <main id="board" data-options="\(html(options))">
            <header><h1 id="site">\(html(config.site))</h1></header>
            <div class="left">
            <section id="now" aria-live="assertive" aria-atomic="true">
            <h2 id="now-label">\(html(s.now))</h2>
            <p id="now-ticket">–</p>
            <p id="now-counter"></p>
            </section>
            \(history)</div>
            \(queues)<p id="stale" role="status" hidden>\(html(SignWords.offline[lang] ?? ""))</p>
            <button id="sound" type="button" hidden>\(html(SignWords.sound[lang] ?? ""))</button>
            </main>
            </body></html>

            """
        return HTTPResponse(
            status: 200, contentType: "text/html; charset=utf-8", body: Array(body.utf8),
            headers: BoardRoutes.pageHeaders)
    }

    /// An address that names no queue, counter, language or board: which one, for whoever typed it.
    static func refusal(_ e: HTTPParseError, site: String, lang: String) -> HTTPResponse {
        notice(e.status, site: site, lang: lang, text: e.reason)
    }

    /// More boards than the configuration's `max_boards`.
    static func full(site: String, max: Int, lang: String) -> HTTPResponse {
        notice(503, site: site, lang: lang, text: "\(max) boards are open already, as many as max_boards allows.")
    }

    static func notice(_ status: Int, site: String, lang: String, text: String) -> HTTPResponse {
        let body = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(html(site))</title></head>
            <body><main><h1>\(html(site))</h1><p>\(html(text))</p></main></body></html>

            """
        return HTTPResponse(
            status: status, contentType: "text/html; charset=utf-8", body: Array(body.utf8),
            headers: [("Retry-After", "30")].filter { _ in status == 503 })
    }
}

// The web pages a visitor opens on a phone: the centre's services with their waits, and one ticket's place in
// its queue, found by the key its ISSUE carried (the QR code on the slip). Plain HTML that refreshes itself where
// scripts are off; where they run, the ticket's page follows its ticket live (/ticket.js).
import VuoroCore
import VuoroHTTP
import VuoroProtocol

/// Renders the pages from the centre's state; called on the engine's loop, which owns it.
struct StatusPage {
    let centre: Centre
    let lang: String
    /// Larger text (`?large=1`).
    var large = false
    /// The daemon's VAPID public key when it sends Web Push: the page then offers "notify me".
    var vapid: String? = nil

    /// Seconds between a page's own refreshes.
    static let refreshSeconds = 20

    var w: Words { StatusPage.words[lang] ?? StatusPage.words["en"]! }
    var screen: (now: String, counter: String, waiting: String, wait: String, closed: String) {
        SignWords.screen[lang] ?? SignWords.screen["en"]!
    }
    var languages: [String] { centre.config.languages }

    /// The page's language: `asked` (`?lang=`) when the site has it, else `chosen` (the language the visitor
    /// chose at the kiosk, for a ticket's page), else the first of `accepted` (the browser's Accept-Language)
    /// that it has, else the site's first.
    static func language(asked: String?, chosen: String?, accepted: String?, site: [String]) -> String {
        if let asked, site.contains(asked) { return asked }
        if let chosen, site.contains(chosen) { return chosen }
        for part in (accepted ?? "").split(separator: ",") {
            let code = (part.split(separator: ";").first ?? "").filter { $0 != " " && $0 != "\t" }
            let primary = String(code.split(separator: "-").first ?? "").lowercased()
            if site.contains(primary) { return primary }
        }
        return site.first ?? "en"
    }

    /// Every service: open with its queue and wait, or closed with its next opening; kept up to date by its script
    /// (`/services.js`, following `/events`), or by refreshing itself where scripts are off.
    func services() -> String {
        var rows = ""
        for id in centre.queueOrder where !centre.isRemoved(id) {
            guard let q = centre.queueConfig(id), let f = centre.figures(id) else { continue }
            let name = q.name(in: lang, languages: languages)
            let figures =
                f.open
                ? "\(f.waiting) \(screen.waiting) · \(screen.wait) ~\(waitMinutes(f.wait)) min"
                : [screen.closed, f.opensAt.map(opens)].compactMap { $0 }.joined(separator: " · ")
            rows += "<tr id=\"q-\(id)\"\(f.open ? "" : " class=\"closed\"")><th scope=\"row\">\(html(name))</th>"
                + "<td>\(html(figures))</td></tr>\n"
        }
        let options = JSON.object([
            ("events", .string("/events")), ("lang", .string(lang)),
            ("words", .strings(["waiting": screen.waiting, "wait": screen.wait, "closed": screen.closed])),
        ]).serialized()
        return page(
            title: w.services, path: "/",
            body: "<h1>\(html(centre.config.site))</h1>\n<h2>\(html(w.services))</h2>\n<table>\n\(rows)</table>",
            script: ("services", options))
    }

    /// One ticket, by the key of its ISSUE; `said` is what its last action did.
    func ticket(_ v: Centre.TicketView, key: String, said: String?) -> String {
        let t = v.ticket
        let queue = centre.queueConfig(t.queue)?.name(in: lang, languages: languages) ?? t.queue
        var body = "<h1>\(html(centre.config.site))</h1>\n<p class=\"queue\">\(html(queue))</p>\n"
        body += "<p>\(html(w.yourNumber))</p>\n<p class=\"number\">\(html(t.number))</p>\n"
        let said = said.map { s -> String in
            let text = ["stepped": w.stepped, "limit": w.stepLimit, "refused": w.stepRefused, "slow": w.slowDown][s] ?? ""
            return "<p class=\"said\" role=\"status\">\(html(text))</p>\n"
        } ?? ""
        switch t.state {
        case .waiting:
            body += said
            if let due = t.due {
                let time = centre.calendar.civil(due).timeString
                body += "<p>\(html(w.booked)): <b>\(time)</b></p>\n"
            }
            if let c = t.forCounter { body += "<p>\(html(w.waitFor)) <b>\(html(counterName(c)))</b></p>\n" }
            body += "<div id=\"live\"><p>\(html(w.position)): <b id=\"position\">\(v.position ?? 0)</b></p>\n"
            body += "<p>\(html(w.wait)): <b id=\"wait\">~\(waitMinutes(v.wait ?? 0)) min</b></p>\n"
            // How far the queue has got: the number its counters called last today.
            let last = centre.lastCalled(in: t.queue)
            body += "<p id=\"last\"\(last == nil ? " hidden" : "")>\(html(w.lastCalled)): "
                + "<b id=\"last-number\">\(html(last ?? ""))</b></p></div>\n"
            body += "<p id=\"alert\" class=\"alert\" role=\"alert\" hidden></p>\n"
            let places = t.due == nil && t.forCounter == nil ? centre.queueConfig(t.queue)?.stepBack ?? 0 : 0
            if places > 0 && t.stepsBack < centre.config.maxStepsBack {
                body += """
                    <form method="post" action="/t/\(key)/back\(query)" class="back">\
                    <button type="submit">\(html(w.needTime))</button>
                    <span>\(html(w.needTimeHelp.replacingOccurrences(of: "#", with: String(places))))</span></form>

                    """
            }
            body += "<p><button id=\"notify\" type=\"button\" hidden>\(html(w.notifyMe))</button></p>\n"
        case .called:
            body += "<p class=\"called\" role=\"alert\">\(html(w.yourTurn)) \(html(w.calledTo)) <b>\(html(counterName(t.counter ?? "?")))</b></p>\n"
        case .parked:
            body += "<p class=\"called\">\(html(w.parked)) <b>\(html(counterName(t.counter ?? "?")))</b></p>\n"
        case .done: body += "<p>\(html(w.done))</p>\n"
        case .noshow: body += "<p>\(html(w.noshow))</p>\n"
        case .cancelled: body += "<p>\(html(w.cancelled))</p>\n"
        case .expired: body += "<p>\(html(w.expired))</p>\n"
        }
        body += "<p><a href=\"/\(query)\">\(html(w.allServices))</a></p>"
        let counters = Dictionary(uniqueKeysWithValues: centre.counterOrder.map { ($0, counterName($0)) })
        let options = JSON.object([
            ("ticket", .string(t.number)), ("events", .string("/t/\(key)/events")), ("push", .string("/t/\(key)/push")),
            ("state", .string(t.state.rawValue)),
            ("alertAt", .number(centre.queueConfig(t.queue)?.alertAt ?? 0)), ("counters", .strings(counters)),
            ("words", .strings(["soon": w.soon, "turn": w.yourTurn, "calledTo": w.calledTo, "notifyOn": w.notifyOn])),
            ("vapid", vapid.map(JSON.string) ?? .null),
        ]).serialized()
        // Only a ticket that still waits or is called has anything live to follow.
        let live = t.state == .waiting || t.state == .called || t.state == .parked
        return page(
            title: "\(t.number) · \(queue)", path: "/t/\(key)", body: body, script: live ? ("ticket", options) : nil)
    }

    /// What visitors are sent to at a counter: its configured name in the page's language, else "palvelupiste 3".
    func counterName(_ id: String) -> String {
        centre.counterConfig(id)?.name(in: lang, languages: languages) ?? "\(screen.counter) \(id)"
    }

    /// A key that names no ticket of today.
    func notFound() -> String {
        page(
            title: w.notFound, path: "/",
            body: "<h1>\(html(centre.config.site))</h1>\n<p>\(html(w.notFound))</p>\n"
                + "<p><a href=\"/\(query)\">\(html(w.allServices))</a></p>", refresh: false)
    }

    /// `?lang=` and `?large=1` as the page was asked for them, for its links and forms.
    var query: String {
        let parts = (lang == languages.first ? [] : ["lang=\(lang)"]) + (large ? ["large=1"] : [])
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }

    /// "avautuu ma 08:00", or without the weekday when it is today.
    func opens(_ at: Millis) -> String {
        let c = centre.calendar.civil(at)
        let today = c.dateString == centre.calendar.civil(centre.clock.now()).dateString
        // CivilTime counts Monday as 1 and Sunday as 7.
        return SignWords.opens(lang: lang, today: today, sundayFirst: c.weekday % 7, time: c.timeString)
    }

    /// The page around `body`: its language switch (each language named in itself, as a screen reader reads it),
    /// larger text, and its refresh: by itself every 20 s where scripts are off, else by its script (`script`:
    /// `/<name>.js` and its options).
    func page(
        title: String, path: String, body: String, refresh: Bool = true, script: (name: String, options: String)? = nil
    ) -> String {
        let updated = centre.calendar.civil(centre.clock.now()).timeString
        let size = large ? "" : "large=1"
        func link(_ l: String, large: Bool) -> String {
            let q = [l == languages.first ? nil : "lang=\(l)", large ? "large=1" : nil].compactMap { $0 }
            return path + (q.isEmpty ? "" : "?" + q.joined(separator: "&"))
        }
        let switcher = languages.map { l in
            let name = html(StatusPage.languageNames[l] ?? l)
            return l == lang
                ? "<span lang=\"\(l)\" aria-current=\"true\"><b>\(name)</b></span>"
                : "<a href=\"\(html(link(l, large: large)))\" hreflang=\"\(l)\" lang=\"\(l)\">\(name)</a>"
        }.joined(separator: " · ")
        let sizeLink = "<a href=\"\(html(link(lang, large: !large)))\">\(html(large ? w.smaller : w.larger))</a>"
        _ = size
        let refreshTag = "<meta http-equiv=\"refresh\" content=\"\(StatusPage.refreshSeconds)\">"
        let head =
            !refresh ? "" : script == nil ? refreshTag + "\n" : "<noscript>\(refreshTag)</noscript>\n"
        let scriptTag = script.map { "<script src=\"/\($0.name).js\" defer></script>\n" } ?? ""
        let main = script.map { "<main id=\"\($0.name)\" data-options=\"\(html($0.options))\">" } ?? "<main>"
        return """
            <!DOCTYPE html>
            <html lang="\(lang)"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            \(head)<title>\(html(title))</title>
            <style>\(StatusPage.style)</style>
            \(scriptTag)</head>
            <body\(large ? " class=\"large\"" : "")>
            \(main)
            \(body)
            </main>
            <footer class="foot"><p>\(html(w.updated)) \(updated) · \(sizeLink)</p>
            <nav aria-label="\(html(w.languageLabel))"><p>\(switcher)</p></nav></footer>
            </body></html>

            """
    }

    static let style =
        "body{font-family:sans-serif;max-width:36em;margin:1em auto;padding:0 1em;font-size:1.15em;color:#111;"
        + "background:#fff}body.large{font-size:1.6em}"
        + "h1{font-size:1.1em}h2{font-size:1em}.number{font-size:4em;font-weight:bold;margin:.1em 0}"
        + ".called{font-size:1.4em}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4em"
        + " .3em;border-bottom:1px solid #ccc}.closed{color:#595959}.foot{color:#444;font-size:.9em;margin-top:2em}"
        + ".alert,.said{font-weight:bold;background:#fff3b0;padding:.5em}.back button,#notify{font-size:1em;"
        + "padding:.6em 1em;margin:.3em 0}.back span{display:block;color:#444;font-size:.9em}[hidden]{display:none}"
}

/// Text made safe inside HTML elements and quoted attributes.
func html(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for ch in s.unicodeScalars {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(ch)
        }
    }
    return out
}

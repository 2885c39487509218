// The web pages a visitor opens on a phone: the centre's services with their waits, and one ticket's place in
// its queue, found by the key its ISSUE carried (the QR code on the slip). HTML without scripts or outside
// resources, refreshed by the page itself.
import VuoroCore
import VuoroProtocol

/// Renders the pages from the centre's state; called on the engine's loop, which owns it.
struct StatusPage {
    let centre: Centre
    let lang: String

    /// Seconds between a page's own refreshes.
    static let refreshSeconds = 20

    struct Words {
        let services: String
        let yourNumber: String
        let position: String
        let wait: String
        let calledTo: String
        let done: String
        let noshow: String
        let cancelled: String
        let expired: String
        let notFound: String
        let updated: String
        let allServices: String
        let lastCalled: String
    }

    static let words: [String: Words] = [
        "fi": Words(
            services: "Palvelut ja odotusajat", yourNumber: "Vuoronumerosi", position: "Paikka jonossa",
            wait: "Arvioitu odotus", calledTo: "Sinut on kutsuttu:", done: "Asiointisi on päättynyt.",
            noshow: "Sinua kutsuttiin, mutta et ollut paikalla. Kysy neuvontapisteestä.",
            cancelled: "Numero on peruttu.", expired: "Numero ei ole enää voimassa.",
            notFound: "Numeroa ei löydy. Numerot ovat voimassa ottopäivänsä.", updated: "Päivitetty",
            allServices: "Kaikki palvelut", lastCalled: "Viimeksi kutsuttu"),
        "sv": Words(
            services: "Tjänster och väntetider", yourNumber: "Ditt nummer", position: "Plats i kön",
            wait: "Beräknad väntetid", calledTo: "Du har ropats upp:", done: "Ditt ärende är avslutat.",
            noshow: "Du ropades upp men var inte på plats. Fråga i informationen.",
            cancelled: "Numret har annullerats.", expired: "Numret gäller inte längre.",
            notFound: "Numret hittas inte. Ett nummer gäller den dag det togs.", updated: "Uppdaterad",
            allServices: "Alla tjänster", lastCalled: "Senast uppropad"),
        "en": Words(
            services: "Services and waits", yourNumber: "Your number", position: "Position in queue",
            wait: "Estimated wait", calledTo: "You have been called to:", done: "Your visit has ended.",
            noshow: "You were called but were not there. Please ask at the information desk.",
            cancelled: "The number has been cancelled.", expired: "The number is no longer valid.",
            notFound: "No such number. A number is valid on the day it was taken.", updated: "Updated",
            allServices: "All services", lastCalled: "Last called"),
        "ru": Words(
            services: "Услуги и время ожидания", yourNumber: "Ваш номер", position: "Место в очереди",
            wait: "Примерное ожидание", calledTo: "Вас вызвали:", done: "Ваше обслуживание завершено.",
            noshow: "Вас вызывали, но вас не было. Обратитесь в справочную.",
            cancelled: "Номер отменён.", expired: "Номер больше не действителен.",
            notFound: "Номер не найден. Номер действует в день получения.", updated: "Обновлено",
            allServices: "Все услуги", lastCalled: "Последний вызов"),
        "uk": Words(
            services: "Послуги та час очікування", yourNumber: "Ваш номер", position: "Місце в черзі",
            wait: "Орієнтовне очікування", calledTo: "Вас викликали:", done: "Ваше обслуговування завершено.",
            noshow: "Вас викликали, але вас не було. Зверніться до довідкової.",
            cancelled: "Номер скасовано.", expired: "Номер більше не дійсний.",
            notFound: "Номер не знайдено. Номер дійсний у день отримання.", updated: "Оновлено",
            allServices: "Усі послуги", lastCalled: "Останній виклик"),
    ]

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

    /// Every service: open with its queue and wait, or closed with its next opening.
    func services() -> String {
        var rows = ""
        for id in centre.queueOrder where !centre.isRemoved(id) {
            guard let q = centre.queueConfig(id), let f = centre.figures(id) else { continue }
            let name = q.name(in: lang, languages: languages)
            let figures =
                f.open
                ? "\(f.waiting) \(screen.waiting) · \(screen.wait) ~\(waitMinutes(f.wait)) min"
                : [screen.closed, f.opensAt.map(opens)].compactMap { $0 }.joined(separator: " · ")
            rows += "<tr\(f.open ? "" : " class=\"closed\"")><th>\(html(name))</th><td>\(html(figures))</td></tr>\n"
        }
        return page(
            title: w.services, path: "/",
            body: "<h1>\(html(centre.config.site))</h1>\n<h2>\(html(w.services))</h2>\n<table>\n\(rows)</table>")
    }

    /// One ticket, by the key of its ISSUE.
    func ticket(_ v: Centre.TicketView, key: String) -> String {
        let t = v.ticket
        let queue = centre.queueConfig(t.queue)?.name(in: lang, languages: languages) ?? t.queue
        var body = "<h1>\(html(centre.config.site))</h1>\n<p class=\"queue\">\(html(queue))</p>\n"
        body += "<p>\(html(w.yourNumber))</p>\n<p class=\"number\">\(html(t.number))</p>\n"
        switch t.state {
        case .waiting:
            body += "<p>\(html(w.position)): <b>\(v.position ?? 0)</b></p>\n"
            body += "<p>\(html(w.wait)): <b>~\(waitMinutes(v.wait ?? 0)) min</b></p>\n"
            // How far the queue has got: the number its counters called last today.
            if let last = centre.latestCalls(Centre.recentCallsKept).first(where: { $0.calledQueue == t.queue }) {
                body += "<p>\(html(w.lastCalled)): \(html(last.number))</p>\n"
            }
        case .called:
            let id = t.counter ?? "?"
            let counter = centre.counterConfig(id)?.name(in: lang, languages: languages) ?? "\(screen.counter) \(id)"
            body += "<p class=\"called\">\(html(w.calledTo)) <b>\(html(counter))</b></p>\n"
        case .done: body += "<p>\(html(w.done))</p>\n"
        case .noshow: body += "<p>\(html(w.noshow))</p>\n"
        case .cancelled: body += "<p>\(html(w.cancelled))</p>\n"
        case .expired: body += "<p>\(html(w.expired))</p>\n"
        }
        body += "<p><a href=\"/\(query)\">\(html(w.allServices))</a></p>"
        return page(title: "\(t.number) · \(queue)", path: "/t/\(key)", body: body)
    }

    /// A key that names no ticket of today.
    func notFound() -> String {
        page(
            title: w.notFound, path: "/",
            body: "<h1>\(html(centre.config.site))</h1>\n<p>\(html(w.notFound))</p>\n"
                + "<p><a href=\"/\(query)\">\(html(w.allServices))</a></p>", refresh: false)
    }

    var query: String { lang == languages.first ? "" : "?lang=\(lang)" }

    /// "avautuu ma 08:00", or without the weekday when it is today.
    func opens(_ at: Millis) -> String {
        let c = centre.calendar.civil(at)
        let today = c.dateString == centre.calendar.civil(centre.clock.now()).dateString
        // CivilTime counts Monday as 1 and Sunday as 7.
        return SignWords.opens(lang: lang, today: today, sundayFirst: c.weekday % 7, time: c.timeString)
    }

    func page(title: String, path: String, body: String, refresh: Bool = true) -> String {
        let updated = centre.calendar.civil(centre.clock.now()).timeString
        let others = languages.map { l in
            l == lang ? "<b>\(l)</b>" : "<a href=\"\(path)?lang=\(l)\" hreflang=\"\(l)\">\(l)</a>"
        }.joined(separator: " · ")
        return """
            <!DOCTYPE html>
            <html lang="\(lang)"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            \(refresh ? "<meta http-equiv=\"refresh\" content=\"\(StatusPage.refreshSeconds)\">\n" : "")\
            <title>\(html(title))</title>
            <style>\(StatusPage.style)</style></head>
            <body>
            \(body)
            <p class="foot">\(html(w.updated)) \(updated) · \(others)</p>
            </body></html>

            """
    }

    static let style =
        "body{font-family:sans-serif;max-width:36em;margin:1em auto;padding:0 1em;font-size:1.15em}"
        + "h1{font-size:1.1em}h2{font-size:1em}.number{font-size:4em;font-weight:bold;margin:.1em 0}"
        + ".called{font-size:1.4em}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4em"
        + " .3em;border-bottom:1px solid #ccc}.closed{color:#666}.foot{color:#555;font-size:.85em;margin-top:2em}"
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

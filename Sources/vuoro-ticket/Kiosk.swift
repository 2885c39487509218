// The full-screen kiosk: open queues by number, a key prints a ticket, a key switches language.
import Foundation
import VuoroClient
import VuoroProtocol

/// The kiosk's loop. It reconnects on its own, so a daemon restart needs nothing here.
struct Kiosk {
    let connection: ConnectionOptions
    let format: SlipFormat
    let output: String?
    /// The language the kiosk starts in; the site's first when nil.
    let startLanguage: String?
    /// Seconds without a key after which the kiosk returns to its start language.
    let languageReset: Double
    /// Seconds the printer may take to accept a slip.
    let printTimeout: Double
    /// Seconds to keep sending an `ISSUE` that got no answer.
    let issueRetry: Double
    /// Seconds after a ticket in which the queue keys issue nothing.
    let cooldown: Double
    /// The base of the visitors' web pages, for the QR code on each slip; nil for none.
    let webURL: String?
    let qr: TicketSlip.QRPrint
    /// Only these queues, in this order (a kiosk at one wing's door); all of them when nil.
    let only: [String]?
    /// Its name and its printer's paper, reported to the daemon.
    var watch: PaperWatch

    static let titles = [
        "fi": ("Valitse palvelu", "suljettu", "Vuoronumerosi", "kieli"),
        "sv": ("Välj tjänst", "stängd", "Ditt nummer", "språk"),
        "en": ("Choose a service", "closed", "Your number", "language"),
        "ru": ("Выберите услугу", "закрыто", "Ваш номер", "язык"),
        "uk": ("Оберіть послугу", "зачинено", "Ваш номер", "мова"),
    ]

    /// Under the number just printed, when slips carry the QR code of their page (`--web-url`).
    static let phoneHint = [
        "fi": "Seuraa vuoroasi puhelimella: lipun QR-koodi.",
        "sv": "Följ din tur i telefonen: QR-koden på lappen.",
        "en": "Follow your turn on your phone: the QR code on your ticket.",
        "ru": "Следите за очередью на телефоне: QR-код на талоне.",
        "uk": "Стежте за чергою на телефоні: QR-код на талоні.",
    ]

    /// "wait ~15 min" beside each open service.
    static let waitWord = ["fi": "odotus", "sv": "väntetid", "en": "wait", "ru": "ожидание", "uk": "очікування"]

    /// What a visitor reads when no ticket came out: a full queue, a queue that just closed, a printer that failed
    /// (its ticket is cancelled), the daemon out of reach, or else.
    static let refusals: [String: [String: String]] = [
        "fi": [
            "queue-full": "Tähän palveluun ei juuri nyt voi ottaa numeroa. Kysy neuvontapisteestä.",
            "queue-closed": "Palvelu on juuri suljettu.",
            "printer": "Tulostin ei toimi. Kysy neuvontapisteestä.",
            "offline": "Numeroita ei juuri nyt voi ottaa. Kysy neuvontapisteestä.",
            "": "Numeroa ei voitu antaa. Kysy neuvontapisteestä.",
        ],
        "sv": [
            "queue-full": "Just nu kan inga nummer tas till den här tjänsten. Fråga i informationen.",
            "queue-closed": "Tjänsten har just stängt.",
            "printer": "Skrivaren fungerar inte. Fråga i informationen.",
            "offline": "Just nu kan inga nummer tas. Fråga i informationen.",
            "": "Inget nummer kunde ges. Fråga i informationen.",
        ],
        "en": [
            "queue-full": "This service gives out no more numbers just now. Please ask at the information desk.",
            "queue-closed": "This service has just closed.",
            "printer": "The printer is not working. Please ask at the information desk.",
            "offline": "No numbers can be taken just now. Please ask at the information desk.",
            "": "No number could be given. Please ask at the information desk.",
        ],
        "ru": [
            "queue-full": "Сейчас номер в эту службу получить нельзя. Обратитесь в справочную.",
            "queue-closed": "Служба только что закрылась.",
            "printer": "Принтер не работает. Обратитесь в справочную.",
            "offline": "Сейчас номера получить нельзя. Обратитесь в справочную.",
            "": "Номер выдать не удалось. Обратитесь в справочную.",
        ],
        "uk": [
            "queue-full": "Зараз номер до цієї служби отримати неможливо. Зверніться до довідкової.",
            "queue-closed": "Служба щойно зачинилася.",
            "printer": "Принтер не працює. Зверніться до довідкової.",
            "offline": "Зараз номери отримати неможливо. Зверніться до довідкової.",
            "": "Номер видати не вдалося. Зверніться до довідкової.",
        ],
    ]

    /// The key of each queue, in the daemon's order; `l` switches language.
    static let keys = choiceKeys(except: "l")

    static func refusal(_ code: String, lang: String) -> String {
        let texts = refusals[lang] ?? refusals["en"]!
        return texts[code] ?? texts[""]!
    }

    mutating func run() throws {
        let term = Terminal()
        term.enterFullScreen()
        defer { term.leaveFullScreen() }
        var conn: ClientConnection?
        var languages: [String] = []
        var lang = 0
        var shown: (String, Date)?
        var lastKey = Date()
        var problem: String?
        /// The daemon's answer when it would not issue (a full queue, say), shown for a few seconds.
        var refusal: (code: String, text: String, at: Date)?
        /// Keys of `ISSUE`s given up on: each may have a ticket that nobody holds, cancelled once connected.
        var unanswered: [String] = []
        while true {
            var queues: [Fields] = []
            /// Each open queue's estimate for a ticket taken now, in seconds (STATUS's `wait`).
            var waits: [String: Int] = [:]
            do {
                if conn == nil {
                    conn = try connection.connect()
                    let first = languages.isEmpty ? nil : languages[lang % languages.count]
                    languages = (try conn!.request(.site)["languages"] ?? "fi,sv,en").split(separator: ",").map(
                        String.init)
                    lang = languages.firstIndex(of: first ?? startLanguage ?? "") ?? 0
                }
                while let key = unanswered.first {
                    do {
                        _ = try conn!.request(.cancelIssue(id: key))
                    } catch let e as ClientError where !e.isWorthSendingAgain {
                        // unknown-ticket: it was never issued; wrong-state: someone served it after all.
                    }
                    unanswered.removeFirst()
                }
                if watch.isDue { watch.probe(output, format: format) }
                try watch.report(on: conn!)
                let all = try conn!.list(.queues(lang: languages[lang % languages.count]))
                for f in try conn!.list(.status) { if let id = f.words.first { waits[id] = f.int("wait") } }
                problem = nil
                queues = all
                if let only {
                    queues = only.compactMap { id in all.first { $0.words.first == id } }
                    problem = unknownQueues(only, known: all.compactMap { $0.words.first })
                }
            } catch {
                conn = nil
                problem = "\(error)"
            }
            let code = languages.isEmpty ? (startLanguage ?? "en") : languages[lang % languages.count]
            let t = Kiosk.titles[code] ?? Kiosk.titles["en"]!
            var lines = ["", Terminal.bold("  \(t.0)"), ""]
            // Each service with the wait a number taken now would have, so a visitor can see it before choosing.
            let width = min(36, queues.map { ($0["name"] ?? $0.words.first ?? "?").count }.max() ?? 0)
            let about = Kiosk.waitWord[code] ?? Kiosk.waitWord["en"]!
            for (key, q) in zip(Kiosk.keys, queues) {
                let name = (q["name"] ?? q.words.first ?? "?").fitted(width)
                let closed = Opening.text(q["opens"], lang: code).map { "\(t.1), \($0)" } ?? t.1
                if q["open"] == "1" {
                    let wait = waits[q.words.first ?? ""].map { "   \(about) ~\(waitMinutes($0)) min" } ?? ""
                    lines.append("  \(key)  \(name)" + Terminal.dim(wait))
                } else {
                    lines.append(Terminal.dim("  \(key)  \(name)   (\(closed))"))
                }
            }
            lines += ["", "  L  \(t.3): \(languages.joined(separator: " / "))"]
            if let (number, at) = shown, Date().timeIntervalSince(at) < 5 {
                lines += ["", "  \(t.2):", ""] + BigText.render(number).map { "  " + $0 }
                if webURL != nil { lines += ["", "  " + (Kiosk.phoneHint[code] ?? Kiosk.phoneHint["en"]!)] }
            }
            if let r = refusal, Date().timeIntervalSince(r.at) < 8 {
                lines += [
                    "", Terminal.bold("  " + Kiosk.refusal(r.code, lang: code)),
                    Terminal.dim("  (\(r.code): \(r.text))"),
                ]
            }
            if watch.paper == "out" {
                lines += ["", Terminal.bold("  " + Kiosk.refusal("printer", lang: code))]
            }
            if watch.paper == "low" { lines += ["", Terminal.dim("  printer: paper low, change the roll")] }
            if let problem {
                // The daemon cannot be reached: the visitor is told so in words, staff get the reason below.
                if queues.isEmpty { lines += ["", Terminal.bold("  " + Kiosk.refusal("offline", lang: code))] }
                lines += ["", Terminal.dim("  \(problem); retrying")]
            }
            term.draw(lines)
            guard let key = term.waitForKey(seconds: problem == nil ? 1 : 2) else {
                // The next visitor starts in the kiosk's own language, whatever the last one chose.
                if Date().timeIntervalSince(lastKey) >= languageReset, !languages.isEmpty {
                    lang = languages.firstIndex(of: startLanguage ?? "") ?? 0
                }
                continue
            }
            lastKey = Date()
            // Only staff end a public kiosk: Ctrl-C (or a signal). A visitor's q or Esc does nothing.
            if key == Terminal.interrupt { return }
            if key == "l" || key == "L" {
                lang += 1
                continue
            }
            // A key pressed again while the last number is shown (a double press, a child at play) issues nothing.
            if let (_, at) = shown, Date().timeIntervalSince(at) < cooldown { continue }
            guard let k = key.lowercased().first, let n = Kiosk.keys.firstIndex(of: k), n < queues.count,
                var c = conn, let id = queues[n].words.first, queues[n]["open"] == "1"
            else { continue }
            do {
                // The printer is opened first: one that is unplugged gets no number issued for it.
                let out = try output.map { try SlipOutput($0, timeout: printTimeout) }
                if let out {
                    // No number for a printer with no paper: the visitor is told at once, and nothing is cancelled.
                    watch.check(out, format: format)
                    if watch.paper == "out" {
                        throw OutputError(description: "\(out.name) is out of paper; no ticket was issued")
                    }
                }
                defer { conn = c }
                let slip = try issue(
                    on: &c, reconnect: connection.connect, queue: id, priority: 0, lang: code, webURL: webURL,
                    retryFor: issueRetry)
                if let out {
                    try printOrCancel(slip, format: format, qr: qr, to: out, on: c)
                    watch.check(out, format: format)  // the slip may have reached the near end of the roll
                }
                shown = (slip.number, Date())
                refusal = nil
            } catch ClientError.refused(let errorCode, let text) {
                refusal = (errorCode, text, Date())
            } catch let e as PrintFailed {
                watch.cannotPrint()
                refusal = ("printer", e.description, Date())
            } catch let e as OutputError {
                watch.cannotPrint()
                refusal = ("printer", e.description, Date())
            } catch let e as IssueUnanswered {
                unanswered.append(e.key)
                refusal = ("offline", e.description, Date())
                conn = nil
                problem = e.description
            } catch {
                conn = nil
                problem = "\(error)"
            }
        }
    }
}

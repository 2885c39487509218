// vuoro-counter: the clerk's program. One action per run, or interactive with one key per action.
import ArgumentParser
import Foundation
import VuoroClient
import VuoroProtocol

@main
struct VuoroCounter: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vuoro-counter",
        abstract: "Call and serve tickets at one counter.",
        discussion: """
            Actions: next, recall, done, noshow, transfer QUEUE [--front], serve Q1,Q2, pause, call TICKET. \
            Without an action it runs interactively: n next, r recall, d done, s no-show, t transfer, p pause, \
            q quit.

            Examples:
              vuoro-counter --counter 3 next
              vuoro-counter --counter 3 transfer lab --front
              vuoro-counter --counter 3 serve kela,health
              vuoro-counter --counter 3          (interactive)
            """,
        version: vuoroVersion)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "This counter's id, as in the configuration.")
    var counter: String

    @Flag(help: "With transfer: put the ticket before every waiting ticket of its priority.")
    var front = false

    @Option(help: "Language of the interactive desk: fi, sv or en (default: the site's first language).")
    var lang: String?

    @Flag(
        help: """
            Interactive desk: also show kiosks that need staff (paper low or out, or not heard from for 3 minutes), \
            as reported to vuorod: for the information desk, or whoever looks after the kiosks.
            """)
    var watchKiosks = false

    @Argument(help: "The action and its argument; none for interactive use.")
    var action: [String] = []

    func request() throws -> Request? {
        guard let verb = action.first?.lowercased() else { return nil }
        let arg = action.count > 1 ? action[1] : nil
        let expected = ["transfer", "serve", "call"].contains(verb) ? 2 : 1
        guard action.count == expected else {
            throw ValidationError(expected == 2 ? "\(verb) takes one argument" : "\(verb) takes no argument")
        }
        if front && verb != "transfer" { throw ValidationError("--front goes with transfer") }
        let c = counter.lowercased()
        switch verb {
        case "next": return .call(counter: c, ticket: nil)
        case "call": return .call(counter: c, ticket: arg!.uppercased())
        case "recall": return .recall(counter: c)
        case "done": return .done(counter: c)
        case "noshow", "no-show": return .noshow(counter: c)
        case "transfer": return .transfer(counter: c, queue: arg!.lowercased(), front: front)
        case "serve": return .serve(counter: c, queues: arg!.lowercased().split(separator: ",").map(String.init))
        case "pause": return .pause(counter: c)
        default:
            throw ValidationError(
                "unknown action '\(verb)': next, recall, done, noshow, transfer, serve, pause or call")
        }
    }

    func validate() throws {
        _ = try request()
        if let lang, Desk.texts[lang.lowercased()] == nil { throw ValidationError("--lang must be fi, sv or en") }
    }

    func run() throws {
        try runClient("vuoro-counter") {
            let c = try connection.connect()
            guard let r = try request() else {
                try Desk(
                    conn: c, connect: { try connection.connect() }, counter: counter.lowercased(),
                    lang: lang?.lowercased(), watchKiosks: watchKiosks
                ).run()
                return
            }
            let reply = try c.request(r)
            print(
                reply.words == ["none"]
                    ? "none waiting" : (reply.words + reply.keys.map { "\($0)=\(reply[$0]!)" }).joined(separator: " "))
        }
    }
}

/// The interactive counter: the current ticket, how long it has been served, and the queues' figures. A lost
/// connection (a daemon restart, say) is retried with backoff, as the kiosk and the display do.
struct Desk {
    /// The key of each queue in the transfer menu; `f` switches between the front and the back of the queue.
    static let transferKeys = choiceKeys(except: "f")

    /// What the desk says, in the centre's languages. The keys stay the same in every language.
    struct Texts {
        let counter, open, paused, serving, noTicket, waiting, wait, transferTo, front, back, switches, keys: String
        let noneWaiting, reconnected, reconnecting: String
        /// What an action did: "called, waited", "called again, call", done, no-show, "transferred to", position.
        let called, waited, recalled, call, done, noshow, transferred, position: String
        /// Asked when `n` comes within `Desk.confirmWindow` of a call; `#` stands for the ticket.
        let confirmNext: String
        /// The daemon's refusals a clerk can meet, by error code; others are shown as the daemon words them.
        let errors: [String: String]
        /// After `c`: typing the number of a ticket to call (a visitor who was a no-show and came back, say).
        let callNumber, typingHelp, notANumber: String
        /// With `--watch-kiosks`: "Kiosk", and what needs staff there ("#" the minutes).
        let kiosk, paperLow, paperOut, silent: String
    }

    /// Seconds without a report after which a kiosk is shown as silent: three of its one-minute reports missed.
    static let silentAfter = 180

    /// The kiosks that need staff, one line each; empty when none does, or the daemon does not list kiosks.
    static func kioskWarnings(_ kiosks: [Fields], _ tx: Texts) -> [String] {
        kiosks.compactMap { k in
            guard let name = k.words.first else { return nil }
            let what: String
            if let ago = k.int("ago"), ago >= silentAfter {
                what = tx.silent.replacingOccurrences(of: "#", with: String(ago / 60))
            } else if k["paper"] == "out" {
                what = tx.paperOut
            } else if k["paper"] == "low" {
                what = tx.paperLow
            } else {
                return nil
            }
            return "  \(tx.kiosk) \(name): \(what)"
        }
    }
    /// Seconds after a call in which `n` asks to be pressed again before it ends that ticket: a double press,
    /// or a key held down, would otherwise end the visitor's turn as done before they reach the counter.
    static let confirmWindow = 5.0
    static let texts: [String: Texts] = [
        "fi": Texts(
            counter: "Palvelupiste", open: "auki", paused: "tauolla", serving: "Vuorossa", noTicket: "Ei asiakasta",
            waiting: "jonossa", wait: "odotus", transferTo: "Siirrä jonoon", front: "jonon alkuun",
            back: "jonon loppuun", switches: "f vaihtaa",
            keys:
                "n seuraava   r kutsu uudelleen   c kutsu numero   d valmis   s ei saapunut   t siirrä   p tauko   q lopeta (tauko)",
            noneWaiting: "jonossa ei ole ketään", reconnected: "yhteys palasi", reconnecting: "yhdistetään uudelleen",
            called: "kutsuttu", waited: "odotti", recalled: "kutsuttu uudelleen", call: "kerta", done: "valmis",
            noshow: "ei saapunut", transferred: "siirretty jonoon", position: "sija",
            confirmNext: "# kutsuttiin juuri. Paina n uudelleen: # päättyy ja seuraava kutsutaan.",
            errors: [
                "not-allowed": "Tällä tunnuksella ei voi toimia tässä palvelupisteessä",
                "unavailable": "Tallennus ei juuri nyt onnistu, eikä mitään muutettu. Yritä hetken päästä.",
                "shutting-down": "Palvelin sammuu. Yritä hetken päästä uudelleen.",
                "unknown-queue": "Jonoa ei enää ole",
                "wrong-state": "Numeroa ei voi kutsua: se on jo palveltu, peruttu tai kutsuttu",
                "unknown-ticket": "Tänään ei ole ollut sellaista numeroa",
            ],
            callNumber: "Kutsu numero", typingHelp: "Enter kutsuu, Esc peruu", notANumber: "ei ole vuoronumero",
            kiosk: "Lippuautomaatti", paperLow: "paperi vähissä, vaihda rulla", paperOut: "paperi loppu",
            silent: "ei yhteyttä # minuuttiin"),
        "sv": Texts(
            counter: "Disk", open: "öppen", paused: "paus", serving: "Betjänas", noTicket: "Ingen kund",
            waiting: "i kö", wait: "väntetid", transferTo: "Flytta till kö", front: "först", back: "sist",
            switches: "f växlar",
            keys: "n nästa   r ropa igen   c ropa nummer   d klar   s kom inte   t flytta   p paus   q avsluta (paus)",
            noneWaiting: "ingen väntar", reconnected: "förbindelsen är tillbaka", reconnecting: "ansluter igen",
            called: "ropad", waited: "väntade", recalled: "ropad igen", call: "gång", done: "klar", noshow: "kom inte",
            transferred: "flyttad till", position: "plats",
            confirmNext: "# ropades nyss. Tryck n igen: # avslutas och nästa ropas.",
            errors: [
                "not-allowed": "Den här nyckeln får inte användas vid den här disken",
                "unavailable": "Lagringen fungerar inte just nu, och inget ändrades. Försök snart igen.",
                "shutting-down": "Servern stängs. Försök igen om en stund.",
                "unknown-queue": "Kön finns inte längre",
                "wrong-state": "Numret kan inte ropas: det är redan betjänat, avbokat eller ropat",
                "unknown-ticket": "Något sådant nummer har inte funnits i dag",
            ],
            callNumber: "Ropa nummer", typingHelp: "Enter ropar, Esc avbryter", notANumber: "är inget könummer",
            kiosk: "Nummerautomat", paperLow: "pappret tar slut, byt rulle", paperOut: "pappret är slut",
            silent: "inte hörts av på # minuter"),
        "en": Texts(
            counter: "Counter", open: "open", paused: "paused", serving: "Serving", noTicket: "No ticket",
            waiting: "waiting", wait: "wait", transferTo: "Transfer to", front: "front", back: "back",
            switches: "f switches",
            keys: "n next   r recall   c call number   d done   s no-show   t transfer   p pause   q quit (pauses)",
            noneWaiting: "none waiting", reconnected: "reconnected", reconnecting: "reconnecting",
            called: "called", waited: "waited", recalled: "called again", call: "call", done: "done",
            noshow: "no-show", transferred: "transferred to", position: "position",
            confirmNext: "# was just called. Press n again to end # and call the next.",
            errors: [
                "not-allowed": "This token may not act for this counter",
                "unavailable": "Storage is failing, and nothing was changed. Try again shortly.",
                "shutting-down": "The server is stopping. Try again in a moment.",
                "unknown-queue": "That queue no longer exists",
                "wrong-state": "That number cannot be called: it was served, cancelled or is called",
                "unknown-ticket": "There has been no such number today",
            ],
            callNumber: "Call number", typingHelp: "Enter calls, Esc cancels", notANumber: "is not a ticket number",
            kiosk: "Kiosk", paperLow: "paper low, change the roll", paperOut: "out of paper",
            silent: "not heard from for # minutes"),
    ]
    /// What the desk shows and remembers between key presses.
    struct State {
        /// What the last action did, or why it did not.
        var message = ""
        /// When the desk first saw each ticket served here, for the service clock.
        var servedSince: [String: Date] = [:]
        /// The transfer menu is open; transfers go to the front of the queue.
        var menu = false
        var front = false
        /// When `n` was pressed just after a call and asked to be pressed again.
        var confirming: Date?
        /// The number being typed after `c`, to call that ticket; nil when not typing.
        var typing: String?
    }

    var conn: ClientConnection?
    let connect: () throws -> ClientConnection
    let counter: String
    /// The language asked for; the site's first (of fi, sv and en) when nil.
    let lang: String?
    /// Show kiosks that need staff (`--watch-kiosks`).
    let watchKiosks: Bool

    func run() throws {
        let term = Terminal()
        term.enterFullScreen()
        defer { term.leaveFullScreen() }
        var conn = self.conn
        var state = State()
        var backoff = 1.0
        var t = Desk.texts[lang ?? "en"] ?? Desk.texts["en"]!
        var names: [String: String] = [:]
        /// The language of the queues' and the counter's names: the desk's when the site has it.
        var nameLang: String?
        var reconnecting = false
        while true {
            do {
                if conn == nil { conn = try connect() }
                if reconnecting || names.isEmpty {
                    // The site's language, unless one was asked for; the queues' names in it.
                    let languages = (try conn!.request(.site)["languages"] ?? "").split(separator: ",").map(String.init)
                    let code = lang ?? languages.first { Desk.texts[$0] != nil } ?? "en"
                    t = Desk.texts[code] ?? t
                    // Names in the desk's language when the site has it, else in the site's own.
                    nameLang = languages.contains(code) ? code : nil
                }
                // Read on every pass, as the figures are: a reload of the configuration may rename a queue.
                for q in try conn!.list(.queues(lang: nameLang)) {
                    if let id = q.words.first { names[id] = q["name"] ?? id }
                }
                if reconnecting {
                    state.message = t.reconnected
                    reconnecting = false
                }
                backoff = 1
                guard
                    try step(conn!, term: term, texts: t, names: names, nameLang: nameLang, state: &state)
                else {
                    // The clerk leaves: the counter pauses, so that the queues' estimates stop counting it (its
                    // ticket, if any, stays; the next n at any desk ends the pause).
                    _ = try? conn!.request(.pause(counter: counter))
                    return
                }
            } catch ClientError.refused(let code, let text) where code == "unknown-counter" {
                throw ClientError.refused(code: code, text: text)
            } catch {
                conn = nil
                reconnecting = true
                term.draw([
                    "", Terminal.bold("  \(t.counter) \(counter)"), "",
                    "  \(error) - \(t.reconnecting) \(Int(backoff)) s",
                ])
                if Terminal.quits(term.waitForKey(seconds: backoff)) { return }
                backoff = min(30, backoff * 2)
            }
        }
    }

    /// Draws the desk once and handles a key; false when the clerk quits.
    private func step(
        _ conn: ClientConnection, term: Terminal, texts tx: Texts, names: [String: String], nameLang: String?,
        state s: inout State
    ) throws -> Bool {
        guard let me = try conn.list(.counters(lang: nameLang)).first(where: { $0.words.first == counter }) else {
            throw ClientError.refused(code: "unknown-counter", text: "no counter '\(counter)'")
        }
        let myQueues = (me["queues"] ?? "").split(separator: ",").map(String.init)
        let status = try conn.list(.status)
        let current = me["ticket"].flatMap { $0 == "-" ? nil : $0 }
        if let t = current, s.servedSince[t] == nil { s.servedSince[t] = Date() }
        let state = me["state"] == "paused" ? tx.paused : tx.open
        // A counter with a name ("huone 214") is called that, as the lobby's screens call it.
        let title = me["name"].map(\.initialCapital) ?? "\(tx.counter) \(counter)"
        var lines = ["", Terminal.bold("  \(title)") + "   (\(state))", ""]
        if let t = current {
            let secs = Int(Date().timeIntervalSince(s.servedSince[t] ?? Date()))
            lines.append("  \(tx.serving) " + Terminal.bold(t) + "   \(Desk.clock(secs))")
        } else {
            lines.append("  \(tx.noTicket)")
        }
        lines.append("")
        let name = { (f: Fields) in names[f.words.first ?? ""] ?? f.words.first ?? "" }
        let mine = status.filter { myQueues.contains($0.words.first ?? "") }
        let width = min(36, mine.map { name($0).count }.max() ?? 0)
        for f in mine {
            let minutes = waitMinutes(f.int("wait") ?? 0)
            lines.append(
                "  \(name(f).fitted(width))  \(tx.waiting) \(f["waiting"] ?? "?")   \(tx.wait) ~\(minutes) min")
        }
        lines.append("")
        if let typed = s.typing {
            lines.append("  \(tx.callNumber): " + Terminal.bold(typed) + "_   (\(tx.typingHelp))")
        } else if s.menu {
            lines.append("  \(tx.transferTo) (\(s.front ? tx.front : tx.back), \(tx.switches)):")
            for (key, f) in zip(Desk.transferKeys, status) { lines.append("    \(key)  \(name(f))") }
        } else {
            lines.append("  \(tx.keys)")
        }
        lines += ["", "  \(s.message)"]
        if watchKiosks {
            // A daemon older than 0.12 has no KIOSKS: nothing to show, and the desk works on.
            let kiosks: [Fields]
            do {
                kiosks = try conn.list(.kiosks)
            } catch ClientError.refused {
                kiosks = []
            }
            let warnings = Desk.kioskWarnings(kiosks, tx)
            if !warnings.isEmpty { lines += [""] + warnings.map { Terminal.bold($0) } }
        }
        term.draw(lines)
        guard let key = term.waitForKey(seconds: 1) else { return true }
        if key == Terminal.interrupt { return false }
        let asked = s.confirming
        s.confirming = nil
        var request: Request?
        if let typed = s.typing {
            switch key {
            case "\r", "\n":
                s.typing = nil
                do {
                    request = .call(counter: counter, ticket: try Request.ticketNumber(typed))
                } catch {
                    s.message = "\(typed): \(tx.notANumber)"
                }
            case "\u{1B}": s.typing = nil
            case "\u{7F}", "\u{08}": s.typing = String(typed.dropLast())
            default:
                if key.isASCII && (key.isLetter || key.isNumber) && typed.count < 5 {
                    s.typing = typed + key.uppercased()
                }
            }
        } else if s.menu {
            if key == "f" { s.front.toggle() }
            if let n = Desk.transferKeys.firstIndex(of: key), n < status.count, let q = status[n].words.first {
                request = .transfer(counter: counter, queue: q, front: s.front)
            }
            if key != "f" { s.menu = false }
        } else {
            switch key {
            case "n":
                // A second n just after a call, a double press say, would end that visitor's turn unserved.
                if let t = current, let since = s.servedSince[t], Date().timeIntervalSince(since) < Desk.confirmWindow,
                    asked.map({ Date().timeIntervalSince($0) >= Desk.confirmWindow }) ?? true
                {
                    s.confirming = Date()
                    s.message = tx.confirmNext.replacingOccurrences(of: "#", with: t)
                } else {
                    request = .call(counter: counter, ticket: nil)
                }
            case "r": request = .recall(counter: counter)
            case "d": request = .done(counter: counter)
            case "s": request = .noshow(counter: counter)
            case "p": request = .pause(counter: counter)
            case "t": s.menu = true
            case "c": s.typing = ""
            case "q": return false
            default: break
            }
        }
        if let request {
            do {
                s.message = Desk.describe(request, try conn.request(request), tx, names)
            } catch ClientError.refused(let code, let text) {
                s.message =
                    code == "no-current-ticket"
                    ? tx.noTicket : tx.errors[code].map { "\($0) (\(code))" } ?? "\(code): \(text)"
            }
        }
        return true
    }

    /// Minutes and seconds, "5:12".
    static func clock(_ seconds: Int) -> String { "\(seconds / 60):\(String(format: "%02d", seconds % 60))" }

    /// What an action did, in the desk's language: "K004 (Kela) kutsuttu, odotti 5:12".
    static func describe(_ request: Request, _ r: Fields, _ tx: Texts, _ names: [String: String]) -> String {
        guard let ticket = r.words.first, ticket != "none" else { return tx.noneWaiting }
        let queue = r["queue"].map { names[$0] ?? $0 } ?? ""
        switch request {
        case .call:
            return "\(ticket) (\(queue)) \(tx.called), \(tx.waited) \(Desk.clock(r.int("waited") ?? 0))"
        case .recall: return "\(ticket) \(tx.recalled) (\(tx.call) \(r["calls"] ?? "?"))"
        case .done: return "\(ticket) \(tx.done)"
        case .noshow: return "\(ticket) \(tx.noshow)"
        case .transfer: return "\(ticket) \(tx.transferred) \(queue), \(tx.position) \(r["position"] ?? "?")"
        case .pause: return tx.paused
        default: return (r.words + r.keys.map { "\($0)=\(r[$0]!)" }).joined(separator: " ")
        }
    }
}

// The interactive counter: one key per action, the current ticket and its clock, the queues' figures, the
// tickets parked here.
import Foundation
import VuoroClient
import VuoroProtocol

/// The interactive counter: the current ticket, how long it has been served, and the queues' figures. A lost
/// connection (a daemon restart, say) is retried with backoff, as the kiosk and the display do.
struct Desk {
    /// The key of each queue in the transfer menu; `f` switches between the front and the back of the queue.
    static let transferKeys = choiceKeys(except: "f")

    /// Seconds without a report after which a kiosk is shown as silent: three of its one-minute reports missed.
    static let silentAfter = 180

    /// The kiosks that need staff, one line each; empty when none does, or the daemon does not list kiosks.
    static func kioskWarnings(_ kiosks: [KioskInfo], _ tx: Texts) -> [String] {
        kiosks.compactMap { k in
            let name = k.name
            let what: String
            if k.ago >= silentAfter {
                what = tx.silent.replacingOccurrences(of: "#", with: String(k.ago / 60))
            } else if k.paper == "out" {
                what = tx.paperOut
            } else if k.paper == "low" {
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
    /// What the desk shows and remembers between key presses.
    struct State {
        /// What the last action did, or why it did not.
        var message = ""
        /// The ticket served here and when it was last called (or recalled): the service clock and the guard
        /// against a double press count from there, also for a no-show called back or a ticket transferred back.
        var serving: (ticket: String, since: Date)?
        /// The transfer menu is open; transfers go to the front of the queue.
        var menu = false
        var front = false
        /// When `n` was pressed just after a call and asked to be pressed again.
        var confirming: Date?
        /// The number being typed after `c`, to call that ticket (or after `i`, a booking's reference to check
        /// in); nil when not typing.
        var typing: String?
        var typingReference = false
        /// The menu of counters to send the visitor to (`o`) is open.
        var counterMenu = false
    }

    var conn: ClientConnection?
    let connect: () throws -> ClientConnection
    let counter: String
    /// The language asked for; the site's first (of fi, sv and en) when nil.
    let lang: String?
    /// Show kiosks that need staff (`--watch-kiosks`).
    let watchKiosks: Bool
    /// The daemon's address, shown while it cannot be reached.
    var address = ""

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
                    let languages = try conn!.site().languages
                    let code = lang ?? languages.first { Desk.texts[$0] != nil } ?? "en"
                    t = Desk.texts[code] ?? t
                    // Names in the desk's language when the site has it, else in the site's own.
                    nameLang = languages.contains(code) ? code : nil
                }
                // Read on every pass, as the figures are: a reload of the configuration may rename a queue.
                for q in try conn!.queues(lang: nameLang) { names[q.id] = q.name }
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
                    _ = try? conn!.call(.pause(counter: counter))
                    return
                }
            } catch ClientError.refused(let code, let text) where code == "unknown-counter" {
                throw ClientError.refused(code: code, text: text)
            } catch {
                conn = nil
                reconnecting = true
                // The clerk reads it in the desk's language; the system's reason goes to standard error (or the
                // journal), not over the screen.
                if isatty(2) == 0 { FileHandle.standardError.write(Data("vuoro-counter: \(error)\n".utf8)) }
                term.draw([
                    "", Terminal.bold("  \(t.counter) \(counter)"), "",
                    "  \(t.noConnection) (\(address)) · "
                        + t.retryIn.replacingOccurrences(of: "#", with: String(Int(backoff))),
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
        let counters = try conn.counters(lang: nameLang)
        guard let me = counters.first(where: { $0.id == counter }) else {
            throw ClientError.refused(code: "unknown-counter", text: "no counter '\(counter)'")
        }
        let myQueues = me.queues
        let status = try conn.status()
        let current = me.ticket
        if current != s.serving?.ticket { s.serving = current.map { ($0, Date()) } }
        let state = me.paused ? tx.paused : tx.open
        // A counter with a name ("huone 214") is called that, as the lobby's screens call it.
        let title = me.name.map(\.initialCapital) ?? "\(tx.counter) \(counter)"
        var lines = ["", Terminal.bold("  \(title)") + "   (\(state))", ""]
        if let t = current {
            let secs = Int(Date().timeIntervalSince(s.serving?.since ?? Date()))
            lines.append("  \(tx.serving) " + Terminal.bold(t) + "   \(Desk.clock(secs))")
        } else {
            lines.append("  \(tx.noTicket)")
        }
        if !me.parked.isEmpty { lines.append("  \(tx.parkedHere): " + me.parked.joined(separator: ", ")) }
        lines.append("")
        let name = { (f: QueueFigures) in names[f.id] ?? f.id }
        let others = counters.filter { $0.id != counter }
        let mine = status.filter { myQueues.contains($0.id) }
        let width = min(36, mine.map { name($0).count }.max() ?? 0)
        for f in mine {
            lines.append(
                "  \(name(f).fitted(width))  \(tx.waiting) \(f.waiting)   \(tx.wait) ~\(waitMinutes(f.wait)) min")
        }
        lines.append("")
        if let typed = s.typing {
            let (label, help) = s.typingReference ? (tx.reference, tx.referenceHelp) : (tx.callNumber, tx.typingHelp)
            lines.append("  \(label): " + Terminal.bold(typed) + "_   (\(help))")
        } else if s.counterMenu {
            lines.append("  \(tx.sendTo):")
            for (key, c) in zip(Desk.transferKeys, others) {
                lines.append("    \(key)  " + (c.name.map { "\($0.initialCapital) (\(c.id))" } ?? "\(tx.counter) \(c.id)"))
            }
        } else if s.menu {
            lines.append("  \(tx.transferTo) (\(s.front ? tx.front : tx.back), \(tx.switches)):")
            for (key, f) in zip(Desk.transferKeys, status) { lines.append("    \(key)  \(name(f))") }
        } else {
            lines += tx.keys.split(separator: "\n").map { "  \($0)" }
        }
        lines += ["", "  \(s.message)"]
        if watchKiosks {
            // A daemon older than 0.12 has no KIOSKS: nothing to show, and the desk works on.
            let kiosks: [KioskInfo]
            do {
                kiosks = try conn.kiosks()
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
                    request =
                        s.typingReference
                        ? .checkIn(ref: try Request.reference(typed), lang: nil, id: nil, force: false)
                        : .call(counter: counter, ticket: try Request.ticketNumber(typed))
                } catch {
                    s.message = "\(typed): \(s.typingReference ? tx.errors["unknown-booking"] ?? "" : tx.notANumber)"
                }
            case "\u{1B}": s.typing = nil
            case "\u{7F}", "\u{08}": s.typing = String(typed.dropLast())
            default:
                let longest = s.typingReference ? BookingReference.limit : 5
                let allowed = key.isLetter || key.isNumber || (s.typingReference && key == "-")
                if key.isASCII && allowed && typed.count < longest { s.typing = typed + key.uppercased() }
            }
        } else if s.counterMenu {
            s.counterMenu = false
            if let n = Desk.transferKeys.firstIndex(of: key), n < others.count {
                request = .transferToCounter(counter: counter, to: others[n].id)
            }
        } else if s.menu {
            if key == "f" { s.front.toggle() }
            if let n = Desk.transferKeys.firstIndex(of: key), n < status.count {
                request = .transfer(counter: counter, queue: status[n].id, front: s.front)
            }
            if key != "f" { s.menu = false }
        } else {
            switch key {
            case "n":
                // A second n just after a call, a double press say, would end that visitor's turn unserved.
                if let t = current, let since = s.serving?.since, Date().timeIntervalSince(since) < Desk.confirmWindow,
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
            case "o": s.counterMenu = true
            case "a": request = .park(counter: counter)
            case "i":
                s.typing = ""
                s.typingReference = true
            case "c":
                s.typing = ""
                s.typingReference = false
            case "q": return false
            default: break
            }
        }
        if let request {
            do {
                let reply = try conn.call(request)
                s.message = Desk.describe(reply, tx, names)
                switch reply {
                case .called(let c?): s.serving = (c.ticket, Date())  // a call starts the clock again
                case .recalled(let t, _, _, _): s.serving = (t, Date())
                default: break
                }
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
    static func describe(_ reply: Reply, _ tx: Texts, _ names: [String: String]) -> String {
        let name = { (q: String) in names[q] ?? q }
        switch reply {
        case .called(nil): return tx.noneWaiting
        case .called(let c?): return "\(c.ticket) (\(name(c.queue))) \(tx.called), \(tx.waited) \(Desk.clock(c.waited))"
        case .recalled(let t, _, _, let calls): return "\(t) \(tx.recalled) (\(tx.call) \(calls))"
        case .ended(let t, "noshow"): return "\(t) \(tx.noshow)"
        case .ended(let t, _): return "\(t) \(tx.done)"
        case .transferred(let t, let q, let p, nil): return "\(t) \(tx.transferred) \(name(q)), \(tx.position) \(p)"
        case .transferred(let t, _, let p, let to?):
            return "\(t) \(tx.transferred) \(tx.counter) \(to), \(tx.position) \(p)"
        case .parked(let t, _): return "\(t) \(tx.parked)"
        case .checkedIn(let c):
            let when = c.booked.map { " \(String($0.dropFirst(11).prefix(5)))" } ?? ""
            let how =
                c.arrival == "early" ? ", \(tx.early) \(String((c.from ?? "").dropFirst(11).prefix(5)))"
                : c.arrival == "late" && c.booked == nil ? ", \(tx.late)" : ""
            return "\(c.number) (\(name(c.queue))\(when)) \(tx.checkedIn)\(how)"
        case .paused: return tx.paused
        case .serving(let c, let qs): return "\(tx.counter) \(c) \(tx.serves) \(qs.map(name).joined(separator: ", "))"
        default: return reply.lines().joined(separator: " ")
        }
    }
}

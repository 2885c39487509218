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

    /// The key of each queue, in the daemon's order; `l` switches language, `v` starts a booking's check-in.
    static let keys = choiceKeys(except: "lv")

    /// Runs until staff press Ctrl-C. Throws only for what staff must fix first: `--queues` naming a queue the
    /// daemon does not have, once it has been reached.
    mutating func run() throws {
        let term = Terminal()
        term.enterFullScreen()
        defer { term.leaveFullScreen() }
        var conn: ClientConnection?
        var m = KioskModel()
        if let startLanguage { m.languages = [startLanguage] }
        var lastKey = Date()
        var backoff = 1.0
        var checked = false
        /// Keys of `ISSUE`s given up on: each may have a ticket that nobody holds, cancelled once connected.
        var unanswered: [String] = []
        while true {
            do {
                if conn == nil {
                    conn = try connect(&m, checked: &checked)
                    backoff = 1
                }
                while let key = unanswered.first {
                    do {
                        try conn!.call(.cancelIssue(id: key), onEvent: { m.apply($0) })
                    } catch let e as ClientError where !e.isWorthSendingAgain {
                        // unknown-ticket: it was never issued; wrong-state: someone served it after all.
                    }
                    unanswered.removeFirst()
                }
                if watch.isDue { watch.probe(output, format: format) }
                try watch.report(on: conn!) { m.apply($0) }
                // Events already read with a reply, then whatever else has come.
                while let line = try conn!.readLine(wait: 0) { if let e = Event.parse(line) { m.apply(e) } }
                while m.needsReload { try m.load(from: conn!, only: only) }
            } catch let e as BadQueues {
                throw e
            } catch {
                conn = nil
                m.offline = true
                Kiosk.log("\(error)")
            }
            term.draw(Kiosk.view(m, paper: watch.paper, phoneHint: webURL != nil))
            let wait = conn == nil ? backoff : 1
            if conn == nil { backoff = min(30, backoff * 2) }
            guard let key = term.waitForKey(seconds: wait, orReadable: conn?.descriptor) else {
                // The next visitor starts in the kiosk's own language, whatever the last one chose.
                if Date().timeIntervalSince(lastKey) >= languageReset, !m.languages.isEmpty {
                    m.lang = m.languages.firstIndex(of: startLanguage ?? "") ?? 0
                }
                if let t = m.typing, Date().timeIntervalSince(t.at) > Kiosk.typingTimeout { m.typing = nil }
                continue
            }
            lastKey = Date()
            // A scanner that types like a keyboard sends a whole reference and Enter within milliseconds: what
            // follows at once belongs to the same input.
            let keys = Kiosk.burst(after: key, term: term)
            // Only staff end a public kiosk: Ctrl-C (or a signal). A visitor's q or Esc does nothing.
            if keys.contains(Terminal.interrupt) { return }
            if m.typing == nil && keys.count >= 5 && (keys.last == "\r" || keys.last == "\n") {
                if let ref = Kiosk.reference(keys, model: &m) { checkIn(ref, &conn, &m, &checked) }
            } else {
                // Keys pressed one after the other, however fast (a mashed key): each on its own.
                for k in keys { pressed(k, &conn, &m, &checked, &unanswered) }
            }
        }
    }

    /// One key: the language, a queue, or the reference being typed.
    private mutating func pressed(
        _ key: Character, _ conn: inout ClientConnection?, _ m: inout KioskModel, _ checked: inout Bool,
        _ unanswered: inout [String]
    ) {
        if m.typing != nil || key == "v" || key == "V" {
            if let ref = Kiosk.reference([key], model: &m) { checkIn(ref, &conn, &m, &checked) }
            return
        }
        if key == "l" || key == "L" {
            m.lang += 1
            return
        }
        guard let k = key.lowercased().first, let n = Kiosk.keys.firstIndex(of: k), n < m.order.count else { return }
        let id = m.order[n]
        // A key pressed again while the last number is shown (a double press, a child at play) issues nothing;
        // the visitor is told why nothing happened, as for a closed service.
        if let (_, at) = m.shown, Date().timeIntervalSince(at) < cooldown {
            m.notice = (nil, Date())
            return
        }
        guard m.figures[id]?.open == true else {
            m.notice = (id, Date())
            return
        }
        // Pressed while the daemon was out of reach: one more try at once, rather than a key that does nothing.
        if conn == nil { conn = try? connect(&m, checked: &checked) }
        guard var c = conn else {
            m.refusal = ("offline", "no connection", Date(), false)
            return
        }
        m.notice = nil
        do {
            try press(id, on: &c, model: &m)
            conn = c
        } catch let e as IssueUnanswered {
            Kiosk.log(e.description)
            unanswered.append(e.key)
            m.refusal = ("offline", e.description, Date(), false)
            conn = nil
            m.offline = true
        } catch {
            conn = nil
            m.offline = true
        }
    }

    /// A reference typed or scanned: checked in, connecting first when the daemon was out of reach.
    private mutating func checkIn(
        _ ref: String, _ conn: inout ClientConnection?, _ m: inout KioskModel, _ checked: inout Bool
    ) {
        if conn == nil { conn = try? connect(&m, checked: &checked) }
        guard var c = conn else {
            m.refusal = ("offline", "no connection", Date(), false)
            return
        }
        do {
            try checkIn(ref, on: &c, model: &m)
            conn = c
        } catch {
            Kiosk.log("check-in \(ref): \(error)")
            m.refusal = ("offline", "\(error)", Date(), false)
            conn = nil
            m.offline = true
        }
    }

    /// Connects, watches and reads everything; the first time, checks `--queues` against the daemon's queues.
    private func connect(_ m: inout KioskModel, checked: inout Bool) throws -> ClientConnection {
        let c = try connection.connect()
        // Watching before reading: a change made meanwhile comes as an event.
        try c.call(.watch)
        try m.load(from: c, only: only)
        if !checked, let only, let problem = unknownQueues(only, known: Array(m.names.keys).sorted()) {
            throw BadQueues(description: "--queues: \(problem)")
        }
        if !checked, let startLanguage, let i = m.languages.firstIndex(of: startLanguage) { m.lang = i }
        checked = true
        return c
    }

    /// One visitor's key: opens the printer, issues, prints; the outcome goes into the model.
    private mutating func press(_ id: String, on c: inout ClientConnection, model m: inout KioskModel) throws {
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
            var events: [Event] = []
            let slip = try issue(
                on: &c, reconnect: connection.connect, queue: id, priority: 0, lang: m.code, webURL: webURL,
                retryFor: issueRetry, onEvent: { events.append($0) })
            for e in events { m.apply(e) }
            if let out {
                try printOrCancel(slip, format: format, qr: qr, to: out, on: c)
                watch.check(out, format: format)  // the slip may have reached the near end of the roll
            }
            m.shown = (slip.number, Date())
            m.checkedIn = nil
            m.refusal = nil
        } catch ClientError.refused(let errorCode, let text) {
            m.refusal = (errorCode, text, Date(), false)
            Kiosk.log("\(errorCode) \(text)")
        } catch let e as PrintFailed {
            watch.cannotPrint()
            m.refusal = ("printer", e.description, Date(), false)
            Kiosk.log(e.description)
        } catch let e as OutputError {
            watch.cannotPrint()
            m.refusal = ("printer", e.description, Date(), false)
            Kiosk.log(e.description)
        }
    }

    /// What staff need to know, on standard error (the journal under the kiosk's unit); never over the visitors'
    /// screen, which says it in their words.
    static func log(_ what: String) {
        if isatty(2) == 0 { FileHandle.standardError.write(Data("vuoro-ticket: \(what)\n".utf8)) }
    }
}

/// `--queues` names a queue the daemon does not have: staff must fix the kiosk's options.
struct BadQueues: ReportedError {
    let description: String
}

// What the lobby screen knows and shows: the latest calls and each queue's figures.
import Foundation
import VuoroClient
import VuoroProtocol

/// One call on the screen.
struct Call: Equatable {
    var ticket: String
    var counter: String
    var queue: String
    var at: Date
}

/// The lobby screen's state, fed by `STATUS`/`CALLED` snapshots and `WATCH` events.
struct DisplayModel {
    var site = ""
    /// The site's time zone (`SITE`): every time on the screen is the centre's, whatever the machine's zone.
    var timeZone = TimeZone.current
    var languages = ["fi", "sv", "en"]
    var names: [String: [String: String]] = [:]  // queue → lang → name
    /// Counters with a configured name ("huone 214"): counter → lang → name.
    var counterNames: [String: [String: String]] = [:]
    var order: [String] = []
    /// Per queue, as `STATUS` and `EVENT queue` give them (`opens` is the next opening of a closed queue).
    var figures: [String: QueueFigures] = [:]
    var calls: [Call] = []
    /// Only these queues, when set (a screen in one wing).
    var only: Set<String>?
    /// A screen above one counter, when set: only the number served there.
    var counter: String?
    var counterTicket: String?
    var counterPaused = false
    var counterMissing = false
    /// The daemon's configuration was reloaded (`EVENT reloaded`): names, queues and counters are read again.
    var needsReload = false

    /// The address of the visitors' web pages (`--web-url`), shown without its scheme; nil for none.
    var webURL: String? {
        didSet { webCode = webURL.flatMap { QRCode($0)?.terminalLines(quiet: 2) } ?? [] }
    }
    /// The QR code of `webURL`, drawn for a terminal.
    private(set) var webCode: [String] = []

    /// Where the QR code of the services page goes on the lobby screen `lines`: at the right edge, as low as it
    /// can be without covering any text; nil on a counter's screen, without `--web-url`, or when no place is
    /// free (a screen too small or too full: the address is still written out).
    func codeOverlay(_ lines: [String], width: Int, height: Int) -> Terminal.Overlay? {
        guard counter == nil, let first = webCode.first else { return nil }
        let columns = Terminal.visibleWidth(first)
        let column = width - columns - 1
        let rows = webCode.count
        guard column > 0, rows <= height else { return nil }
        let free = { (row: Int) in row >= lines.count || Terminal.visibleWidth(lines[row]) + 2 <= column }
        for top in stride(from: height - rows, through: 0, by: -1) where (top..<(top + rows)).allSatisfy(free) {
            return Terminal.Overlay(row: top, column: column, lines: webCode)
        }
        return nil
    }

    /// The labels in `lang`, English for a language without its own.
    static func words(_ lang: String) -> (now: String, counter: String, waiting: String, wait: String, closed: String) {
        SignWords.screen[lang] ?? SignWords.screen["en"]!
    }

    func shows(_ queue: String) -> Bool { only.map { $0.contains(queue) } ?? true }

    /// What is wrong with `--queues` or `--counter`, after a load: an id the daemon does not know.
    var problem: String? {
        if let counter { return counterMissing ? "no counter '\(counter)'" : nil }
        return only.flatMap { unknownQueues($0.sorted(), known: order) }
    }

    /// Loads everything anew from the daemon. On a watching connection events come between the replies: one that
    /// comes after a part (the counters, the queues' figures, the calls) was read is newer than it and is applied
    /// once everything is read; one that comes before is already in what was read.
    mutating func load(from c: ClientConnection) throws {
        var later: [(event: Event, read: Set<Part>)] = []
        var read = Set<Part>()
        let keep: (Event) -> Void = { later.append(($0, read)) }
        needsReload = false
        let s = try c.site(onEvent: keep)
        site = s.name
        if let zone = TimeZone(identifier: s.timeZone) { timeZone = zone }
        languages = s.languages.isEmpty ? ["en"] : s.languages
        counterNames = [:]
        counterMissing = true
        for l in languages {
            for info in try c.counters(lang: l, onEvent: keep) {
                if let name = info.name { counterNames[info.id, default: [:]][l] = name }
                if info.id == counter {
                    counterMissing = false
                    counterTicket = info.ticket
                    counterPaused = info.paused
                }
            }
        }
        read.insert(.counters)
        // Above one counter: nothing but that counter is shown.
        if counter == nil {
            for l in languages {
                for q in try c.queues(lang: l, onEvent: keep) { names[q.id, default: [:]][l] = q.name }
            }
            order = []
            for f in try c.status(onEvent: keep) {
                order.append(f.id)
                figures[f.id] = f
            }
            read.insert(.figures)
            calls = try c.called(onEvent: keep).map { call in
                Call(
                    ticket: call.ticket, counter: call.counter, queue: call.queue,
                    at: DisplayModel.parseTime(call.at) ?? Date())
            }.filter { shows($0.queue) }
            read.insert(.calls)
        }
        for (event, before) in later {
            if event == .reloaded {
                needsReload = true
            } else if before.contains(counter != nil ? .counters : DisplayModel.part(of: event)) {
                _ = apply(event)
            }
        }
    }

    /// What a display reads, for telling an event that is already in it from a newer one.
    enum Part { case counters, figures, calls, other }

    static func part(of event: Event) -> Part {
        switch event {
        case .queue: .figures
        case .called, .recalled, .day: .calls
        default: .other
        }
    }

    /// What changes when there is something new to announce: the latest call, or the counter's number.
    var newest: String? {
        counter == nil ? calls.first.map { "\($0.ticket) \($0.counter) \($0.at)" } : counterTicket
    }

    /// Applies one event to a counter's screen; returns true when the counter calls (or calls again).
    mutating func applyToCounter(_ event: Event) -> Bool {
        switch event {
        case .called(let t, _, let c), .recalled(let t, _, let c, _):
            guard c == counter else { return false }
            counterTicket = t
            counterPaused = false
            return true
        case .finished(let t, _, _, let c):
            if c == counter && counterTicket == t { counterTicket = nil }
        case .transferred(let t, _, _, let c, _), .parked(let t, _, let c):
            if c == counter && counterTicket == t { counterTicket = nil }
        case .counter(let id, let paused, _):
            if id == counter { counterPaused = paused }
        case .day:
            counterTicket = nil
        case .reloaded:
            needsReload = true
        case .queue: break
        }
        return false
    }

    /// Applies one event; returns true when it is a new call to announce.
    mutating func apply(_ event: Event) -> Bool {
        if counter != nil { return applyToCounter(event) }
        switch event {
        case .called(let t, let q, let c), .recalled(let t, let q, let c, _):
            guard shows(q) else { return false }
            calls.removeAll { $0.ticket == t }
            calls.insert(Call(ticket: t, counter: c, queue: q, at: Date()), at: 0)
            if calls.count > 20 { calls.removeLast() }
            return true
        case .queue(let f):
            if !order.contains(f.id) { order.append(f.id) }
            figures[f.id] = f
        case .day:
            // Numbers start again: yesterday's calls would show today's numbers going to counters.
            calls.removeAll()
        case .reloaded:
            needsReload = true
        case .finished, .transferred, .counter, .parked: break
        }
        return false
    }

    static func parseTime(_ s: String?) -> Date? {
        guard let s else { return nil }
        return ISO8601DateFormatter().date(from: s)
    }

    func name(_ q: String, _ lang: String) -> String { names[q]?[lang] ?? names[q]?.values.first ?? q }

    /// What the screen calls a counter: its configured name ("huone 214"), else "palvelupiste 3".
    func counterLabel(_ id: String, _ lang: String) -> String {
        counterNames[id]?[lang] ?? "\(DisplayModel.words(lang).counter) \(id)"
    }

    /// Columns for the counters of `calls`: a space after the longest, and room for "palvelupiste" and four
    /// characters of an id.
    func counterWidth(_ calls: some Sequence<Call>, _ lang: String) -> Int {
        let word = DisplayModel.words(lang).counter
        return max(word.count + 5, (calls.map { counterLabel($0.counter, lang).count }.max() ?? 0) + 1)
    }

    /// Columns for the queue names: the longest shown (a centre's names run from "Kela" to "Laboratorio ja
    /// kuvantaminen"), at most 36; longer ones are cut.
    func nameWidth(_ lang: String) -> Int {
        min(36, order.filter(shows).map { name($0, lang).count }.max() ?? 0)
    }

    /// "suljettu", and when the queue opens again if the daemon said: "suljettu · avautuu 08:00".
    func closed(_ opens: String?, _ lang: String) -> String {
        let word = DisplayModel.words(lang).closed
        return Opening.text(opens, lang: lang).map { "\(word) · \($0)" } ?? word
    }

    static func minutes(_ seconds: Int) -> String { "\(waitMinutes(seconds)) min" }

    /// "14:05" in the site's time zone.
    func clock(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = timeZone
        f.dateFormat = "HH:mm"
        return f.string(from: d)
    }

    /// What a counter's screen says under its number, or instead of one.
    func counterLine(_ lang: String) -> String {
        let what = counterTicket ?? (counterPaused ? SignWords.paused[lang] ?? "paused" : "-")
        return "\(counterLabel(counter ?? "", lang)): \(what)"
    }

    /// One plain-text snapshot, for `--once`.
    func snapshot(lang: String) -> [String] {
        let l = DisplayModel.words(lang)
        if counter != nil { return [site, "", counterLine(lang)] }
        var out = [site, "", l.now]
        let shown = calls.prefix(6)
        let counterColumns = counterWidth(shown, lang)
        for c in shown {
            out.append(
                "  \(c.ticket.padding(6))\(counterLabel(c.counter, lang).padding(counterColumns))\(name(c.queue, lang))"
            )
        }
        if calls.isEmpty { out.append("  -") }
        out += ["", "\(l.waiting.capitalized) / \(l.wait)"]
        let width = nameWidth(lang)
        for id in order where shows(id) {
            guard let f = figures[id] else { continue }
            let tail =
                f.open
                ? "\(String(f.waiting).padding(4))\(l.waiting)   \(l.wait) \(DisplayModel.minutes(f.wait))"
                : "\(String(f.waiting).padding(4))\(l.waiting)   \(closed(f.opens, lang))"
            out.append("  \(name(id, lang).fitted(width))  \(tail)")
        }
        return out
    }

    /// The full screen: the latest call in big letters, the previous ones, then the queues.
    func screen(width: Int, height: Int, lang: String, highlight: Bool, status: String?) -> [String] {
        let l = DisplayModel.words(lang)
        var out = [Terminal.bold(Terminal.center(site, width)), ""]
        if let counter {
            // Above one counter: its number as large as the screen allows, and the same in plain text.
            out += [Terminal.bold(Terminal.center(counterLabel(counter, lang).initialCapital, width)), ""]
            let big = BigText.render(counterTicket ?? "", scale: width >= 100 && height >= 20 ? 2 : 1)
            for row in counterTicket == nil ? [] : big {
                out.append(highlight ? Terminal.reverse(Terminal.center(row, width)) : Terminal.center(row, width))
            }
            out += ["", Terminal.center(counterLine(lang), width)]
            if let status { out += ["", Terminal.reverse(" \(status) ")] }
            return Array(out.prefix(height))
        }
        if let latest = calls.first {
            let big = BigText.render("\(latest.ticket)>\(latest.counter)", scale: width >= 100 ? 2 : 1)
            for row in big {
                out.append(highlight ? Terminal.reverse(Terminal.center(row, width)) : Terminal.center(row, width))
            }
            out.append(
                Terminal.center(
                    "\(latest.ticket)  →  \(counterLabel(latest.counter, lang))   (\(name(latest.queue, lang)))", width)
            )
        } else {
            out += Array(repeating: "", count: 6)
        }
        out.append("")
        // The queues' figures come first: the history of calls gets the rows they leave, up to 8.
        let queueRows = order.filter { shows($0) && figures[$0] != nil }.count
        let spare = height - out.count - 1 - queueRows - (status == nil ? 0 : 2) - (webURL == nil ? 0 : 2)
        let previous = calls.dropFirst().prefix(max(0, min(8, spare)))
        let counterColumns = counterWidth(previous, lang) + 1
        for c in previous {
            out.append(
                "   \(Terminal.bold(c.ticket.padding(6)))→ \(counterLabel(c.counter, lang).padding(counterColumns))\(Terminal.dim(clock(c.at)))"
            )
        }
        out.append("")
        let width = nameWidth(lang)
        for id in order where shows(id) {
            guard let f = figures[id] else { continue }
            let wait = f.open ? "\(l.wait) ~\(DisplayModel.minutes(f.wait))" : closed(f.opens, lang)
            out.append(
                "   \(name(id, lang).fitted(width))  \(String(f.waiting).padding(4)) \(l.waiting.padding(10)) \(wait)")
        }
        if let webURL {
            let label = SignWords.phone[lang] ?? SignWords.phone["en"]!
            let address = webURL.replacingOccurrences(of: "https://", with: "").replacingOccurrences(
                of: "http://", with: "")
            out += ["", "   \(label) \(Terminal.bold(address))"]
        }
        if let status { out += ["", Terminal.reverse(" \(status) ")] }
        return Array(out.prefix(height))
    }
}

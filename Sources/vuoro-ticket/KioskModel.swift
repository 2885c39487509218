// What the kiosk knows and shows: the services with their names in each language and their figures, followed
// live over WATCH, and what the last key press did. The view draws it; the loop (Kiosk.swift) feeds it.
import Foundation
import VuoroClient
import VuoroProtocol

/// The kiosk's state between key presses.
struct KioskModel {
    var site = ""
    var languages: [String] = []
    /// The language shown, an index into `languages` (it wraps).
    var lang = 0
    /// Queue ids in the daemon's order, or in `--queues`'s order.
    var order: [String] = []
    /// Queue → language → name.
    var names: [String: [String: String]] = [:]
    var figures: [String: QueueFigures] = [:]
    /// The number just printed, shown for a few seconds.
    var shown: (number: String, at: Date)?
    /// The daemon's answer when it would not issue (a full queue, say), shown for a few seconds.
    var refusal: (code: String, text: String, at: Date, checkIn: Bool)?
    /// A key that did nothing: a closed service's (its id), or one pressed while the last number is shown.
    var notice: (queue: String?, at: Date)?
    /// The daemon is out of reach (true until the first load).
    var offline = true
    /// A booking's reference being typed (after `v`), and when the last key came; nil when not typing.
    var typing: (text: String, at: Date)?
    /// What the last check-in said beside its number ("Booked for 10:30"), in the visitor's language.
    var checkedIn: String?
    /// The names, queues or hours changed (`EVENT reloaded`): read again.
    var needsReload = false

    var code: String { languages.isEmpty ? "en" : languages[lang % languages.count] }

    /// Everything anew from the daemon, on a watching connection: events that come meanwhile are newer than what
    /// was read before them and are applied after.
    mutating func load(from c: ClientConnection, only: [String]?) throws {
        var later: [Event] = []
        let keep: (Event) -> Void = { later.append($0) }
        needsReload = false
        let s = try c.site(onEvent: keep)
        site = s.name
        let current = languages.isEmpty ? nil : code
        languages = s.languages.isEmpty ? ["en"] : s.languages
        if let current, let i = languages.firstIndex(of: current) { lang = i }
        var all: [String] = []
        for l in languages {
            let queues = try c.queues(lang: l, onEvent: keep)
            all = queues.filter { !$0.removed }.map(\.id)
            for q in queues { names[q.id, default: [:]][l] = q.name }
        }
        order = only.map { $0.filter(all.contains) } ?? all
        for f in try c.status(onEvent: keep) { figures[f.id] = f }
        offline = false
        for e in later { apply(e) }
    }

    /// Applies an event: a queue's figures, or a reload.
    mutating func apply(_ e: Event) {
        switch e {
        case .queue(let f): figures[f.id] = f
        case .reloaded: needsReload = true
        default: break
        }
    }

    func name(_ q: String) -> String { names[q]?[code] ?? names[q]?.values.first ?? q }
}

extension Kiosk {
    /// The screen: services by key with their waits (or when a closed one opens), the languages with the current
    /// one marked, the number just printed, and what went wrong, in the visitor's language.
    static func view(_ m: KioskModel, paper: String, phoneHint: Bool, now: Date = Date()) -> [String] {
        let code = m.code
        let t = titles[code] ?? titles["en"]!
        var lines = ["", Terminal.bold("  \(t.0)"), ""]
        let width = min(36, m.order.map { m.name($0).count }.max() ?? 0)
        let about = waitWord[code] ?? waitWord["en"]!
        for (key, id) in zip(keys, m.order) {
            let name = m.name(id).fitted(width)
            guard let f = m.figures[id], f.open else {
                let closed = Opening.text(m.figures[id]?.opens, lang: code).map { "\(t.1), \($0)" } ?? t.1
                lines.append(Terminal.dim("  \(key)  \(name)   (\(closed))"))
                continue
            }
            lines.append("  \(key)  \(name)" + Terminal.dim("   \(about) ~\(waitMinutes(f.wait)) min"))
        }
        // The current language stands out, so a visitor sees which one the next key press leaves.
        let marked = m.languages.map { $0 == code ? Terminal.bold("[\($0)]") : $0 }
        lines += ["", "  L  \(t.3): \(marked.joined(separator: " / "))"]
        let b = booking[code] ?? booking["en"]!
        lines += ["  V  \(b.key)"]
        if let typing = m.typing {
            lines += ["", Terminal.bold("  \(b.prompt): \(typing.text)_"), Terminal.dim("  \(b.help)")]
        }
        if let (number, at) = m.shown, now.timeIntervalSince(at) < 5 {
            lines += ["", "  \(t.2):", ""] + BigText.render(number).map { "  " + $0 }
            if let said = m.checkedIn { lines += ["", Terminal.bold("  " + said)] }
            if phoneHint { lines += ["", "  " + (Kiosk.phoneHint[code] ?? Kiosk.phoneHint["en"]!)] }
        }
        let said = notices[code] ?? notices["en"]!
        if let n = m.notice, now.timeIntervalSince(n.at) < 4 {
            if let q = n.queue {
                let opens = Opening.text(m.figures[q]?.opens, lang: code).map { " · \($0)" } ?? ""
                lines += ["", Terminal.bold("  \(m.name(q)) \(said.closed)\(opens)")]
            } else {
                lines += ["", Terminal.bold("  \(said.wait)")]
            }
        }
        if let r = m.refusal, now.timeIntervalSince(r.at) < 8 {
            let said = r.checkIn ? (bookingRefusals[code] ?? bookingRefusals["en"]!)[r.code] : nil
            lines += ["", Terminal.bold("  " + (said ?? refusal(r.code, lang: code))), Terminal.dim("  (\(r.code))")]
        }
        if paper == "out" { lines += ["", Terminal.bold("  " + refusal("printer", lang: code))] }
        if paper == "low" { lines += ["", Terminal.dim("  " + (paperLow[code] ?? paperLow["en"]!))] }
        if m.offline {
            // Visitors are sent to the information desk; staff read why in the journal (standard error).
            if m.order.isEmpty { lines += ["", Terminal.bold("  " + refusal("offline", lang: code))] }
            lines += ["", Terminal.dim("  " + (offline[code] ?? offline["en"]!))]
        }
        return lines
    }
}

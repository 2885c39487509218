// Every event a watching client receives, as a value: formatted once by the daemon, parsed by the displays, the
// kiosk, vuoroctl and the web boards. protocol.md's "Events" is the reference.

/// One `EVENT` line.
public enum Event: Equatable, Sendable {
    /// A ticket is called to a counter.
    case called(ticket: String, queue: String, counter: String)
    /// The counter calls its ticket again.
    case recalled(ticket: String, queue: String, counter: String, calls: Int)
    /// A ticket ends: `done`, `noshow` (with the counter) or `cancelled`.
    case finished(ticket: String, state: String, queue: String, counter: String?)
    /// A called ticket is sent to wait in another queue, or (`to`) in another counter's own line.
    case transferred(ticket: String, queue: String, from: String, counter: String, to: String? = nil)
    /// The counter put its visitor aside: the ticket waits parked until called back.
    case parked(ticket: String, queue: String, counter: String)
    /// A queue's figures changed.
    case queue(QueueFigures)
    /// A counter paused or changed its queues.
    case counter(id: String, paused: Bool, queues: [String])
    /// A new service day started.
    case day(String)
    /// The configuration was reloaded: names, queues, counters or hours may have changed.
    case reloaded

    /// The event's kind, the word after `EVENT`.
    public var kind: String {
        switch self {
        case .called: "called"
        case .recalled: "recalled"
        case .finished: "finished"
        case .transferred: "transferred"
        case .parked: "parked"
        case .queue: "queue"
        case .counter: "counter"
        case .day: "day"
        case .reloaded: "reloaded"
        }
    }

    /// The queue the event is about, if any (a board that shows some queues only follows theirs).
    public var queue: String? {
        switch self {
        case .called(_, let q, _), .recalled(_, let q, _, _), .finished(_, _, let q, _), .transferred(_, let q, _, _, _),
            .parked(_, let q, _):
            q
        case .queue(let f): f.id
        case .counter, .day, .reloaded: nil
        }
    }

    /// The ticket the event is about, if any.
    public var ticket: String? {
        switch self {
        case .called(let t, _, _), .recalled(let t, _, _, _), .finished(let t, _, _, _), .transferred(let t, _, _, _, _),
            .parked(let t, _, _):
            t
        default: nil
        }
    }

    /// The line, without its LF.
    public func format() -> String {
        switch self {
        case .called(let t, let q, let c):
            var w = LineWriter("EVENT called \(t)")
            w.field("queue", q)
            w.field("counter", c)
            return w.text
        case .recalled(let t, let q, let c, let calls):
            var w = LineWriter("EVENT recalled \(t)")
            w.field("queue", q)
            w.field("counter", c)
            w.field("calls", calls)
            return w.text
        case .finished(let t, let state, let q, let c):
            var w = LineWriter("EVENT finished \(t)")
            w.field("state", state)
            w.field("queue", q)
            if let c { w.field("counter", c) }
            return w.text
        case .transferred(let t, let q, let from, let c, let to):
            var w = LineWriter("EVENT transferred \(t)")
            w.field("queue", q)
            w.field("from", from)
            w.field("counter", c)
            if let to { w.field("to", to) }
            return w.text
        case .parked(let t, let q, let c):
            var w = LineWriter("EVENT parked \(t)")
            w.field("queue", q)
            w.field("counter", c)
            return w.text
        case .queue(let f): return f.eventLine
        case .counter(let id, let paused, let queues):
            var w = LineWriter("EVENT counter \(id)")
            w.field("state", paused ? "paused" : "open")
            w.field("queues", queues.joined(separator: ","))
            return w.text
        case .day(let d): return "EVENT day \(d)"
        case .reloaded: return "EVENT reloaded"
        }
    }

    /// Parses an `EVENT` line; nil for another line, an event of a kind this release does not know, or one that
    /// lacks a field it needs. Fields it does not know are ignored.
    public static func parse(_ line: String) -> Event? {
        guard line.hasPrefix("EVENT "), let f = Fields.split(line), f.words.count >= 2 else { return nil }
        let subject = f.words.count >= 3 ? f.words[2] : nil
        switch f.words[1] {
        case "called":
            guard let t = subject, let q = f["queue"], let c = f["counter"] else { return nil }
            return .called(ticket: t, queue: q, counter: c)
        case "recalled":
            guard let t = subject, let q = f["queue"], let c = f["counter"], let n = f.int("calls") else { return nil }
            return .recalled(ticket: t, queue: q, counter: c, calls: n)
        case "finished":
            guard let t = subject, let s = f["state"], let q = f["queue"] else { return nil }
            return .finished(ticket: t, state: s, queue: q, counter: f["counter"])
        case "transferred":
            guard let t = subject, let q = f["queue"], let from = f["from"], let c = f["counter"] else { return nil }
            return .transferred(ticket: t, queue: q, from: from, counter: c, to: f["to"])
        case "parked":
            guard let t = subject, let q = f["queue"], let c = f["counter"] else { return nil }
            return .parked(ticket: t, queue: q, counter: c)
        case "queue":
            guard let id = subject, let figures = QueueFigures(id: id, fields: f) else { return nil }
            return .queue(figures)
        case "counter":
            guard let id = subject, let s = f["state"] else { return nil }
            return .counter(id: id, paused: s == "paused", queues: list(f["queues"]))
        case "day":
            return subject.map(Event.day)
        case "reloaded":
            return .reloaded
        default:
            return nil
        }
    }
}

/// `a,b,c` as its items; empty for nothing.
func list(_ s: String?) -> [String] {
    (s ?? "").split(separator: ",").map(String.init)
}

// Every reply of the protocol as a value: the daemon turns an outcome into a Reply and formats it; a client parses
// the lines it reads back into the Reply of the request it sent. protocol.md's "Requests" is the reference.

/// The answer to one request: its line, or for a list its `OK <n>` line and the n lines after it.
public enum Reply: Equatable, Sendable {
    case pong
    case issued(IssuedTicket)
    case ticket(TicketInfo)
    /// `CANCEL`, `DONE`, `NOSHOW`: the ticket and the state it ended in.
    case ended(ticket: String, state: String)
    /// `CALL`: the ticket called, with how long it waited; nil when nothing waits (`OK none`).
    case called(Call?)
    case recalled(ticket: String, queue: String, counter: String, calls: Int)
    /// `TRANSFER`: the ticket's queue and place there; `to`: the counter whose own line it joined.
    case transferred(ticket: String, queue: String, position: Int, to: String?)
    /// `SERVE`: the counter and the queues it serves now.
    case serving(counter: String, queues: [String])
    case paused(counter: String)
    case queues([QueueInfo])
    case status([QueueFigures])
    case counters([CounterInfo])
    case calls([CallInfo])
    case watching
    /// `OPEN`, `CLOSE`: whether the queue issues now.
    case queueOpen(queue: String, open: Bool)
    case bye
    case role(Role)
    case site(SiteInfo)
    case backup(path: String)
    case stats([StatsLine])
    case kiosk(name: String, paper: String)
    case kiosks([KioskInfo])
    /// `STEPBACK`: the ticket's new place and wait, and how many times it has stepped back.
    case steppedBack(ticket: String, position: Int, wait: Int, steps: Int)
    /// `BOOK`: the appointment as kept.
    case booked(BookingInfo)
    /// `UNBOOK`: the appointment cancelled.
    case unbooked(ref: String)
    case bookings([BookingInfo])
    case checkedIn(CheckInInfo)
    /// `PARK`: the ticket parked at the counter.
    case parked(ticket: String, counter: String)
    case error(ProtocolError)

    /// A ticket called by `CALL`.
    public struct Call: Equatable, Sendable {
        public var ticket: String
        public var queue: String
        public var counter: String
        /// Seconds it waited in its queue.
        public var waited: Int
        public init(ticket: String, queue: String, counter: String, waited: Int) {
            self.ticket = ticket
            self.queue = queue
            self.counter = counter
            self.waited = waited
        }
    }

    /// The reply's lines, without their LFs.
    public func lines() -> [String] {
        func list(_ items: [String]) -> [String] { ["OK \(items.count)"] + items }
        switch self {
        case .pong: return ["OK PONG"]
        case .issued(let i):
            var w = LineWriter("OK \(i.number)")
            w.field("queue", i.queue)
            w.field("position", i.position)
            w.field("wait", i.wait)
            if i.again {
                if let state = i.state { w.field("state", state) }
                w.field("again", 1)
            }
            return [w.text]
        case .ticket(let t):
            var w = LineWriter("OK \(t.number)")
            w.field("state", t.state)
            w.field("queue", t.queue)
            if let p = t.position, let wait = t.wait {
                w.field("position", p)
                w.field("wait", wait)
            }
            if let c = t.counter { w.field("counter", c) }
            if t.priority > 0 { w.field("priority", t.priority) }
            return [w.text]
        case .ended(let t, let state): return ["OK \(t) state=\(state)"]
        case .called(nil): return ["OK none"]
        case .called(let c?):
            var w = LineWriter("OK \(c.ticket)")
            w.field("queue", c.queue)
            w.field("counter", c.counter)
            w.field("waited", c.waited)
            return [w.text]
        case .recalled(let t, let q, let c, let calls):
            var w = LineWriter("OK \(t)")
            w.field("queue", q)
            w.field("counter", c)
            w.field("calls", calls)
            return [w.text]
        case .transferred(let t, let q, let p, let to):
            var w = LineWriter("OK \(t)")
            w.field("queue", q)
            w.field("position", p)
            if let to { w.field("to", to) }
            return [w.text]
        case .booked(let b): return ["OK " + b.line]
        case .unbooked(let ref): return ["OK \(ref) state=cancelled"]
        case .bookings(let bs): return list(bs.map(\.line))
        case .checkedIn(let c): return [c.line]
        case .parked(let t, let c): return ["OK \(t) state=parked counter=\(c)"]
        case .serving(let c, let qs): return ["OK \(c) queues=\(qs.joined(separator: ","))"]
        case .paused(let c): return ["OK \(c) state=paused"]
        case .queues(let qs): return list(qs.map(\.line))
        case .status(let fs): return list(fs.map(\.statusLine))
        case .counters(let cs): return list(cs.map(\.line))
        case .calls(let cs): return list(cs.map(\.line))
        case .watching: return ["OK watching"]
        case .queueOpen(let q, let open): return ["OK \(q) open=\(open ? 1 : 0)"]
        case .bye: return ["OK bye"]
        case .role(let r): return ["OK role=\(r)"]
        case .site(let s):
            var w = LineWriter("OK")
            w.text("name", s.name)
            w.field("timezone", s.timeZone)
            w.field("languages", s.languages.joined(separator: ","))
            w.field("day", s.day)
            return [w.text]
        case .backup(let path):
            var w = LineWriter("OK backup")
            w.field("path", path)
            return [w.text]
        case .stats(let rows): return list(rows.map(\.line))
        case .kiosk(let name, let paper): return ["OK \(name) paper=\(paper)"]
        case .kiosks(let ks): return list(ks.map(\.line))
        case .steppedBack(let t, let p, let w, let n):
            var line = LineWriter("OK \(t)")
            line.field("position", p)
            line.field("wait", w)
            line.field("steps", n)
            return [line.text]
        case .error(let e): return [e.line]
        }
    }

    /// Whether `request` is answered with a list: `OK <n>` and n lines.
    public static func isList(_ request: Request) -> Bool {
        switch request {
        case .queues, .status, .counters, .called, .stats, .kiosks, .bookings: true
        default: false
        }
    }

    /// How many lines follow a list reply's first line; nil when it is not `OK <n>`.
    public static func listCount(_ head: String) -> Int? {
        guard head.hasPrefix("OK "), let n = Int(head.dropFirst(3)), n >= 0 else { return nil }
        return n
    }

    /// The reply to `request` from its lines (the first, and for a list the lines after it); nil for lines that
    /// are not such a reply. An `ERR` line is `.error` whatever was asked.
    public static func parse(_ lines: [String], for request: Request) -> Reply? {
        guard let head = lines.first else { return nil }
        if head.hasPrefix("ERR ") {
            let parts = head.dropFirst(4).split(separator: " ", maxSplits: 1)
            guard let code = parts.first.flatMap({ ErrorCode(rawValue: String($0)) }) else { return nil }
            return .error(ProtocolError(code, parts.count > 1 ? String(parts[1]) : ""))
        }
        if isList(request) {
            guard let n = listCount(head), lines.count == n + 1 else { return nil }
            let body = Array(lines.dropFirst())
            func all<T>(_ make: (String) -> T?) -> [T]? {
                let items = body.compactMap(make)
                return items.count == body.count ? items : nil
            }
            switch request {
            case .queues: return all(QueueInfo.init(line:)).map(Reply.queues)
            case .status: return all(QueueFigures.init(statusLine:)).map(Reply.status)
            case .counters: return all(CounterInfo.init(line:)).map(Reply.counters)
            case .called: return all(CallInfo.init(line:)).map(Reply.calls)
            case .stats: return all(StatsLine.init(line:)).map(Reply.stats)
            case .kiosks: return all(KioskInfo.init(line:)).map(Reply.kiosks)
            case .bookings: return all(BookingInfo.init(line:)).map(Reply.bookings)
            default: return nil
            }
        }
        guard lines.count == 1, head == "OK" || head.hasPrefix("OK "), let f = Fields.split(head.dropFirst(2)) else {
            return nil
        }
        let subject = f.words.first
        switch request {
        case .ping: return head == "OK PONG" ? .pong : nil
        case .issue:
            guard let t = subject, let q = f["queue"], let p = f.int("position"), let w = f.int("wait") else {
                return nil
            }
            return .issued(
                IssuedTicket(number: t, queue: q, position: p, wait: w, state: f["state"], again: f["again"] == "1"))
        case .ticket:
            guard let t = subject, let s = f["state"], let q = f["queue"] else { return nil }
            return .ticket(
                TicketInfo(
                    number: t, state: s, queue: q, position: f.int("position"), wait: f.int("wait"),
                    counter: f["counter"], priority: f.int("priority") ?? 0))
        case .cancel, .cancelIssue, .done, .noshow:
            guard let t = subject, let s = f["state"] else { return nil }
            return .ended(ticket: t, state: s)
        case .call:
            if subject == "none" { return .called(nil) }
            guard let t = subject, let q = f["queue"], let c = f["counter"] else { return nil }
            return .called(Call(ticket: t, queue: q, counter: c, waited: f.int("waited") ?? 0))
        case .recall:
            guard let t = subject, let q = f["queue"], let c = f["counter"], let n = f.int("calls") else { return nil }
            return .recalled(ticket: t, queue: q, counter: c, calls: n)
        case .transfer, .transferToCounter:
            guard let t = subject, let q = f["queue"], let p = f.int("position") else { return nil }
            return .transferred(ticket: t, queue: q, position: p, to: f["to"])
        case .book: return BookingInfo(line: String(head.dropFirst(3))).map(Reply.booked)
        case .unbook:
            guard let ref = subject, f["state"] == "cancelled" else { return nil }
            return .unbooked(ref: ref)
        case .checkIn: return CheckInInfo(fields: f).map(Reply.checkedIn)
        case .park:
            guard let t = subject, f["state"] == "parked", let c = f["counter"] else { return nil }
            return .parked(ticket: t, counter: c)
        case .serve:
            guard let c = subject, let qs = f["queues"] else { return nil }
            return .serving(counter: c, queues: list(qs))
        case .pause:
            guard let c = subject, f["state"] == "paused" else { return nil }
            return .paused(counter: c)
        case .watch: return subject == "watching" ? .watching : nil
        case .open, .close:
            guard let q = subject, let open = f.int("open") else { return nil }
            return .queueOpen(queue: q, open: open == 1)
        case .quit: return subject == "bye" ? .bye : nil
        case .auth: return f["role"].flatMap { Role(name: $0) }.map(Reply.role)
        case .site:
            guard let name = f["name"], let tz = f["timezone"], let langs = f["languages"], let day = f["day"] else {
                return nil
            }
            return .site(SiteInfo(name: name, timeZone: tz, languages: list(langs), day: day))
        case .backup: return f["path"].map { .backup(path: $0) }
        case .kiosk:
            guard let name = subject, let paper = f["paper"] else { return nil }
            return .kiosk(name: name, paper: paper)
        case .stepBack, .stepBackIssue:
            guard let t = subject, let p = f.int("position"), let w = f.int("wait"), let n = f.int("steps") else {
                return nil
            }
            return .steppedBack(ticket: t, position: p, wait: w, steps: n)
        case .queues, .status, .counters, .called, .stats, .kiosks, .bookings: return nil
        }
    }
}

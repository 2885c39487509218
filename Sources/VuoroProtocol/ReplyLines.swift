// The parts replies are made of: a queue's figures (STATUS lines and `EVENT queue` alike), and one line of each
// list reply. Each formats itself and parses itself back; a field it does not know is ignored.

/// A queue's figures: what `STATUS` lists and `EVENT queue` tells, from one value.
public struct QueueFigures: Equatable, Sendable {
    public var id: String
    public var open: Bool
    public var waiting: Int
    /// The estimate, in seconds, a normal ticket issued now would get.
    public var wait: Int
    /// Open counters serving the queue.
    public var counters: Int
    /// When a queue closed by its hours opens next (a timestamp with the site's offset).
    public var opens: String?
    /// Seconds the longest-waiting ticket has waited (`STATUS` only, while anyone waits).
    public var longest: Int?

    public init(
        id: String, open: Bool, waiting: Int, wait: Int, counters: Int, opens: String? = nil, longest: Int? = nil
    ) {
        self.id = id
        self.open = open
        self.waiting = waiting
        self.wait = wait
        self.counters = counters
        self.opens = opens
        self.longest = longest
    }

    init?(id: String, fields f: Fields) {
        guard let open = f.int("open"), let waiting = f.int("waiting"), let wait = f.int("wait"),
            let counters = f.int("counters")
        else { return nil }
        self.init(
            id: id, open: open == 1, waiting: waiting, wait: wait, counters: counters, opens: f["opens"],
            longest: f.int("longest"))
    }

    /// `kela open=1 waiting=5 wait=900 counters=2 [opens=...] [longest=...]`, a `STATUS` line.
    public var statusLine: String {
        var w = LineWriter(id)
        w.field("open", open ? 1 : 0)
        w.field("waiting", waiting)
        w.field("wait", wait)
        w.field("counters", counters)
        if let opens { w.field("opens", opens) }
        if let longest { w.field("longest", longest) }
        return w.text
    }

    /// `EVENT queue kela waiting=4 wait=720 open=1 counters=2 [opens=...]`.
    public var eventLine: String {
        var w = LineWriter("EVENT queue \(id)")
        w.field("waiting", waiting)
        w.field("wait", wait)
        w.field("open", open ? 1 : 0)
        w.field("counters", counters)
        if let opens { w.field("opens", opens) }
        return w.text
    }

    public init?(statusLine: String) {
        guard let f = Fields.split(statusLine), let id = f.words.first else { return nil }
        self.init(id: id, fields: f)
    }
}

/// A line of `QUEUES`: a queue's prefix, whether it issues now, its name in the language asked.
public struct QueueInfo: Equatable, Sendable {
    public var id: String
    public var prefix: String
    public var open: Bool
    public var name: String
    public var opens: String?
    public var hours: String?
    /// Removed from the configuration, still holding tickets.
    public var removed: Bool

    public init(
        id: String, prefix: String, open: Bool, name: String, opens: String? = nil, hours: String? = nil,
        removed: Bool = false
    ) {
        self.id = id
        self.prefix = prefix
        self.open = open
        self.name = name
        self.opens = opens
        self.hours = hours
        self.removed = removed
    }

    public var line: String {
        var w = LineWriter(id)
        w.field("prefix", prefix)
        w.field("open", open ? 1 : 0)
        w.text("name", name)
        if let opens { w.field("opens", opens) }
        if let hours { w.text("hours", hours) }
        if removed { w.field("removed", 1) }
        return w.text
    }

    public init?(line: String) {
        guard let f = Fields.split(line), let id = f.words.first, let prefix = f["prefix"], let open = f.int("open")
        else { return nil }
        self.init(
            id: id, prefix: prefix, open: open == 1, name: f["name"] ?? id, opens: f["opens"], hours: f["hours"],
            removed: f["removed"] == "1")
    }
}

/// A line of `COUNTERS`: a counter's state, its ticket, its queues and its name in the language asked.
public struct CounterInfo: Equatable, Sendable {
    public var id: String
    public var paused: Bool
    public var ticket: String?
    public var queues: [String]
    public var name: String?
    /// Tickets parked at the counter (`PARK`), to call back with `CALL c ticket=`.
    public var parked: [String]

    public init(id: String, paused: Bool, ticket: String?, queues: [String], name: String? = nil, parked: [String] = []) {
        self.parked = parked
        self.id = id
        self.paused = paused
        self.ticket = ticket
        self.queues = queues
        self.name = name
    }

    public var line: String {
        var w = LineWriter(id)
        w.field("state", paused ? "paused" : "open")
        w.field("ticket", ticket ?? "-")
        w.field("queues", queues.joined(separator: ","))
        if !parked.isEmpty { w.field("parked", parked.joined(separator: ",")) }
        if let name { w.text("name", name) }
        return w.text
    }

    public init?(line: String) {
        guard let f = Fields.split(line), let id = f.words.first, let state = f["state"] else { return nil }
        let ticket = f["ticket"].flatMap { $0 == "-" ? nil : $0 }
        self.init(
            id: id, paused: state == "paused", ticket: ticket, queues: list(f["queues"]), name: f["name"],
            parked: list(f["parked"]))
    }
}

/// A line of `CALLED`: a call of today, newest first.
public struct CallInfo: Equatable, Sendable {
    public var ticket: String
    public var queue: String
    public var counter: String
    /// When, with the site's offset: `2026-11-23T10:09:00+02:00`.
    public var at: String
    public var calls: Int

    public init(ticket: String, queue: String, counter: String, at: String, calls: Int) {
        self.ticket = ticket
        self.queue = queue
        self.counter = counter
        self.at = at
        self.calls = calls
    }

    public var line: String {
        var w = LineWriter(ticket)
        w.field("queue", queue)
        w.field("counter", counter)
        w.field("at", at)
        w.field("calls", calls)
        return w.text
    }

    public init?(line: String) {
        guard let f = Fields.split(line), let t = f.words.first, let q = f["queue"], let c = f["counter"] else {
            return nil
        }
        self.init(ticket: t, queue: q, counter: c, at: f["at"] ?? "", calls: f.int("calls") ?? 1)
    }
}

/// A line of `KIOSKS`: a kiosk's last report.
public struct KioskInfo: Equatable, Sendable {
    public var name: String
    public var paper: String
    public var seen: String
    /// Seconds since the report.
    public var ago: Int

    public init(name: String, paper: String, seen: String, ago: Int) {
        self.name = name
        self.paper = paper
        self.seen = seen
        self.ago = ago
    }

    public var line: String {
        var w = LineWriter(name)
        w.field("paper", paper)
        w.field("seen", seen)
        w.field("ago", ago)
        return w.text
    }

    public init?(line: String) {
        guard let f = Fields.split(line), let name = f.words.first, let paper = f["paper"] else { return nil }
        self.init(name: name, paper: paper, seen: f["seen"] ?? "", ago: f.int("ago") ?? 0)
    }
}

/// A line of `STATS`: one group's figures, named, in the daemon's order.
public struct StatsLine: Equatable, Sendable {
    public var key: String
    public var figures: [(name: String, value: Int)]

    public init(key: String, figures: [(name: String, value: Int)]) {
        self.key = key
        self.figures = figures
    }

    public static func == (a: StatsLine, b: StatsLine) -> Bool {
        a.key == b.key && a.figures.elementsEqual(b.figures) { $0.name == $1.name && $0.value == $1.value }
    }

    public subscript(name: String) -> Int? { figures.first { $0.name == name }?.value }

    public var line: String {
        var w = LineWriter(key)
        for (k, v) in figures { w.field(k, v) }
        return w.text
    }

    public init?(line: String) {
        guard let f = Fields.split(line), let key = f.words.first else { return nil }
        self.init(key: key, figures: f.keys.compactMap { k in f.int(k).map { (k, $0) } })
    }
}

/// What `SITE` answers: the site's name, time zone, languages and service day.
public struct SiteInfo: Equatable, Sendable {
    public var name: String
    public var timeZone: String
    public var languages: [String]
    public var day: String

    public init(name: String, timeZone: String, languages: [String], day: String) {
        self.name = name
        self.timeZone = timeZone
        self.languages = languages
        self.day = day
    }
}

/// What `TICKET` answers: a ticket's state, and its place and wait or its counter.
public struct TicketInfo: Equatable, Sendable {
    public var number: String
    public var state: String
    public var queue: String
    public var position: Int?
    public var wait: Int?
    public var counter: String?
    public var priority: Int

    public init(
        number: String, state: String, queue: String, position: Int? = nil, wait: Int? = nil, counter: String? = nil,
        priority: Int = 0
    ) {
        self.number = number
        self.state = state
        self.queue = queue
        self.position = position
        self.wait = wait
        self.counter = counter
        self.priority = priority
    }
}

/// What `ISSUE` answers: the number, its place and wait; `again` when the same key had issued it already (with
/// its state when it no longer waits).
public struct IssuedTicket: Equatable, Sendable {
    public var number: String
    public var queue: String
    public var position: Int
    public var wait: Int
    public var state: String?
    public var again: Bool

    public init(number: String, queue: String, position: Int, wait: Int, state: String? = nil, again: Bool = false) {
        self.number = number
        self.queue = queue
        self.position = position
        self.wait = wait
        self.state = state
        self.again = again
    }
}

/// An appointment as `BOOK` answers it and `BOOKINGS` lists it.
public struct BookingInfo: Equatable, Sendable {
    public var ref: String
    public var queue: String
    /// The due time with the site's offset.
    public var due: String
    public var counter: String?
    public var minutes: Int?
    /// `booked` until checked in, then its ticket's state (`waiting`, `called`, `done`, ...).
    public var state: String
    /// The ticket its check-in issued.
    public var ticket: String?
    /// `BOOK` of the same appointment again: nothing changed.
    public var again: Bool

    public init(
        ref: String, queue: String, due: String, counter: String? = nil, minutes: Int? = nil, state: String = "booked",
        ticket: String? = nil, again: Bool = false
    ) {
        self.ref = ref
        self.queue = queue
        self.due = due
        self.counter = counter
        self.minutes = minutes
        self.state = state
        self.ticket = ticket
        self.again = again
    }

    public var line: String {
        var w = LineWriter(ref)
        w.field("queue", queue)
        w.field("due", due)
        if let counter { w.field("counter", counter) }
        if let minutes { w.field("minutes", minutes) }
        w.field("state", state)
        if let ticket { w.field("ticket", ticket) }
        if again { w.field("again", 1) }
        return w.text
    }

    public init?(line: String) {
        guard let f = Fields.split(line), let ref = f.words.first, let q = f["queue"], let due = f["due"],
            let state = f["state"]
        else { return nil }
        self.init(
            ref: ref, queue: q, due: due, counter: f["counter"], minutes: f.int("minutes"), state: state,
            ticket: f["ticket"], again: f["again"] == "1")
    }
}

/// What `CHECKIN` answers: the ticket, its place and wait, how the arrival stood against the due time.
public struct CheckInInfo: Equatable, Sendable {
    public var number: String
    public var queue: String
    public var position: Int
    public var wait: Int
    /// `early`, `on-time` or `late`.
    public var arrival: String
    /// The due time it is called at (site's offset); nil for a late visitor who got a walk-in's number.
    public var booked: String?
    /// For an early arrival: the first time it may be called.
    public var from: String?
    /// The counter or room it is booked to.
    public var counter: String?
    public var again: Bool

    public init(
        number: String, queue: String, position: Int, wait: Int, arrival: String, booked: String? = nil,
        from: String? = nil, counter: String? = nil, again: Bool = false
    ) {
        self.number = number
        self.queue = queue
        self.position = position
        self.wait = wait
        self.arrival = arrival
        self.booked = booked
        self.from = from
        self.counter = counter
        self.again = again
    }

    public var line: String {
        var w = LineWriter("OK \(number)")
        w.field("queue", queue)
        w.field("position", position)
        w.field("wait", wait)
        w.field("arrival", arrival)
        if let booked { w.field("booked", booked) }
        if let from { w.field("from", from) }
        if let counter { w.field("counter", counter) }
        if again { w.field("again", 1) }
        return w.text
    }

    init?(fields f: Fields) {
        guard let t = f.words.first, let q = f["queue"], let p = f.int("position"), let w = f.int("wait"),
            let arrival = f["arrival"]
        else { return nil }
        self.init(
            number: t, queue: q, position: p, wait: w, arrival: arrival, booked: f["booked"], from: f["from"],
            counter: f["counter"], again: f["again"] == "1")
    }
}

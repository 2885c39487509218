// The service centre's state: queues, counters and today's tickets, rebuilt from a snapshot; the read side.

/// The centre's whole state and every rule of it. Pure: no I/O, time from the injected clock.
///
/// Commands (in `Centre+Commands.swift`) validate first and change nothing when they throw. Each change is
/// appended to `changes`, which the owner commits to the store and clears with `takeChanges()`.
public final class Centre {
    public private(set) var config: CentreConfig
    public let calendar: ServiceCalendar
    public let clock: Clock
    public internal(set) var today: ServiceDay

    /// The live tickets (and, without an archive, every ticket of the day). With an archive, a ticket that ends is
    /// let go once its change is taken for the store, and read back from the archive when asked for.
    var tickets: [Int64: Ticket] = [:]
    /// Where finished tickets are read from; nil keeps every ticket of the day in memory.
    public var archive: TicketArchive?
    /// Tickets that ended since the changes were last taken: let go then.
    var finishedSinceTaken: [Int64] = []
    /// Today's numbers, each to its latest ticket (at most 999 a queue).
    var byNumber: [String: Int64] = [:]
    /// Today's tickets by the key their `ISSUE` carried.
    var byRequest = RequestIndex()
    /// Queues whose numbering or service times changed since the changes were last taken.
    var queueDaysChanged: Set<QueueID> = []
    var queues: [QueueID: QueueLine] = [:]
    /// Configured queues in configuration order, then removed queues that still hold tickets.
    public internal(set) var queueOrder: [QueueID] = []
    /// Set through `store(_:)` whenever a counter's queues or pause may change (the open-counter counts follow).
    var counters: [CounterID: CounterRecord] = [:]
    /// Open counters per queue, counted again after a counter's queues or pause changed.
    private var servingCounts: [QueueID: Int]?

    /// Keeps a counter's record; the open-counter counts are redone when its queues or pause changed.
    func store(_ c: CounterRecord) {
        let old = counters.updateValue(c, forKey: c.id)
        if old?.paused != c.paused || old?.queues != c.queues { servingCounts = nil }
    }
    public private(set) var counterOrder: [CounterID] = []
    /// Per issuing queue: the number part last handed out today.
    var lastSeq: [QueueID: Int] = [:]
    /// Per issuing queue: number parts of today's tickets still waiting or called.
    var activeSeqs: [QueueID: Set<Int>] = [:]
    var nextID: Int64
    /// Today's latest calls, newest first.
    var recentCalls: [RecentCall] = []
    public static let recentCallsKept = 100

    var changes: [Change] = []
    /// Appointments of today and later, by reference.
    var appointments: [String: Appointment] = [:]
    /// Per queue, today's booked visits still to be served, by due time: what the walk-ins' estimates leave room
    /// for. Built again after any appointment or booked ticket changes.
    var bookedSlots: [QueueID: [BookedSlot]]?
    /// Each counter's own line: tickets sent to it by name, and bookings for it, by rank.
    var counterLines: [CounterID: [LineEntry]] = [:]
    /// Kiosks by name, as they last reported.
    var kiosks: [String: KioskRecord] = [:]
    /// Queues whose figures (waiting, wait, open) may have changed since `takeDirtyQueues()`.
    var dirtyQueues: Set<QueueID> = []

    /// Marks queues whose figures the owner wants published again (for example when hours open or close them).
    public func markDirty<S: Sequence>(_ ids: S) where S.Element == QueueID { dirtyQueues.formUnion(ids) }

    public var hasDirtyQueues: Bool { !dirtyQueues.isEmpty }

    /// Builds the state from what the store holds. Open tickets of earlier days are expired, as changes to commit.
    public init(config: CentreConfig, clock: Clock, snapshot: Snapshot, archive: TicketArchive? = nil) {
        self.archive = archive
        guard let calendar = ServiceCalendar(timeZoneIdentifier: config.timeZone) else {
            preconditionFailure("time zone \(config.timeZone) was not validated")
        }
        self.config = config
        self.calendar = calendar
        self.clock = clock
        let now = clock.now()
        today = calendar.day(containing: now)
        nextID = snapshot.maxTicketID + 1
        for q in config.queues {
            queues[q.id] = QueueLine(config: q)
            queueOrder.append(q.id)
        }
        for q in snapshot.closedQueues { queues[q]?.closed = true }
        for k in snapshot.kiosks { kiosks[k.name] = k }
        for a in snapshot.appointments where a.day >= today.date { appointments[a.ref] = a }

        var openTickets: [Ticket] = []
        for var t in snapshot.tickets {
            if t.state.isOpen && t.day < today.date {
                t.state = .expired
                t.finishedAt = now
                changes.append(.ticket(t))
                continue
            }
            if t.state.isOpen { openTickets.append(t) }
            tickets[t.id] = t
        }
        // A queue gone from the configuration keeps serving the tickets it holds.
        for t in openTickets where queues[t.queue] == nil {
            var line = QueueLine(
                config: QueueConfig(id: t.queue, prefix: String(t.number.prefix { $0.isLetter }), names: [:]))
            line.removed = true
            queues[t.queue] = line
            queueOrder.append(t.queue)
        }
        byRequest = snapshot.requests
        for t in tickets.values.sorted(by: { $0.id < $1.id }) where t.day == today.date {
            byNumber[t.number] = t.id
            lastSeq[t.origin] = t.seq
            if let key = t.request {
                byRequest.insert(key, t.id, keyOf: { [tickets] in tickets[$0]?.request ?? archive?.ticket(id: $0)?.request })
            }
        }
        for d in snapshot.queueDays where d.day == today.date {
            lastSeq[d.queue] = d.lastSeq
            queues[d.queue]?.recentServices = Array(d.services.suffix(20))
        }
        for t in openTickets {
            activeSeqs[t.origin, default: []].insert(t.seq)
            if t.state == .waiting { enqueue(t) }
        }
        recentCalls = Array(snapshot.recentCalls.filter { today.contains($0.at) }.prefix(Centre.recentCallsKept))

        let records = Dictionary(snapshot.counters.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for c in config.counters {
            var record =
                records[c.id] ?? CounterRecord(id: c.id, queues: c.queues, paused: false, current: nil, streak: 0)
            let removedServed = record.queues.filter { queues[$0]?.removed == true }
            record.queues = record.explicit ? record.queues.filter { queues[$0] != nil } : c.queues + removedServed
            if let cur = record.current, tickets[cur]?.state != .called || tickets[cur]?.counter != c.id {
                record.current = nil
            }
            if records[c.id] != record { changes.append(.counter(record)) }
            store(record)
            counterOrder.append(c.id)
        }
        // A ticket called to a counter that is gone from the configuration would stay called all day, where nobody
        // can end it: it ends as done, as that counter's next call would have ended it.
        let current = Set(counters.values.compactMap(\.current))
        for t in openTickets where t.state == .called && !current.contains(t.id) {
            var ended = t
            ended.state = .done
            ended.finishedAt = now
            release(ended)
            endedAtRemovedCounters.append(ended)
        }
        dirtyQueues = Set(queueOrder)
    }

    /// Tickets that `init` ended as done because the counter they were called to is no longer configured.
    public private(set) var endedAtRemovedCounters: [Ticket] = []

    /// The state as the store would hold it, to rebuild the centre under a new configuration.
    public func snapshot() -> Snapshot {
        Snapshot(
            tickets: Array(tickets.values), counters: Array(counters.values),
            closedQueues: Set(queues.values.filter(\.closed).map(\.config.id)), maxTicketID: nextID - 1,
            kiosks: Array(kiosks.values), appointments: Array(appointments.values),
            queueDays: queueOrder.map(queueDay), recentCalls: recentCalls, requests: byRequest)
    }

    func queueDay(_ id: QueueID) -> QueueDay {
        QueueDay(queue: id, day: today.date, lastSeq: lastSeq[id] ?? 0, services: queues[id]?.recentServices ?? [])
    }

    /// The changes made since the last call, for the store to commit. With an archive, the tickets that ended are
    /// let go: from now on they are the store's.
    public func takeChanges() -> [Change] {
        for id in queueDaysChanged.sorted() { changes.append(.queueDay(queueDay(id))) }
        queueDaysChanged.removeAll(keepingCapacity: true)
        if archive != nil {
            for id in finishedSinceTaken where tickets[id]?.state.isOpen == false { tickets[id] = nil }
        }
        finishedSinceTaken.removeAll(keepingCapacity: true)
        defer { changes.removeAll(keepingCapacity: true) }
        return changes
    }

    public var hasChanges: Bool { !changes.isEmpty || !queueDaysChanged.isEmpty }

    public func takeDirtyQueues() -> Set<QueueID> {
        defer { dirtyQueues.removeAll(keepingCapacity: true) }
        return dirtyQueues
    }

    // MARK: reading

    /// The counter's configuration; nil for one that is not configured.
    public func counterConfig(_ id: CounterID) -> CounterConfig? { config.counters.first { $0.id == id } }

    /// The queue's configuration, also for a removed queue.
    public func queueConfig(_ id: QueueID) -> QueueConfig? { queues[id]?.config }

    public func isRemoved(_ id: QueueID) -> Bool { queues[id]?.removed ?? false }

    /// Whether the queue hands out tickets at `t`: not closed, not removed, not a holiday, within its hours.
    public func isOpen(_ id: QueueID, at t: Millis? = nil) -> Bool {
        guard let q = queues[id], !q.removed, !q.closed else { return false }
        // In the current minute: hours and holidays change only on whole minutes, so the answer is kept for the
        // minute (ISSUE and every queue's figures ask it).
        let now = clock.now()
        let minute = now.floorDiv(60_000)
        let at = t ?? now
        guard at.floorDiv(60_000) == minute else { return isOpenByHours(q, at: at) }
        if minute != openMinute {
            openMinute = minute
            openByHours.removeAll(keepingCapacity: true)
        }
        if let open = openByHours[id] { return open }
        let open = isOpenByHours(q, at: at)
        openByHours[id] = open
        return open
    }

    /// The minute `openByHours` holds answers for.
    private var openMinute: Millis = .min
    private var openByHours: [QueueID: Bool] = [:]

    /// The queue's periods on a date: none on a holiday, else its own special hours for the date, else the
    /// centre's, else its weekly hours (all day when it has none).
    func periods(_ q: QueueConfig, date: String, weekday: Int) -> [OpenPeriod] {
        if config.holidays.contains(date) { return [] }
        if let special = q.specialHours[date] ?? config.specialHours[date] { return special }
        return q.hours?.days[weekday - 1] ?? [OpenPeriod(start: 0, end: 1440)]
    }

    private func isOpenByHours(_ q: QueueLine, at t: Millis) -> Bool {
        let c = calendar.civil(t)
        let minute = c.minuteOfDay
        guard
            let p = periods(q.config, date: c.dateString, weekday: c.weekday).first(where: {
                minute >= $0.start && minute < $0.end
            })
        else { return false }
        return minute < p.end - q.config.lastTicketBeforeClose
    }

    /// When a queue closed by its hours, a holiday or special hours opens next; nil when closed by hand, removed
    /// or not opening within about a year.
    public func opensAt(_ id: QueueID, after now: Millis) -> Millis? {
        guard let q = queues[id], !q.removed, !q.closed else { return nil }
        // Weekly hours without any period open only on special dates: none after the last of them.
        let lastSpecial = (Array(q.config.specialHours.keys) + Array(config.specialHours.keys)).max() ?? ""
        let weeklyNever = q.config.hours?.days.allSatisfy(\.isEmpty) ?? false
        var day = calendar.day(containing: now)
        for ahead in 0..<400 {
            if ahead > 0 { day = calendar.day(containing: day.end) }
            let c = calendar.civil(ahead == 0 ? now : day.start)
            if weeklyNever && c.dateString > lastSpecial { return nil }
            for p in periods(q.config, date: c.dateString, weekday: c.weekday)
            where ahead > 0 || p.start > c.minuteOfDay {
                let t = calendar.instant(daysAfter: 0, of: day.start, minute: p.start)
                if isOpen(id, at: t) { return t }
            }
        }
        return nil
    }

    /// Counters serving the queue that are not paused.
    public func openCounters(serving id: QueueID) -> Int {
        if let counts = servingCounts { return counts[id] ?? 0 }
        var counts: [QueueID: Int] = [:]
        for c in counters.values where !c.paused {
            for q in Set(c.queues) { counts[q, default: 0] += 1 }
        }
        servingCounts = counts
        return counts[id] ?? 0
    }

    /// Estimated wait in whole seconds for the walk-in at `position`: the services ahead of it (and of the tickets
    /// sent to a counter's own line), and the booked visits due before it is reached, shared among the open
    /// counters.
    public func estimate(queue id: QueueID, position: Int) -> Int {
        guard let q = queues[id] else { return 0 }
        let counters = Double(max(1, openCounters(serving: id)))
        let ahead = Double(position + q.held) * q.meanServiceTime
        var wait = ahead / counters
        if let slots = slots(of: id), !slots.isEmpty {
            // Slots due within the wait lengthen it, which may bring more slots within it: a few rounds settle it.
            let now = clock.now()
            for _ in 0..<4 {
                let booked = bookedSeconds(slots, until: now + Millis(wait * 1000), mean: q.meanServiceTime)
                let longer = (ahead + booked) / counters
                if longer == wait { break }
                wait = longer
            }
        }
        return Int(wait.rounded())
    }

    /// A queue's figures, as `STATUS` and the queue events give them.
    public struct QueueFigures: Equatable, Sendable {
        public var id: QueueID
        public var open: Bool
        public var waiting: Int
        /// The estimate a normal ticket issued now would get.
        public var wait: Int
        public var counters: Int
        /// When closed by its hours or a holiday: when it opens next (within a week), for the signs.
        public var opensAt: Millis?
    }

    /// Whether the queue issues now and, when closed by its hours or a holiday, when it opens next within a week
    /// (what the signs say).
    public func opening(_ id: QueueID) -> (open: Bool, opensAt: Millis?) {
        let now = clock.now()
        if isOpen(id, at: now) { return (true, nil) }
        return (false, opensAt(id, after: now).flatMap { $0 - now <= 7 * 86_400_000 ? $0 : nil })
    }

    public func figures(_ id: QueueID) -> QueueFigures? {
        guard let q = queues[id] else { return nil }
        let (open, opens) = opening(id)
        return QueueFigures(
            id: id, open: open, waiting: q.waiting,
            wait: estimate(queue: id, position: q.positionForNew(priority: 0)),
            counters: openCounters(serving: id), opensAt: opens)
    }

    /// Seconds the longest-waiting ticket of the queue has waited in it (since its issue, or its transfer
    /// there); nil when none waits. What a manager is alerted on: a visitor forgotten in a slow queue.
    public func longestWait(_ id: QueueID) -> Int? {
        guard let q = queues[id], q.waiting > 0 else { return nil }
        var since = Millis.max
        for line in q.lines {
            for e in line { if let t = tickets[e.id], t.waitingSince < since { since = t.waitingSince } }
        }
        return since == .max ? nil : Int(max(0, clock.now() - since) / 1000)
    }

    /// A ticket as `TICKET` shows it.
    public struct TicketView: Equatable, Sendable {
        public var ticket: Ticket
        /// Position and estimate while waiting.
        public var position: Int?
        public var wait: Int?
    }

    /// The live ticket with this id (or, without an archive, any of today's).
    public func ticket(id: Int64) -> Ticket? { tickets[id] }

    /// The ticket with this id, live or read back from the archive.
    public func anyTicket(id: Int64) -> Ticket? { tickets[id] ?? archive?.ticket(id: id) }

    /// Today's most recent ticket with this number.
    public func lookup(_ number: String) -> Ticket? {
        if let id = byNumber[number] { return anyTicket(id: id) }
        return archive?.latest(number: number, day: today.date)
    }

    /// Today's ticket issued for this `ISSUE` key.
    public func ticket(request key: String) -> Ticket? {
        guard let id = byRequest.candidate(key), let t = anyTicket(id: id), t.request == key, t.day == today.date else {
            return nil
        }
        return t
    }

    public func view(_ number: String) throws(CentreError) -> TicketView {
        guard let t = lookup(number) else { throw .unknownTicket(number) }
        return view(t)
    }

    /// Today's ticket issued for the `ISSUE` key `request`, as `TICKET` shows it: what its web page shows.
    public func view(request key: String) -> TicketView? { ticket(request: key).map(view) }

    func view(_ t: Ticket) -> TicketView {
        guard t.state == .waiting, let q = queues[t.queue] else { return TicketView(ticket: t) }
        if let c = t.forCounter {
            // The counter's own line: served one by one by that counter, a booking not before its time.
            let line = counterLines[c] ?? []
            let position = line.partitioningIndex { !($0 < t.entry) } + 1
            let byLine = Int((Double(position - 1) * q.meanServiceTime).rounded())
            return TicketView(ticket: t, position: position, wait: max(byLine, untilDue(t)))
        }
        if t.due != nil {
            return TicketView(ticket: t, position: q.bookedPosition(of: t.entry), wait: untilDue(t))
        }
        let position = q.position(of: t.entry, priority: t.priority)
        return TicketView(ticket: t, position: position, wait: estimate(queue: t.queue, position: position))
    }

    /// Seconds until a booked ticket's due time (0 for one due, or not booked).
    func untilDue(_ t: Ticket) -> Int {
        guard let due = t.due else { return 0 }
        return Int(max(0, due - clock.now()) / 1000)
    }

    public func counter(_ id: CounterID) -> CounterRecord? { counters[id] }

    /// The counter's current ticket, if it serves one.
    public func currentTicket(of id: CounterID) -> Ticket? { counters[id]?.current.flatMap { tickets[$0] } }

    /// The number a queue called last today: how far it has got.
    public func lastCalled(in queue: QueueID) -> String? { recentCalls.first { $0.queue == queue }?.number }

    /// Today's latest calls, newest first.
    public func latestCalls(_ n: Int) -> [RecentCall] { Array(recentCalls.prefix(n)) }

    /// Every ticket of today the centre holds, in issue order: all of them without an archive (with one, the
    /// store has the day's tickets).
    public var todaysTickets: [Ticket] { tickets.values.filter { $0.day == today.date }.sorted { $0.id < $1.id } }

    /// Tickets waiting in all queues.
    public var waitingCount: Int { queues.values.reduce(0) { $0 + $1.waiting } }
}

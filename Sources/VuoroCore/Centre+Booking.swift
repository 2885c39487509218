// Booked visits beside walk-ins: appointments in (BOOK, UNBOOK), check-in, calling at the due time; and a
// counter's own line (PARK, TRANSFER c counter=).

/// A booked visit still to be served today: what the walk-ins' estimates leave room for.
struct BookedSlot {
    var due: Millis
    /// Its length in seconds; nil: the queue's mean service time.
    var seconds: Int?
    /// Not checked in: the slot lapses after the grace.
    var lapsesAt: Millis?
}

extension Centre {
    /// What `CHECKIN` answers.
    public struct CheckedIn: Equatable, Sendable {
        public var ticket: Ticket
        public var position: Int
        public var wait: Int
        public var appointment: Appointment
        public var arrival: Arrival
        /// The appointment was checked in before: its ticket as it is now, nothing changed.
        public var again = false
    }

    // MARK: the queue's rules

    /// Milliseconds before the due time from which a checked-in booking may be called.
    public func earlyWindow(_ q: QueueID) -> Millis {
        Millis(queues[q]?.config.bookingEarly ?? config.bookingEarly) * 60_000
    }

    func grace(_ q: QueueID) -> Millis { Millis(queues[q]?.config.bookingGrace ?? config.bookingGrace) * 60_000 }

    func latePolicy(_ q: QueueID) -> LatePolicy { queues[q]?.config.bookingLate ?? config.bookingLate }

    // MARK: appointments

    /// Adds an appointment, or with `move` replaces the one with its reference (another time, queue or counter).
    /// The same appointment sent again changes nothing. Returns it, and whether it changed anything.
    public func book(_ a: Appointment, move: Bool = false) throws(CentreError) -> (Appointment, changed: Bool) {
        rollDayIfNeeded()
        let now = clock.now()
        guard let q = queues[a.queue], !q.removed else { throw .unknownQueue(a.queue) }
        if let c = a.counter, counterConfig(c) == nil { throw .unknownCounter(c) }
        if let m = a.minutes, !(1...480).contains(m) { throw .badArgument("minutes must be 1 to 480") }
        var a = a
        a.day = calendar.day(containing: a.due).date
        a.ticket = nil
        a.checkedInAt = nil
        if let old = appointments[a.ref] {
            if old.sameBooking(as: a) { return (old, false) }
            guard move else { throw .bookingExists(a.ref) }
            guard old.ticket == nil else {
                throw .badArgument("\(a.ref) is checked in already; it can no longer be moved")
            }
        }
        guard a.due > now else { throw .badArgument("\(calendar.timestamp(a.due)) is in the past") }
        guard a.due - now <= 400 * 86_400_000 else { throw .badArgument("a booking is at most 400 days ahead") }
        let c = calendar.civil(a.due)
        let open = periods(q.config, date: c.dateString, weekday: c.weekday).contains {
            c.minuteOfDay >= $0.start && c.minuteOfDay < $0.end
        }
        guard open else { throw .badArgument("\(a.queue) is closed at \(calendar.timestamp(a.due))") }
        appointments[a.ref] = a
        changes.append(.appointment(a))
        bookingsChanged(a.queue)
        return (a, true)
    }

    /// Cancels an appointment not checked in yet.
    public func unbook(_ ref: String) throws(CentreError) -> Appointment {
        rollDayIfNeeded()
        guard let a = appointments[ref] else { throw .unknownBooking(ref) }
        if let id = a.ticket {
            let number = anyTicket(id: id)?.number ?? "a ticket"
            throw .badArgument("\(ref) is checked in as \(number); cancel or end that ticket instead")
        }
        appointments[ref] = nil
        changes.append(.appointmentGone(ref))
        bookingsChanged(a.queue)
        return a
    }

    /// The appointments of a day from today on (of one queue, or all), by due time.
    public func bookings(queue: QueueID? = nil, day: String) -> [Appointment] {
        appointments.values.filter { $0.day == day && (queue == nil || $0.queue == queue) }
            .sorted { ($0.due, $0.ref) < ($1.due, $1.ref) }
    }

    public func appointment(_ ref: String) -> Appointment? { appointments[ref] }

    /// Checks a visitor in by the appointment's reference: a ticket of its queue called at its due time (not before
    /// the early window); after the grace a walk-in's ticket, or `late` where the queue sends late visitors to the
    /// information desk. `force` (staff at the desk) checks in a late visitor as booked, due now.
    public func checkIn(
        _ ref: String, lang: String? = nil, request: String? = nil, force: Bool = false
    ) throws(CentreError) -> CheckedIn {
        rollDayIfNeeded()
        guard var a = appointments[ref] else { throw .unknownBooking(ref) }
        guard a.day == today.date else { throw .wrongDay(ref: ref, day: a.day) }
        if let id = a.ticket, let t = anyTicket(id: id) {
            let v = view(t)
            return CheckedIn(
                ticket: t, position: v.position ?? 0, wait: v.wait ?? 0, appointment: a,
                arrival: t.due == nil ? .late : .onTime, again: true)
        }
        if let request, let other = ticket(request: request) {
            throw .badArgument("id=\(request) was used today for another ticket (\(other.number))")
        }
        try checkLanguage(lang)
        guard let q = queues[a.queue], !q.removed else { throw .unknownQueue(a.queue) }
        let now = clock.now()
        let arrival: Arrival =
            now > a.due + grace(a.queue) ? .late : now < a.due - earlyWindow(a.queue) ? .early : .onTime
        var t = try newTicket(queue: a.queue, priority: 0, lang: lang, request: request)
        t.booking = ref
        if arrival != .late || force {
            t.due = arrival == .late ? now : a.due
            t.rank = t.due!
            t.forCounter = a.counter
        } else if latePolicy(a.queue) == .desk {
            throw .late(ref: ref, due: a.due)
        } else {
            guard isOpen(a.queue, at: now) else { throw .queueClosed(a.queue, opensAt: opensAt(a.queue, after: now)) }
        }
        t.estimate = t.due == nil ? estimate(queue: a.queue, position: q.positionForNew(priority: 0)) : untilDue(t)
        admit(t)
        a.ticket = t.id
        a.checkedInAt = now
        appointments[ref] = a
        changes.append(.appointment(a))
        bookingsChanged(a.queue)
        let v = view(t)
        return CheckedIn(ticket: t, position: v.position ?? 0, wait: v.wait ?? 0, appointment: a, arrival: arrival)
    }

    /// The queue's booked slots, built again when bookings changed.
    func slots(of queue: QueueID) -> [BookedSlot]? {
        if bookedSlots == nil {
            var all: [QueueID: [BookedSlot]] = [:]
            for a in appointments.values where a.day == today.date {
                if let id = a.ticket {
                    guard let t = tickets[id], t.state == .waiting, t.due != nil else { continue }
                    all[t.queue, default: []].append(BookedSlot(due: a.due, seconds: a.minutes.map { $0 * 60 }))
                } else {
                    all[a.queue, default: []].append(
                        BookedSlot(due: a.due, seconds: a.minutes.map { $0 * 60 }, lapsesAt: a.due + grace(a.queue)))
                }
            }
            for k in all.keys { all[k]!.sort { $0.due < $1.due } }
            bookedSlots = all
        }
        return bookedSlots![queue]
    }

    /// Seconds of booked service due before `until` and still to come.
    func bookedSeconds(_ slots: [BookedSlot], until: Millis, mean: Double) -> Double {
        let now = clock.now()
        var total = 0.0
        for s in slots {
            guard s.due <= until else { break }
            if let lapses = s.lapsesAt, lapses < now { continue }
            total += s.seconds.map(Double.init) ?? mean
        }
        return total
    }

    /// Appointments or booked tickets of the queue changed: its slots are built again, its figures published.
    func bookingsChanged(_ queue: QueueID) {
        bookedSlots = nil
        dirtyQueues.insert(queue)
    }

    // MARK: the lines

    /// Puts a waiting ticket in its line: its counter's own, its queue's booked visits, or its queue's walk-ins.
    func enqueue(_ t: Ticket) {
        if let c = t.forCounter {
            counterLines[c, default: []].insertSorted(t.entry)
            queues[t.queue]?.waiting += 1
            queues[t.queue]?.held += 1
        } else if t.due != nil {
            queues[t.queue]?.insertBooked(t.entry)
        } else {
            queues[t.queue]?.insert(t.entry, priority: t.priority)
        }
    }

    func removeFromLine(_ t: Ticket) {
        if let c = t.forCounter {
            if counterLines[c]?.removeSorted(t.entry) == true {
                queues[t.queue]?.waiting -= 1
                queues[t.queue]?.held -= 1
            }
        } else if t.due != nil {
            queues[t.queue]?.removeBooked(t.entry)
        } else {
            queues[t.queue]?.remove(t.entry, priority: t.priority)
        }
    }

    /// What the counter calls next, in this order: its own line (a booking there once due); the booked visits due
    /// in its queues, earliest first; the walk-ins, by the fairness rule; and, when no walk-in waits, a booking
    /// within its early window.
    func next(for counter: CounterRecord) -> Int64? {
        let now = clock.now()
        let own = counterLines[counter.id]?.first
        if let own, own.rank <= now { return own.id }
        var due: LineEntry?
        var early: LineEntry?
        if let own, own.rank - earlyWindow(tickets[own.id]?.queue ?? "") <= now { early = own }
        for qid in counter.queues {
            guard let head = queues[qid]?.booked.first else { continue }
            if head.rank <= now {
                if due.map({ head < $0 }) ?? true { due = head }
            } else if head.rank - earlyWindow(qid) <= now, early.map({ head < $0 }) ?? true {
                early = head
            }
        }
        if let due { return due.id }
        return choose(for: counter) ?? early?.id
    }

    // MARK: park and send to a counter

    /// Puts the counter's current visitor aside: the ticket is parked at the counter (not a no-show) until a
    /// counter calls it back with `CALL c ticket=`.
    public func park(counter cid: CounterID) throws(CentreError) -> Ticket {
        rollDayIfNeeded()
        guard counters[cid] != nil else { throw .unknownCounter(cid) }
        guard var t = currentTicket(of: cid) else { throw .noCurrentTicket(cid) }
        t.state = .parked
        tickets[t.id] = t
        changes.append(.ticket(t))
        counters[cid]!.current = nil
        changes.append(.counter(counters[cid]!))
        return t
    }

    /// Tickets parked at the counter, in the order they were called.
    public func parked(at cid: CounterID) -> [Ticket] {
        tickets.values.filter { $0.state == .parked && $0.counter == cid }
            .sorted { ($0.calledAt ?? 0, $0.id) < ($1.calledAt ?? 0, $1.id) }
    }

    /// Sends the counter's current visitor to another counter's own line (the doctor who asks for a lab result):
    /// called there before that counter's queues. The ticket stays in its queue when that counter serves it, else
    /// joins the counter's first queue.
    public func transfer(counter cid: CounterID, toCounter target: CounterID) throws(CentreError) -> Issued {
        rollDayIfNeeded()
        guard counters[cid] != nil else { throw .unknownCounter(cid) }
        guard let to = counters[target] else { throw .unknownCounter(target) }
        guard target != cid else { throw .badArgument("the visitor is at counter \(cid) already") }
        guard var t = currentTicket(of: cid) else { throw .noCurrentTicket(cid) }
        let now = clock.now()
        if !to.queues.contains(t.queue), let first = to.queues.first, queues[first] != nil { t.queue = first }
        t.state = .waiting
        t.forCounter = target
        t.due = nil
        t.waitingSince = now
        t.rank = now
        t.transfers += 1
        t.calledAt = nil
        t.calls = 0
        tickets[t.id] = t
        changes.append(.ticket(t))
        enqueue(t)
        counters[cid]!.current = nil
        changes.append(.counter(counters[cid]!))
        dirtyQueues.insert(t.queue)
        let v = view(t)
        return Issued(ticket: t, position: v.position ?? 1, wait: v.wait ?? 0)
    }
}

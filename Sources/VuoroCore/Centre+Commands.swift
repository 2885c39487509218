// The centre's commands: issue, call, recall, finish, transfer, cancel, serve, pause, open, close, day change.

extension Centre {
    /// What `ISSUE` answers.
    public struct Issued: Equatable, Sendable {
        public var ticket: Ticket
        /// Position and estimate now; 0 for a ticket answered again that no longer waits.
        public var position: Int
        public var wait: Int
        /// The ticket was issued earlier for the same key: nothing changed.
        public var again = false
    }

    /// What `CALL` answers: the ticket called (nil when nothing waits) and the one it finished first.
    public struct Called: Equatable, Sendable {
        public var ticket: Ticket?
        public var finished: Ticket?
        /// Seconds the called ticket waited in its queue.
        public var waited: Int
    }

    /// Starts a new service day when `now` has passed midnight: open tickets expire, numbering restarts.
    /// Returns true when a day change happened.
    @discardableResult
    public func rollDayIfNeeded() -> Bool {
        let now = clock.now()
        guard now >= today.end else { return false }
        for var t in tickets.values where t.state.isOpen {
            t.state = .expired
            t.finishedAt = now
            changes.append(.ticket(t))
        }
        tickets.removeAll()
        byNumber.removeAll()
        byRequest.removeAll()
        lastSeq.removeAll()
        activeSeqs.removeAll()
        recentCalls.removeAll()
        queueDaysChanged.removeAll()
        finishedSinceTaken.removeAll()
        for id in queueOrder { queues[id]!.clear() }
        counterLines.removeAll()
        bookedSlots = nil
        queueOrder.removeAll { queues[$0]!.removed && queues[$0]!.waiting == 0 }
        for id in counterOrder where counters[id]!.current != nil || counters[id]!.streak != 0 {
            counters[id]!.current = nil
            counters[id]!.streak = 0
            changes.append(.counter(counters[id]!))
        }
        forgetSilentKiosks(now: now)
        today = calendar.day(containing: now)
        appointments = appointments.filter { $0.value.day >= today.date }
        dirtyQueues.formUnion(queueOrder)
        return true
    }

    /// Refuses a language the site does not have.
    public func checkLanguage(_ lang: String?) throws(CentreError) {
        if let lang, !config.languages.contains(lang) {
            throw .badArgument("lang must be one of \(config.languages.joined(separator: ","))")
        }
    }

    /// Hands out the queue's next number. With a `request` key already used today, hands back the ticket issued
    /// for it, as it is now, and changes nothing: the client sent the request again because it lost the reply.
    public func issue(
        queue id: QueueID, priority: Int = 0, lang: String? = nil, request: String? = nil
    ) throws(CentreError) -> Issued {
        rollDayIfNeeded()
        if let request, let t = ticket(request: request) {
            guard t.origin == id, t.priority == priority else {
                throw .badArgument("id=\(request) was used today for another ISSUE (\(t.number))")
            }
            let v = view(t)
            return Issued(ticket: t, position: v.position ?? 0, wait: v.wait ?? 0, again: true)
        }
        let now = clock.now()
        guard let q = queues[id], !q.removed else { throw .unknownQueue(id) }
        guard (0...9).contains(priority) else { throw .badArgument("priority must be 0 to 9") }
        try checkLanguage(lang)
        guard isOpen(id, at: now) else { throw .queueClosed(id, opensAt: opensAt(id, after: now)) }
        var t = try newTicket(queue: id, priority: priority, lang: lang, request: request)
        let position = q.positionForNew(priority: priority)
        t.estimate = estimate(queue: id, position: position)
        admit(t)
        return Issued(ticket: t, position: position, wait: t.estimate)
    }

    /// The queue's next number as a waiting ticket, not yet admitted: `ISSUE` and `CHECKIN` complete it.
    func newTicket(queue id: QueueID, priority: Int, lang: String?, request: String?) throws(CentreError) -> Ticket {
        let active = activeSeqs[id] ?? []
        guard active.count < 999, let q = queues[id] else { throw .queueFull(id) }
        var seq = lastSeq[id] ?? 0
        repeat { seq = seq == 999 ? 1 : seq + 1 } while active.contains(seq)
        let now = clock.now()
        return Ticket(
            id: nextID, day: today.date, number: Ticket.number(prefix: q.config.prefix, seq: seq), origin: id, seq: seq,
            queue: id, priority: priority, lang: lang ?? config.languages.first, state: .waiting, issuedAt: now,
            waitingSince: now, rank: now, request: request)
    }

    /// Makes a new ticket the centre's: its number taken, in its line.
    func admit(_ t: Ticket) {
        nextID = max(nextID, t.id + 1)
        tickets[t.id] = t
        byNumber[t.number] = t.id
        if let request = t.request { byRequest.insert(request, t.id, keyOf: { anyTicket(id: $0)?.request }) }
        lastSeq[t.origin] = t.seq
        queueDaysChanged.insert(t.origin)
        activeSeqs[t.origin, default: []].insert(t.seq)
        enqueue(t)
        changes.append(.ticket(t))
        dirtyQueues.insert(t.queue)
    }

    /// Cancels a waiting ticket.
    public func cancel(_ number: String) throws(CentreError) -> Ticket {
        rollDayIfNeeded()
        guard var t = lookup(number) else { throw .unknownTicket(number) }
        guard t.state == .waiting else { throw .wrongState(number: number, state: t.state) }
        removeFromLine(t)
        t.state = .cancelled
        t.finishedAt = clock.now()
        release(t)
        return t
    }

    /// Cancels the waiting ticket issued today for the `ISSUE` key `request`.
    public func cancel(request key: String) throws(CentreError) -> Ticket {
        rollDayIfNeeded()
        guard let number = ticket(request: key)?.number else { throw .unknownTicket("for id=\(key)") }
        return try cancel(number)
    }

    /// Calls the next ticket to the counter (or the given waiting ticket), ending its current ticket as done first.
    public func call(counter cid: CounterID, ticket number: String? = nil) throws(CentreError) -> Called {
        rollDayIfNeeded()
        guard var counter = counters[cid] else { throw .unknownCounter(cid) }
        var chosen: Ticket?
        if let number {
            guard let t = lookup(number) else { throw .unknownTicket(number) }
            // A visitor marked as a no-show who comes back to the counter is called again, rather than sent to
            // the kiosk for a new number and the back of the queue; a parked one is called back.
            guard t.state == .waiting || t.state == .noshow || t.state == .parked else {
                throw .wrongState(number: number, state: t.state)
            }
            chosen = t
        }
        let finished = try? finishCurrent(of: cid, as: .done)
        counter = counters[cid]!
        if chosen == nil { chosen = next(for: counter).flatMap { tickets[$0] } }
        if counter.paused {
            counter.paused = false
            dirtyQueues.formUnion(counter.queues)
        }
        guard var t = chosen else {
            if counters[cid] != counter {
                store(counter)
                changes.append(.counter(counter))
            }
            return Called(ticket: nil, finished: finished, waited: 0)
        }
        let now = clock.now()
        let returning = t.state == .noshow
        let resumed = t.state == .parked
        if t.state == .waiting { removeFromLine(t) }
        t.state = .called
        // A parked visitor's service goes on: its first call stays the one its wait ended at.
        if !resumed { t.calledAt = now }
        t.announcedAt = now
        t.counter = cid
        t.calledQueue = t.queue
        t.calls = returning || resumed ? t.calls + 1 : 1
        if t.booking != nil { bookedSlots = nil }
        if returning {
            t.finishedAt = nil
            activeSeqs[t.origin, default: []].insert(t.seq)
        }
        tickets[t.id] = t
        changes.append(.ticket(t))
        counter.current = t.id
        counter.streak = t.priority > 0 ? counter.streak + 1 : 0
        store(counter)
        changes.append(.counter(counter))
        noteCall(t)
        dirtyQueues.insert(t.queue)
        let waited = Int(max(0, (t.calledAt ?? now) - t.waitingSince) / 1000)
        return Called(ticket: t, finished: finished, waited: waited)
    }

    /// Calls the counter's current ticket again.
    public func recall(counter cid: CounterID) throws(CentreError) -> Ticket {
        rollDayIfNeeded()
        guard counters[cid] != nil else { throw .unknownCounter(cid) }
        guard var t = currentTicket(of: cid) else { throw .noCurrentTicket(cid) }
        t.calls += 1
        t.announcedAt = clock.now()
        tickets[t.id] = t
        changes.append(.ticket(t))
        noteCall(t)
        return t
    }

    /// Ends the counter's current ticket as done or no-show.
    public func finish(counter cid: CounterID, as state: TicketState) throws(CentreError) -> Ticket {
        precondition(state == .done || state == .noshow)
        rollDayIfNeeded()
        guard counters[cid] != nil else { throw .unknownCounter(cid) }
        return try finishCurrent(of: cid, as: state)
    }

    /// Sends the counter's current ticket to wait in another queue, keeping its number.
    public func transfer(counter cid: CounterID, to qid: QueueID, front: Bool) throws(CentreError) -> Issued {
        rollDayIfNeeded()
        guard counters[cid] != nil else { throw .unknownCounter(cid) }
        guard let target = queues[qid], !target.removed else { throw .unknownQueue(qid) }
        guard var t = currentTicket(of: cid) else { throw .noCurrentTicket(cid) }
        let now = clock.now()
        t.state = .waiting
        t.queue = qid
        t.waitingSince = now
        t.rank = front ? min(now, (target.frontRank(priority: t.priority) ?? now) - 1) : now
        t.transfers += 1
        t.calledAt = nil
        t.calls = 0
        // Sent on, a booked visit waits as a walk-in of the other queue.
        t.due = nil
        t.forCounter = nil
        tickets[t.id] = t
        changes.append(.ticket(t))
        let entry = t.entry
        queues[qid]!.insert(entry, priority: t.priority)
        counters[cid]!.current = nil
        changes.append(.counter(counters[cid]!))
        dirtyQueues.insert(qid)
        let position = queues[qid]!.position(of: entry, priority: t.priority)
        return Issued(ticket: t, position: position, wait: estimate(queue: qid, position: position))
    }

    /// Sets the queues a counter serves.
    public func serve(counter cid: CounterID, queues ids: [QueueID]) throws(CentreError) -> CounterRecord {
        rollDayIfNeeded()
        guard var c = counters[cid] else { throw .unknownCounter(cid) }
        guard !ids.isEmpty else { throw .badArgument("name at least one queue") }
        for id in ids where queues[id] == nil { throw .unknownQueue(id) }
        var unique: [QueueID] = []
        for id in ids where !unique.contains(id) { unique.append(id) }
        dirtyQueues.formUnion(c.queues)
        dirtyQueues.formUnion(unique)
        c.queues = unique
        c.explicit = true
        store(c)
        changes.append(.counter(c))
        return c
    }

    /// Takes the counter out of the wait estimates until its next call.
    public func pause(counter cid: CounterID) throws(CentreError) -> CounterRecord {
        rollDayIfNeeded()
        guard var c = counters[cid] else { throw .unknownCounter(cid) }
        if !c.paused {
            c.paused = true
            store(c)
            changes.append(.counter(c))
            dirtyQueues.formUnion(c.queues)
        }
        return c
    }

    /// Closes a queue to new tickets (`closed = true`) or lifts that (`false`); its waiting tickets are still served.
    public func setClosed(_ id: QueueID, _ closed: Bool) throws(CentreError) -> Bool {
        rollDayIfNeeded()
        guard let q = queues[id], !q.removed else { throw .unknownQueue(id) }
        if q.closed != closed {
            queues[id]!.closed = closed
            changes.append(.queueClosed(id, closed))
            dirtyQueues.insert(id)
        }
        return isOpen(id)
    }

    // MARK: internals

    /// Which waiting ticket the counter takes: highest priority, then highest seconds waited × weight, then the
    /// earliest issued; after `maxPriorityStreak` priority calls while normal tickets wait, priority is ignored once.
    func choose(for counter: CounterRecord) -> Int64? {
        let now = clock.now()
        let streakRule = config.maxPriorityStreak > 0 && counter.streak >= config.maxPriorityStreak
        let ignorePriority = streakRule && counter.queues.contains { queues[$0].map { !$0.lines[0].isEmpty } ?? false }
        var best: (priority: Int, score: Double, id: Int64)?
        for qid in counter.queues {
            guard let q = queues[qid], q.waiting > 0 else { continue }
            for p in stride(from: 9, through: 0, by: -1) {
                guard let head = q.lines[p].first else { continue }
                let cand = (
                    priority: ignorePriority ? 0 : p, score: Double(now - head.rank) * q.config.weight, id: head.id
                )
                if let b = best {
                    if cand.priority < b.priority { continue }
                    if cand.priority == b.priority {
                        if cand.score < b.score { continue }
                        if cand.score == b.score && cand.id > b.id { continue }
                    }
                }
                best = cand
                if !ignorePriority { break }
            }
        }
        return best?.id
    }

    func finishCurrent(of cid: CounterID, as state: TicketState) throws(CentreError) -> Ticket {
        guard var t = currentTicket(of: cid) else { throw .noCurrentTicket(cid) }
        let now = clock.now()
        t.state = state
        t.finishedAt = now
        if state == .done, let calledAt = t.calledAt {
            queues[t.queue]?.recordService(seconds: Int(max(0, now - calledAt) / 1000))
            dirtyQueues.insert(t.queue)
            queueDaysChanged.insert(t.queue)
        }
        counters[cid]!.current = nil
        changes.append(.counter(counters[cid]!))
        release(t)
        return t
    }

    /// Stores a ticket that reached a final state and frees its number.
    func release(_ t: Ticket) {
        tickets[t.id] = t
        finishedSinceTaken.append(t.id)
        activeSeqs[t.origin]?.remove(t.seq)
        changes.append(.ticket(t))
        dirtyQueues.insert(t.queue)
        if t.booking != nil { bookedSlots = nil }
        if let q = queues[t.queue], q.removed, q.waiting == 0,
            !tickets.values.contains(where: { $0.queue == t.queue && $0.state.isOpen })
        {
            queueOrder.removeAll { $0 == t.queue }
        }
    }

    func noteCall(_ t: Ticket) {
        recentCalls.removeAll { $0.id == t.id }
        let call = RecentCall(
            id: t.id, number: t.number, queue: t.calledQueue ?? t.queue, counter: t.counter ?? "-",
            at: t.announcedAt ?? clock.now(), calls: max(1, t.calls))
        recentCalls.insert(call, at: 0)
        if recentCalls.count > Centre.recentCallsKept { recentCalls.removeLast() }
    }
}

extension Centre {
    /// What `STEPBACK` answers: the ticket, its new place and wait.
    public struct SteppedBack: Equatable, Sendable {
        public var ticket: Ticket
        public var position: Int
        public var wait: Int
    }

    /// "I need more time": moves a waiting ticket back by its queue's `stepBack` places (behind the ticket that
    /// many places behind it, or to the end of its priority when fewer wait behind it), at most `maxStepsBack`
    /// times. Its wait in the statistics still counts from its issue (or transfer).
    public func stepBack(_ number: String) throws(CentreError) -> SteppedBack {
        rollDayIfNeeded()
        guard var t = lookup(number) else { throw .unknownTicket(number) }
        guard t.state == .waiting else { throw .wrongState(number: number, state: t.state) }
        guard let q = queues[t.queue] else { throw .unknownQueue(t.queue) }
        guard t.due == nil && t.forCounter == nil else {
            throw .badArgument("\(number) is called at its time or at its counter: it does not step back")
        }
        let places = q.config.stepBack
        guard places > 0 else { throw .badArgument("\(t.queue) does not let tickets step back") }
        guard t.stepsBack < config.maxStepsBack else { throw .stepLimit(number: number, times: t.stepsBack) }
        let line = q.lines[t.priority]
        let entry = t.entry
        let index = line.partitioningIndex { !($0 < entry) }
        let behind = line.dropFirst(index + 1)
        if let target = behind.prefix(places).last {
            // Just behind the target: its rank, and a place between it and the one after it.
            let next = behind.dropFirst(places).first
            var place = target.place + 1
            if let next, next.rank == target.rank { place = target.place + max(1, (next.place - target.place) / 2) }
            removeFromLine(t)
            t.rank = target.rank
            t.place = place
            queues[t.queue]!.insert(t.entry, priority: t.priority)
        }
        t.stepsBack += 1
        tickets[t.id] = t
        changes.append(.ticket(t))
        dirtyQueues.insert(t.queue)
        let v = view(t)
        return SteppedBack(ticket: t, position: v.position ?? 0, wait: v.wait ?? 0)
    }

    /// `stepBack` for the ticket an `ISSUE` key issued: what the ticket's page does for its visitor.
    public func stepBack(request key: String) throws(CentreError) -> SteppedBack {
        guard let number = ticket(request: key)?.number else { throw .unknownTicket("for id=\(key)") }
        return try stepBack(number)
    }
}

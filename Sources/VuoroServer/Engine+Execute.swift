// How each request is answered: the centre's outcome formatted as the reply, plus the events it causes.
import VuoroCore
import VuoroProtocol
import VuoroStore

extension Engine {
    /// Applies one request: its reply goes to the connection, its events to the publisher.
    func execute(_ r: Request, for c: Connection) -> Reply {
        let reply: Reply
        do {
            reply = try answer(r, for: c)
        } catch {
            reply = .error(Engine.protocolError(error, calendar: centre.calendar))
        }
        c.send(reply)
        return reply
    }

    /// The one place where the centre's refusals become protocol error codes.
    static func protocolError(_ e: CentreError, calendar: ServiceCalendar) -> ProtocolError {
        switch e {
        case .unknownQueue(let q): ProtocolError(.unknownQueue, "no queue '\(q)'")
        case .unknownCounter(let c): ProtocolError(.unknownCounter, "no counter '\(c)'")
        case .unknownTicket(let t): ProtocolError(.unknownTicket, "no ticket \(t) today")
        case .queueClosed(let q, let opensAt):
            ProtocolError(
                .queueClosed, opensAt.map { "\(q) is closed; opens \(calendar.timestamp($0))" } ?? "\(q) is closed")
        case .queueFull(let q): ProtocolError(.queueFull, "every number of \(q) is waiting or called")
        case .noCurrentTicket(let c): ProtocolError(.noCurrentTicket, "counter \(c) serves no ticket")
        case .wrongState(let t, let s): ProtocolError(.wrongState, "\(t) is \(s.rawValue)")
        case .badArgument(let text): ProtocolError(.badArgument, text)
        case .stepLimit(let t, let n):
            ProtocolError(.stepLimit, "\(t) has stepped back \(n == 1 ? "once" : "\(n) times") already, as often as allowed")
        case .unknownBooking(let ref): ProtocolError(.unknownBooking, "no booking \(ref)")
        case .bookingExists(let ref):
            ProtocolError(.bookingExists, "\(ref) is booked already at another time or place; send move to move it")
        case .late(let ref, let due):
            ProtocolError(
                .late, "\(ref) was due at \(calendar.civil(due).timeString): too late to check in here, ask at the information desk")
        case .wrongDay(let ref, let day): ProtocolError(.wrongDay, "\(ref) is booked for \(day), not today")
        }
    }

    private func answer(_ r: Request, for c: Connection) throws(CentreError) -> Reply {
        let stamp = centre.calendar.timestamp
        switch r {
        case .ping:
            return .pong
        case .issue(let q, let p, let lang, let id):
            let i = try centre.issue(queue: q, priority: p, lang: lang, request: id)
            let reply = Reply.issued(
                IssuedTicket(
                    number: i.ticket.number, queue: i.ticket.queue, position: i.position, wait: i.wait,
                    state: i.again && i.ticket.state != .waiting ? i.ticket.state.rawValue : nil, again: i.again))
            guard !i.again else {
                // Not a change: logged now, not with the batch's commit.
                logger.info(
                    "\(i.ticket.number) answered again to \(c.peer): its ISSUE came again with the same id=",
                    metadata: ["ticket": "\(i.ticket.number)"])
                return reply
            }
            batch.metrics.issued.append(i.ticket.queue)
            logger.debug("issued", metadata: ["ticket": "\(i.ticket.number)", "queue": "\(q)"])
            return reply
        case .ticket(let number):
            return .ticket(ticketInfo(try centre.view(number)))
        case .cancel(let number):
            return cancelled(try centre.cancel(number), by: c)
        case .cancelIssue(let id):
            return cancelled(try centre.cancel(request: id), by: c)
        case .call(let counter, let number):
            let called = try centre.call(counter: counter, ticket: number)
            if let f = called.finished {
                publisher.finished(f)
                batch.metrics.served.append(f.queue)
            }
            guard let t = called.ticket else { return .called(nil) }
            publisher.publish(.called(ticket: t.number, queue: t.queue, counter: counter))
            batch.metrics.waits.append((t.queue, called.waited))
            logger.debug("called", metadata: ["ticket": "\(t.number)", "queue": "\(t.queue)", "counter": "\(counter)"])
            return .called(Reply.Call(ticket: t.number, queue: t.queue, counter: counter, waited: called.waited))
        case .recall(let counter):
            let t = try centre.recall(counter: counter)
            publisher.publish(.recalled(ticket: t.number, queue: t.queue, counter: counter, calls: t.calls))
            return .recalled(ticket: t.number, queue: t.queue, counter: counter, calls: t.calls)
        case .done(let counter), .noshow(let counter):
            let state: TicketState = if case .done = r { .done } else { .noshow }
            let t = try centre.finish(counter: counter, as: state)
            if state == .done { batch.metrics.served.append(t.queue) }
            publisher.finished(t)
            return .ended(ticket: t.number, state: state.rawValue)
        case .transfer(let counter, let q, let front):
            let from = centre.currentTicket(of: counter)?.queue
            let i = try centre.transfer(counter: counter, to: q, front: front)
            publisher.publish(.transferred(ticket: i.ticket.number, queue: q, from: from ?? "-", counter: counter))
            audit(
                .info, "\(i.ticket.number) transferred from \(from ?? "-") to \(q) at counter \(counter)",
                ["ticket": "\(i.ticket.number)", "queue": "\(q)", "counter": "\(counter)"])
            return .transferred(ticket: i.ticket.number, queue: q, position: i.position, to: nil)
        case .book, .unbook, .bookings, .checkIn, .park, .transferToCounter:
            return try bookingAnswer(r, by: "\(c.role) at \(c.peer)")
        case .serve(let counter, let qs):
            let rec = try centre.serve(counter: counter, queues: qs)
            publisher.publish(.counter(id: rec.id, paused: rec.paused, queues: rec.queues))
            audit(
                .info, "counter \(counter) serves \(rec.queues.joined(separator: ",")), set by \(c.role) at \(c.peer)",
                ["counter": "\(counter)"])
            return .serving(counter: rec.id, queues: rec.queues)
        case .pause(let counter):
            let rec = try centre.pause(counter: counter)
            publisher.publish(.counter(id: rec.id, paused: rec.paused, queues: rec.queues))
            return .paused(counter: rec.id)
        case .queues(let lang):
            try centre.checkLanguage(lang)
            return .queues(
                centre.queueOrder.compactMap { id in
                    guard let q = centre.queueConfig(id) else { return nil }
                    let opening = centre.opening(id)
                    return QueueInfo(
                        id: id, prefix: q.prefix, open: opening.open,
                        name: q.name(in: lang, languages: centre.config.languages), opens: opening.opensAt.map(stamp),
                        hours: q.hours?.description, removed: centre.isRemoved(id))
                })
        case .status:
            return .status(
                centre.queueOrder.compactMap { id in
                    centre.figures(id).map { figures($0, longest: centre.longestWait(id)) }
                })
        case .counters(let lang):
            try centre.checkLanguage(lang)
            let languages = centre.config.languages
            return .counters(
                centre.counterOrder.compactMap { id in
                    centre.counter(id).map { rec in
                        CounterInfo(
                            id: id, paused: rec.paused, ticket: centre.currentTicket(of: id)?.number,
                            queues: rec.queues, name: centre.counterConfig(id)?.name(in: lang, languages: languages),
                            parked: centre.parked(at: id).map(\.number))
                    }
                })
        case .called(let n):
            return .calls(
                centre.latestCalls(n).map { t in
                    CallInfo(ticket: t.number, queue: t.queue, counter: t.counter, at: stamp(t.at), calls: t.calls)
                })
        case .watch:
            c.startWatching()
            return .watching
        case .open(let q), .close(let q):
            let closing = if case .close = r { true } else { false }
            let open = try centre.setClosed(q, closing)
            audit(.notice, "queue \(q) \(closing ? "closed" : "opened") by \(c.role) at \(c.peer)", ["queue": "\(q)"])
            return .queueOpen(queue: q, open: open)
        case .quit:
            c.quitting = true
            return .bye
        case .site:
            return .site(
                SiteInfo(
                    name: centre.config.site, timeZone: centre.config.timeZone, languages: centre.config.languages,
                    day: centre.today.date))
        case .backup(let requested):
            return backup(requested, for: c)
        case .stats(let date, let by):
            do {
                let rows = try Retention.stats(
                    day: date ?? centre.today.date, by: StatsGrouping(rawValue: by) ?? .queue, centre: centre,
                    store: store)
                return .stats(rows.map { StatsLine(key: $0.key, figures: $0.fields.map { ($0.0, $0.1) }) })
            } catch {
                return .error(ProtocolError(.unavailable, "statistics cannot be read: \(error)"))
            }
        case .kiosk(let name, let paper):
            let before = centre.kiosk(name)?.paper
            let k = centre.report(kiosk: name, paper: Paper(rawValue: paper) ?? .unknown)
            if before != k.paper && (before != nil || k.paper != .ok) {
                // The manager's journal: a roll to change, or a printer out of paper at a door.
                audit(
                    k.paper == .low || k.paper == .out ? .warning : .info,
                    "kiosk \(name): paper \(k.paper.rawValue)" + (before.map { " (was \($0.rawValue))" } ?? ""),
                    ["kiosk": "\(name)"])
            }
            return .kiosk(name: k.name, paper: k.paper.rawValue)
        case .stepBack(let number):
            return steppedBack(try centre.stepBack(number), by: "\(c.role) at \(c.peer)")
        case .stepBackIssue(let key):
            return steppedBack(try centre.stepBack(request: key), by: "\(c.role) at \(c.peer)")
        case .kiosks:
            let now = centre.clock.now()
            return .kiosks(
                centre.kioskList.map { k in
                    KioskInfo(
                        name: k.name, paper: k.paper.rawValue, seen: stamp(k.seen), ago: max(0, Int((now - k.seen) / 1000)))
                })
        case .auth:
            preconditionFailure("AUTH is answered before requests reach the centre")
        }
    }

    /// `BACKUP`: a consistent copy between batches (what is committed, nothing half-done) into a new file of the
    /// backup directory.
    private func backup(_ requested: String, for c: Connection) -> Reply {
        do {
            let path = try BackupTarget.resolve(requested, in: chores.backupDirectory(options, store))
            try store.backup(to: path, replace: false)
            logger.notice("backup written to \(path) for \(c.role) at \(c.peer)")
            return .backup(path: path)
        } catch let e as BackupPathError {
            return .error(ProtocolError(.badArgument, e.description))
        } catch let e as BackupError {
            return .error(ProtocolError(.badArgument, e.description))
        } catch {
            return .error(ProtocolError(.unavailable, "backup failed: \(error)"))
        }
    }

    /// A queue's figures as the protocol gives them.
    func figures(_ f: Centre.QueueFigures, longest: Int? = nil) -> QueueFigures {
        QueueFigures(
            id: f.id, open: f.open, waiting: f.waiting, wait: f.wait, counters: f.counters,
            opens: f.opensAt.map(centre.calendar.timestamp), longest: longest)
    }

    /// Answers a step back and logs who asked for it: a counter's staff, or the visitor on the ticket's page.
    func steppedBack(_ s: Centre.SteppedBack, by who: String) -> Reply {
        audit(
            .info, "\(s.ticket.number) stepped back to place \(s.position) (\(s.ticket.stepsBack) of "
                + "\(centre.config.maxStepsBack)), asked by \(who)", ["ticket": "\(s.ticket.number)"])
        return .steppedBack(ticket: s.ticket.number, position: s.position, wait: s.wait, steps: s.ticket.stepsBack)
    }

    /// Answers a cancel, tells the displays and logs who did it.
    private func cancelled(_ t: Ticket, by c: Connection) -> Reply {
        publisher.finished(t)
        audit(.info, "\(t.number) cancelled by \(c.role) at \(c.peer)", ["ticket": "\(t.number)"])
        return .ended(ticket: t.number, state: TicketState.cancelled.rawValue)
    }

    func ticketInfo(_ v: Centre.TicketView) -> TicketInfo {
        let t = v.ticket
        let shown = t.state == .called || t.state == .done || t.state == .noshow
        return TicketInfo(
            number: t.number, state: t.state.rawValue, queue: t.queue, position: v.position, wait: v.wait,
            counter: shown || t.state == .parked ? t.counter : t.forCounter, priority: t.priority)
    }
}

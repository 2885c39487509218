// How each request is answered: the centre's outcome formatted as the reply, plus the events it causes.
import VuoroCore
import VuoroProtocol
import VuoroStore

extension Engine {
    /// Applies one request and queues its reply (and events) on the batch.
    func execute(_ r: Request, for c: Connection) {
        do {
            try answer(r, for: c)
        } catch {
            c.send(Engine.protocolError(error, calendar: centre.calendar).line)
        }
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
        }
    }

    private func answer(_ r: Request, for c: Connection) throws(CentreError) {
        switch r {
        case .ping:
            c.send("OK PONG")
        case .issue(let q, let p, let lang, let id):
            let i = try centre.issue(queue: q, priority: p, lang: lang, request: id)
            var w = LineWriter("OK \(i.ticket.number)")
            w.field("queue", i.ticket.queue)
            w.field("position", i.position)
            w.field("wait", i.wait)
            if i.again {
                if i.ticket.state != .waiting { w.field("state", i.ticket.state.rawValue) }
                w.field("again", 1)
            }
            c.send(w.text)
            guard !i.again else {
                // Not a change: logged now, not with the batch's commit.
                logger.info(
                    "\(i.ticket.number) answered again to \(c.peer): its ISSUE came again with the same id=",
                    metadata: ["ticket": "\(i.ticket.number)"])
                return
            }
            batchMetrics.issued.append(i.ticket.queue)
            logger.debug("issued", metadata: ["ticket": "\(i.ticket.number)", "queue": "\(q)"])
        case .ticket(let number):
            c.send(ticketLine(try centre.view(number)))
        case .cancel(let number):
            cancelled(try centre.cancel(number), by: c)
        case .cancelIssue(let id):
            cancelled(try centre.cancel(request: id), by: c)
        case .call(let counter, let number):
            let called = try centre.call(counter: counter, ticket: number)
            if let f = called.finished {
                finishedEvent(f)
                batchMetrics.served.append(f.queue)
            }
            guard let t = called.ticket else {
                c.send("OK none")
                return
            }
            var w = LineWriter("OK \(t.number)")
            w.field("queue", t.queue)
            w.field("counter", counter)
            w.field("waited", called.waited)
            c.send(w.text)
            publish("EVENT called \(t.number) queue=\(t.queue) counter=\(counter)")
            batchMetrics.waits.append((t.queue, called.waited))
            logger.debug("called", metadata: ["ticket": "\(t.number)", "queue": "\(t.queue)", "counter": "\(counter)"])
        case .recall(let counter):
            let t = try centre.recall(counter: counter)
            c.send("OK \(t.number) queue=\(t.queue) counter=\(counter) calls=\(t.calls)")
            publish("EVENT recalled \(t.number) queue=\(t.queue) counter=\(counter) calls=\(t.calls)")
        case .done(let counter), .noshow(let counter):
            let state: TicketState = if case .done = r { .done } else { .noshow }
            let t = try centre.finish(counter: counter, as: state)
            c.send("OK \(t.number) state=\(state.rawValue)")
            if state == .done { batchMetrics.served.append(t.queue) }
            finishedEvent(t)
        case .transfer(let counter, let q, let front):
            let from = centre.currentTicket(of: counter)?.queue
            let i = try centre.transfer(counter: counter, to: q, front: front)
            c.send("OK \(i.ticket.number) queue=\(q) position=\(i.position)")
            publish("EVENT transferred \(i.ticket.number) queue=\(q) from=\(from ?? "-") counter=\(counter)")
            audit(
                .info, "\(i.ticket.number) transferred from \(from ?? "-") to \(q) at counter \(counter)",
                ["ticket": "\(i.ticket.number)", "queue": "\(q)", "counter": "\(counter)"])
        case .serve(let counter, let qs):
            let rec = try centre.serve(counter: counter, queues: qs)
            c.send("OK \(rec.id) queues=\(rec.queues.joined(separator: ","))")
            publish(counterEvent(rec))
            audit(
                .info, "counter \(counter) serves \(rec.queues.joined(separator: ",")), set by \(c.role) at \(c.peer)",
                ["counter": "\(counter)"])
        case .pause(let counter):
            let rec = try centre.pause(counter: counter)
            c.send("OK \(rec.id) state=paused")
            publish(counterEvent(rec))
        case .queues(let lang):
            try centre.checkLanguage(lang)
            var lines: [String] = []
            for id in centre.queueOrder {
                guard let q = centre.queueConfig(id) else { continue }
                var w = LineWriter(id)
                w.field("prefix", q.prefix)
                let opening = centre.opening(id)
                w.field("open", opening.open ? 1 : 0)
                w.text("name", q.name(in: lang, languages: centre.config.languages))
                if let o = opening.opensAt { w.field("opens", centre.calendar.timestamp(o)) }
                if let h = q.hours { w.text("hours", h.description) }
                if centre.isRemoved(id) { w.field("removed", 1) }
                lines.append(w.text)
            }
            sendList(lines, to: c)
        case .status:
            sendList(
                centre.queueOrder.compactMap { id in
                    centre.figures(id).map { f in
                        var line =
                            "\(id) open=\(f.open ? 1 : 0) waiting=\(f.waiting) wait=\(f.wait) counters=\(f.counters)"
                        if let o = f.opensAt { line += " opens=\(centre.calendar.timestamp(o))" }
                        if let longest = centre.longestWait(id) { line += " longest=\(longest)" }
                        return line
                    }
                }, to: c)
        case .counters(let lang):
            try centre.checkLanguage(lang)
            let languages = centre.config.languages
            sendList(
                centre.counterOrder.compactMap { id in
                    centre.counter(id).map { rec in
                        var w = LineWriter(id)
                        w.field("state", rec.paused ? "paused" : "open")
                        w.field("ticket", centre.currentTicket(of: id)?.number ?? "-")
                        w.field("queues", rec.queues.joined(separator: ","))
                        if let name = centre.counterConfig(id)?.name(in: lang, languages: languages) {
                            w.text("name", name)
                        }
                        return w.text
                    }
                }, to: c)
        case .called(let n):
            sendList(
                centre.latestCalls(n).map { t in
                    "\(t.number) queue=\(t.calledQueue ?? t.queue) counter=\(t.counter ?? "-") at=\(centre.calendar.timestamp(t.announcedAt ?? 0)) calls=\(max(1, t.calls))"
                }, to: c)
        case .watch:
            addWatcher(c)
            c.send("OK watching")
        case .open(let q), .close(let q):
            let closing = if case .close = r { true } else { false }
            let open = try centre.setClosed(q, closing)
            c.send("OK \(q) open=\(open ? 1 : 0)")
            audit(.notice, "queue \(q) \(closing ? "closed" : "opened") by \(c.role) at \(c.peer)", ["queue": "\(q)"])
        case .quit:
            c.send("OK bye")
            c.quitting = true
        case .site:
            var w = LineWriter("OK")
            w.text("name", centre.config.site)
            w.field("timezone", centre.config.timeZone)
            w.field("languages", centre.config.languages.joined(separator: ","))
            w.field("day", centre.today.date)
            c.send(w.text)
        case .backup(let requested):
            // Between batches: what is committed is copied, nothing half-done.
            do {
                let path = try BackupTarget.resolve(requested, in: backupDirectory)
                try store.backup(to: path, replace: false)
                c.send("OK backup path=\(path)")
                logger.notice("backup written to \(path) for \(c.role) at \(c.peer)")
            } catch let e as BackupPathError {
                c.send(ProtocolError(.badArgument, e.description).line)
            } catch let e as BackupError {
                c.send(ProtocolError(.badArgument, e.description).line)
            } catch {
                c.send(ProtocolError(.unavailable, "backup failed: \(error)").line)
            }
        case .stats(let date, let by):
            do {
                let rows = try Retention.stats(
                    day: date ?? centre.today.date, by: StatsGrouping(rawValue: by) ?? .queue, centre: centre,
                    store: store)
                sendList(
                    rows.map { r in
                        var w = LineWriter(r.key)
                        for (k, v) in r.fields { w.field(k, v) }
                        return w.text
                    }, to: c)
            } catch {
                c.send(ProtocolError(.unavailable, "statistics cannot be read: \(error)").line)
            }
        case .kiosk(let name, let paper):
            let before = centre.kiosk(name)?.paper
            let k = centre.report(kiosk: name, paper: Paper(rawValue: paper) ?? .unknown)
            c.send("OK \(k.name) paper=\(k.paper.rawValue)")
            if before != k.paper && (before != nil || k.paper != .ok) {
                // The manager's journal: a roll to change, or a printer out of paper at a door.
                audit(
                    k.paper == .low || k.paper == .out ? .warning : .info,
                    "kiosk \(name): paper \(k.paper.rawValue)" + (before.map { " (was \($0.rawValue))" } ?? ""),
                    ["kiosk": "\(name)"])
            }
        case .kiosks:
            let now = centre.clock.now()
            sendList(
                centre.kioskList.map { k in
                    var w = LineWriter(k.name)
                    w.field("paper", k.paper.rawValue)
                    w.field("seen", centre.calendar.timestamp(k.seen))
                    w.field("ago", max(0, Int((now - k.seen) / 1000)))
                    return w.text
                }, to: c)
        case .auth:
            preconditionFailure("AUTH is answered before requests reach the centre")
        }
    }

    private func sendList(_ lines: [String], to c: Connection) {
        c.send("OK \(lines.count)")
        for l in lines { c.send(l) }
    }

    /// Answers a cancel, tells the displays and logs who did it.
    private func cancelled(_ t: Ticket, by c: Connection) {
        c.send("OK \(t.number) state=cancelled")
        finishedEvent(t)
        audit(.info, "\(t.number) cancelled by \(c.role) at \(c.peer)", ["ticket": "\(t.number)"])
    }

    func ticketLine(_ v: Centre.TicketView) -> String {
        let t = v.ticket
        var w = LineWriter("OK \(t.number)")
        w.field("state", t.state.rawValue)
        w.field("queue", t.queue)
        if let p = v.position, let wait = v.wait {
            w.field("position", p)
            w.field("wait", wait)
        }
        if t.state == .called || t.state == .done || t.state == .noshow, let counter = t.counter {
            w.field("counter", counter)
        }
        if t.priority > 0 { w.field("priority", t.priority) }
        return w.text
    }

    func finishedEvent(_ t: Ticket) {
        var w = LineWriter("EVENT finished \(t.number)")
        w.field("state", t.state.rawValue)
        w.field("queue", t.queue)
        if let counter = t.counter, t.state == .done || t.state == .noshow { w.field("counter", counter) }
        publish(w.text)
    }

    private func counterEvent(_ rec: CounterRecord) -> String {
        "EVENT counter \(rec.id) state=\(rec.paused ? "paused" : "open") queues=\(rec.queues.joined(separator: ","))"
    }
}

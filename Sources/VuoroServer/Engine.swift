// The single owner of the centre's state: applies requests in arrival order, commits each batch once, then
// answers and publishes. Runs on one event loop; nothing here takes a lock.
import Logging
import NIOCore
import VuoroCore
import VuoroProtocol
import VuoroStore

/// Applies requests to the centre and groups their commits: every request read in one event-loop pass shares one
/// transaction, and no reply of that pass is written before it is committed.
final class Engine: @unchecked Sendable {  // confined to its event loop
    let loop: EventLoop
    let store: Store
    let logger: Logger
    var options: ServerOptions
    private(set) var centre: Centre

    private var connections: [Int: Connection] = [:]
    private var nextConnectionID = 0
    private var watchers: [Int: Connection] = [:]
    private var touched: [Connection] = []
    /// This batch's changes to log once it is committed (`audit`).
    private var audited: [(Logger.Level, String, Logger.Metadata)] = []
    /// What this batch did, in order, to answer it again if its commit fails.
    private var batch: [(Connection, BatchItem)] = []
    var events: [String] = []
    private var flushScheduled = false
    /// The day change (Engine+Day.swift): the service day the watchers were last told of (`EVENT day`), a day
    /// that ended and has not been backed up yet, and whether old days may be due for retention (checked at
    /// start and at each day change).
    var dayAnnounced: String
    var backupDue: String?
    var retentionDue = true
    private var lastFigures: [QueueID: Centre.QueueFigures] = [:]
    /// Writes fail at the moment; logged once when it starts and once when it ends.
    private(set) var storageFailing = false
    /// The state could not be read back after a failed commit: everything answers `unavailable` until it can.
    private var stateLost = false
    var shuttingDown = false
    /// Called after every batch that committed, with the number of waiting tickets (for systemd's STATUS=).
    var onCommit: ((Int) -> Void)?

    enum BatchItem {
        case request(Request)
        case fixed(String)
    }

    let metrics: ServerMetrics?
    var batchMetrics = BatchMetrics()
    /// Failed `AUTH` per address: slows the next attempts (on the I/O loops) and sums up the log.
    let authThrottle = AuthThrottle()
    private var authSummaryDue = NIODeadline.now() + .minutes(1)

    init(loop: EventLoop, centre: Centre, store: Store, options: ServerOptions, logger: Logger, metrics: ServerMetrics?)
    {
        self.metrics = metrics
        self.loop = loop
        self.centre = centre
        self.store = store
        self.options = options
        self.logger = logger
        dayAnnounced = centre.today.date
        for id in centre.queueOrder {
            if let f = centre.figures(id) {
                lastFigures[id] = f
                metrics?.setFigures(id, f)
            }
        }
        _ = centre.takeDirtyQueues()
    }

    // MARK: connections

    /// The I/O loops that run the connections' sockets, by index; set once before the server starts.
    var ioLoops: [IOLoop] = []

    /// What an I/O loop read in one pass, in order.
    func receive(_ items: [Inbound]) {
        if !stateLost { rollDay() }
        for item in items {
            switch item {
            case .opened(let c): opened(c)
            case .request(let c, let parsed):
                c.consumedRequest()
                guard !c.quitting, !c.closed else { continue }
                received(parsed, on: c)
            case .inputClosed(let c):
                c.quitting = true
                c.touch()
            case .closed(let c): closed(c)
            }
        }
        scheduleFlush()
    }

    func opened(_ c: Connection) {
        nextConnectionID += 1
        c.id = nextConnectionID
        c.role = options.access.initialRole
        if shuttingDown {
            refuse(c, "ERR shutting-down the server is stopping")
            return
        }
        if connections.count >= options.maxConnections {
            logger.warning("refusing a connection: \(connections.count) open, limit \(options.maxConnections)")
            refuse(c, "ERR too-many-connections the server has \(options.maxConnections) connections open")
            return
        }
        connections[c.id] = c
        metrics?.connections.record(connections.count)
    }

    /// Answers a connection before any request, then closes it.
    private func refuse(_ c: Connection, _ line: String) {
        answerFixed(c, line)
        c.quitting = true
    }

    func closed(_ c: Connection) {
        c.closed = true
        connections.removeValue(forKey: c.id)
        watchers.removeValue(forKey: c.id)
        metrics?.connections.record(connections.count)
    }

    func touch(_ c: Connection) {
        touched.append(c)
        scheduleFlush()
    }

    // MARK: requests

    func received(_ parsed: Parsed, on c: Connection) {
        c.active = true
        switch parsed {
        case .invalid(let line): answerFixed(c, line)
        case .request(let r):
            if shuttingDown {
                answerFixed(c, ProtocolError(.shuttingDown, "the server is stopping").line)
            } else if case .auth(let secret) = r {
                authenticate(c, secret)
            } else if r.requiredRole > c.role {
                answerFixed(c, ProtocolError(.notAllowed, "\(r.command) needs the \(r.requiredRole) role").line)
            } else if let limit = c.counters, let counter = r.counterID, !limit.contains(counter) {
                answerFixed(c, ProtocolError(.notAllowed, "\(r.command) for counter \(counter)").line)
            } else if stateLost && r != .quit {
                answerFixed(c, ProtocolError(.unavailable, "the state cannot be read from storage").line)
            } else {
                batch.append((c, .request(r)))
                execute(r, for: c)
            }
        }
    }

    private func authenticate(_ c: Connection, _ secret: String) {
        guard let token = options.access.token(for: secret) else {
            c.authFailures += 1
            if authThrottle.failed(c.address) {
                logger.warning(
                    "authentication failed from \(c.peer) (\(c.authFailures) of \(options.maxAuthFailures) on this connection)")
            }
            answerFixed(c, ProtocolError(.authFailed, "no token has that secret").line)
            if c.authFailures >= options.maxAuthFailures { c.quitting = true }
            return
        }
        c.role = token.role
        c.secret = secret
        c.counters = token.counters
        answerFixed(c, "OK role=\(token.role)")
    }

    /// After a reload: each connection keeps the role of its token if that still exists, else the default.
    private func reapplyAccess() {
        for c in connections.values {
            if let secret = c.secret, let token = options.access.token(for: secret) {
                c.role = token.role
                c.counters = token.counters
            } else {
                c.role = options.access.initialRole
                c.secret = nil
                c.counters = nil
            }
        }
    }

    private func answerFixed(_ c: Connection, _ line: String) {
        batch.append((c, .fixed(line)))
        c.send(line)
    }

    func scheduleFlush() {
        guard !flushScheduled else { return }
        flushScheduled = true
        // Runs after this pass has read every ready connection: that is what sizes the group commit.
        loop.execute { self.flush() }
    }

    /// Commits what the batch changed, then writes every reply and event of the batch.
    func flush() {
        flushScheduled = false
        if centre.hasChanges {
            let changes = centre.takeChanges()
            do {
                let started = NIODeadline.now()
                try store.commit(changes)
                if let metrics {
                    metrics.commitTime.recordNanoseconds((NIODeadline.now() - started).nanoseconds)
                    metrics.batchSize.record(changes.count)
                }
                batchMetrics.apply(to: metrics)
                for (level, message, metadata) in audited { logger.log(level: level, "\(message)", metadata: metadata) }
                if storageFailing {
                    storageFailing = false
                    logger.notice("storage writes work again")
                }
            } catch {
                if !storageFailing {
                    storageFailing = true
                    logger.error("storage write failed, answering unavailable until it works: \(error)")
                }
                recoverFromFailedCommit()
            }
        }
        publishQueueFigures()
        var shared: ByteBuffer?
        if !events.isEmpty {
            if !watchers.isEmpty {
                var b = ByteBufferAllocator().buffer(capacity: events.reduce(0) { $0 + $1.utf8.count + 1 })
                for e in events {
                    b.writeString(e)
                    b.writeInteger(UInt8(10))
                }
                shared = b
            }
            events.removeAll(keepingCapacity: true)
        }
        batch.removeAll(keepingCapacity: true)
        audited.removeAll(keepingCapacity: true)
        dispatch(events: shared)
        if !storageFailing { onCommit?(centre.waitingCount) }
    }

    /// Hands every touched connection's lines to its I/O loop, and the batch's events to each loop with
    /// watchers: one task per loop, which writes them all. The engine's work does not grow with the watchers.
    private func dispatch(events: ByteBuffer?) {
        guard !touched.isEmpty || events != nil else { return }
        let capacity = min(1 << 16, 48 * touched.count / max(1, ioLoops.count))
        var out = ioLoops.map { _ in OutboundBatch(bytes: ByteBufferAllocator().buffer(capacity: capacity)) }
        for c in touched { c.writeOutbox(into: &out[c.handler.io.index]) }
        touched.removeAll(keepingCapacity: true)
        // Events (encoded only when someone watches) go to every loop: one that has no watchers writes nothing.
        for (io, b) in zip(ioLoops, out) where !b.entries.isEmpty || events != nil {
            if io.loop.inEventLoop {
                io.deliver(b, events: events)
            } else {
                io.loop.execute { io.deliver(b, events: events) }
            }
        }
    }

    /// Puts the state back to what the store holds, and answers the batch again with its writes refused.
    private func recoverFromFailedCommit() {
        audited.removeAll()
        // A day change that did not reach the disk is rolled, and announced, again.
        if let ended = backupDue, events.contains("EVENT day \(dayAnnounced)") {
            dayAnnounced = ended
            backupDue = nil
        }
        events.removeAll()
        batchMetrics = BatchMetrics()
        for c in touched { c.discardOutbox() }
        reloadState()
        _ = centre.takeDirtyQueues()
        for (c, item) in batch {
            switch item {
            case .fixed(let line): c.send(line)
            case .request(let r):
                if r.isWrite || (stateLost && r != .quit) {
                    c.send(ProtocolError(.unavailable, "storage failed; nothing was changed").line)
                } else {
                    execute(r, for: c)
                }
            }
        }
    }

    private func publishQueueFigures() {
        let dirty = centre.takeDirtyQueues()
        guard !dirty.isEmpty else { return }
        for id in centre.queueOrder where dirty.contains(id) {
            guard let f = centre.figures(id), lastFigures[id] != f else { continue }
            lastFigures[id] = f
            metrics?.setFigures(id, f)
            var w = LineWriter("EVENT queue")
            w.word(id)
            w.field("waiting", f.waiting)
            w.field("wait", f.wait)
            w.field("open", f.open ? 1 : 0)
            w.field("counters", f.counters)
            if let o = f.opensAt { w.field("opens", centre.calendar.timestamp(o)) }
            events.append(w.text)
        }
    }

    /// Once a second: the day change at midnight, queues opening or closing by their hours, idle connections.
    func tick() {
        let idleSince = NIODeadline.now() - .seconds(options.idleTimeout)
        if NIODeadline.now() >= authSummaryDue {
            authSummaryDue = NIODeadline.now() + .minutes(1)
            for s in authThrottle.summary() {
                logger.warning(
                    "\(s.failures) failed AUTH from \(s.peer) in the last minute (\(s.unlogged) not logged one by one)")
            }
        }
        for c in connections.values where !c.active && !c.watching && c.openedAt < idleSince { c.close() }
        guard !shuttingDown, !stateLost else {
            if stateLost { reloadState() }
            return
        }
        rollDay()
        backUpIfDue()
        if retentionDue { retireOneDay() }
        centre.markDirty(centre.queueOrder.filter { centre.figures($0)?.open != lastFigures[$0]?.open })
        if let metrics {
            for id in centre.queueOrder { metrics.setLongestWait(id, centre.longestWait(id) ?? 0) }
            let now = centre.clock.now()
            let kiosks = centre.kioskList
            for k in kiosks { metrics.setKiosk(k, now: now) }
            metrics.keepKiosks(Set(kiosks.map(\.name)))
        }
        if centre.hasChanges || !events.isEmpty || centre.hasDirtyQueues { flush() }
    }

    /// Rebuilds the centre from what the store holds; while that fails, every request answers `unavailable`.
    private func reloadState() {
        do {
            let snapshot = try store.load(today: centre.calendar.day(containing: centre.clock.now()).date)
            centre = Centre(config: centre.config, clock: centre.clock, snapshot: snapshot)
            if stateLost { logger.notice("state read back from storage") }
            stateLost = false
        } catch {
            if !stateLost { logger.critical("cannot read the state back from storage: \(error)") }
            stateLost = true
        }
    }

    /// Replaces the configuration and access rules, keeping every ticket and connection.
    func reconfigure(_ config: CentreConfig, access: AccessConfig) {
        options.access = access
        reapplyAccess()
        flush()
        centre = Centre(config: config, clock: centre.clock, snapshot: centre.snapshot())
        // Names, queues, counters or hours may have changed: screens read them again.
        events.append("EVENT reloaded")
        logEndedAtRemovedCounters(centre, logger)
        for t in centre.endedAtRemovedCounters { finishedEvent(t) }
        centre.markDirty(centre.queueOrder)
        flush()
    }

    func addWatcher(_ c: Connection) {
        guard watchers.updateValue(c, forKey: c.id) == nil else { return }
        c.startWatching()
    }

    func publish(_ event: String) { events.append(event) }

    /// Who changed what, for the manager and IT: logged once the batch is committed, never for a change that did
    /// not reach the disk.
    func audit(_ level: Logger.Level, _ message: String, _ metadata: Logger.Metadata) {
        audited.append((level, message, metadata))
    }

    /// Stops taking requests, writes what is pending and closes every connection.
    func shutdown() {
        shuttingDown = true
        flush()
        do {
            try store.checkpoint()
        } catch {
            logger.warning("the WAL was not checkpointed at stop (vuoro.db-wal still holds changes): \(error)")
        }
        for c in connections.values { c.close() }
    }
}

/// Says which called tickets a new configuration ended, because their counters are no longer in it.
public func logEndedAtRemovedCounters(_ centre: Centre, _ logger: Logger) {
    for t in centre.endedAtRemovedCounters {
        logger.notice(
            "counter \(t.counter ?? "-") is no longer configured: \(t.number), called to it, ended as done")
    }
}

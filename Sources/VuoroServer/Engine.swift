// The single owner of the centre's state: admits each request (roles, tokens), applies it, commits each batch once,
// then answers and publishes. Runs on one event loop, asserted where state is touched; nothing here takes a lock.
import Logging
import NIOCore
import VuoroCore
import VuoroProtocol
import VuoroStore

/// Applies requests to the centre and groups their commits: every request handed over before a commit shares its
/// transaction, and no reply of the batch is written before it is committed. The parts each have one job:
/// `Batch` (what to answer again after a failed commit), `Publisher` (events), `DayChores` (day change, backups,
/// retention); the I/O loops own the sockets and which of them watch.
final class Engine: @unchecked Sendable {  // confined to `loop`: every entry point asserts it
    let loop: EventLoop
    let store: Store
    let logger: Logger
    var options: ServerOptions
    let metrics: ServerMetrics?
    /// The centre, reading the day's finished tickets back from the store when asked for them.
    private(set) var centre: Centre {
        didSet { centre.archive = store }
    }
    /// The I/O loops that run the connections' sockets, by index; set once before the server starts.
    var ioLoops: [IOLoop] = []

    private var connections: [Int: Connection] = [:]
    private var nextConnectionID = 0
    var batch = Batch()
    var publisher: Publisher
    var chores: DayChores
    private var flushScheduled = false
    /// Writes fail at the moment (logged once when it starts and once when it ends); `lost`: the state could not be
    /// read back after a failed commit, and everything answers `unavailable` until it can.
    private(set) var storage = (failing: false, lost: false)
    var shuttingDown = false
    /// Called after every batch that committed, with the number of waiting tickets (for systemd's STATUS=).
    var onCommit: ((Int) -> Void)?
    /// Failed `AUTH` per address: slows the next attempts (on the I/O loops) and sums up the log once a minute.
    let authThrottle = AuthThrottle()
    /// The web's event streams (boards, tickets' pages) and the spoken calls, once the web listener starts.
    var web: (feed: WebFeed, speech: SpeechCache?)?
    private var feedBuilder = FeedBuilder()
    /// Gives back to the system what a busy spell freed, at the first quiet second after it.
    private(set) var heap = HeapTrim()
    /// The tickets whose page is open, and the place each was last sent.
    var pages = TicketPages()
    /// Web Push, once the web listener starts with it.
    var push: PushAlerts?

    init(loop: EventLoop, centre: Centre, store: Store, options: ServerOptions, logger: Logger, metrics: ServerMetrics?)
    {
        self.metrics = metrics
        self.loop = loop
        self.centre = centre
        centre.archive = store
        self.store = store
        self.options = options
        self.logger = logger
        chores = DayChores(announced: centre.today.date)
        publisher = Publisher(centre: centre)
        for id in centre.queueOrder { if let f = centre.figures(id) { metrics?.setFigures(id, f) } }
        _ = centre.takeDirtyQueues()
    }

    // MARK: connections

    /// What an I/O loop read in one pass, in order.
    func receive(_ items: [Inbound]) {
        loop.preconditionInEventLoop()
        if !storage.lost { rollDay() }
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

    private func opened(_ c: Connection) {
        nextConnectionID += 1
        c.id = nextConnectionID
        c.role = options.access.initialRole
        if shuttingDown { return refuse(c, ProtocolError(.shuttingDown, "the server is stopping")) }
        if connections.count >= options.maxConnections {
            logger.warning("refusing a connection: \(connections.count) open, limit \(options.maxConnections)")
            return refuse(
                c, ProtocolError(.tooManyConnections, "the server has \(options.maxConnections) connections open"))
        }
        connections[c.id] = c
        metrics?.connections.record(connections.count)
    }

    /// Answers a connection before any request, then closes it.
    private func refuse(_ c: Connection, _ e: ProtocolError) {
        answer(c, .error(e))
        c.quitting = true
    }

    private func closed(_ c: Connection) {
        c.closed = true
        connections.removeValue(forKey: c.id)
        metrics?.connections.record(connections.count)
    }

    func touch(_ c: Connection) {
        batch.touch(c)
        scheduleFlush()
    }

    // MARK: requests

    private func received(_ parsed: Parsed, on c: Connection) {
        c.active = true
        let r: Request
        switch parsed {
        case .invalid(let e): return answer(c, .error(e))
        case .request(let request): r = request
        }
        if shuttingDown {
            answer(c, .error(ProtocolError(.shuttingDown, "the server is stopping")))
        } else if case .auth(let secret) = r {
            answer(c, authenticate(c, secret))
        } else if !c.role.may(r) {
            let needed = r.requiredRole == .booking ? "booking or admin" : "\(r.requiredRole)"
            answer(c, .error(ProtocolError(.notAllowed, "\(r.command) needs the \(needed) role")))
        } else if let limit = c.counters, let counter = r.counterID, !limit.contains(counter) {
            answer(c, .error(ProtocolError(.notAllowed, "\(r.command) for counter \(counter)")))
        } else if storage.lost && r != .quit {
            answer(c, .error(ProtocolError(.unavailable, "the state cannot be read from storage")))
        } else {
            batch.record(c, Batch.replay(r, execute(r, for: c)))
        }
    }

    /// Sends a reply that does not depend on the batch, and keeps it to send again if the commit fails.
    private func answer(_ c: Connection, _ reply: Reply) {
        batch.record(c, .same(reply))
        c.send(reply)
    }

    private func authenticate(_ c: Connection, _ secret: String) -> Reply {
        guard let token = options.access.token(for: secret) else {
            c.authFailures += 1
            if authThrottle.failed(c.address) {
                logger.warning(
                    "authentication failed from \(c.peer) (\(c.authFailures) of \(options.maxAuthFailures) on this connection)"
                )
            }
            if c.authFailures >= options.maxAuthFailures { c.quitting = true }
            return .error(ProtocolError(.authFailed, "no token has that secret"))
        }
        authThrottle.succeeded(c.address)
        c.role = token.role
        c.secret = secret
        c.counters = token.counters
        return .role(token.role)
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

    func scheduleFlush() {
        guard !flushScheduled else { return }
        flushScheduled = true
        // Runs after this pass has read every ready connection: that is what sizes the group commit.
        loop.execute { self.flush() }
    }

    // MARK: commit

    /// Commits what the batch changed, then writes every reply and event of the batch.
    func flush() {
        loop.preconditionInEventLoop()
        flushScheduled = false
        heap.batch()
        if centre.hasChanges { commit() }
        let dirty = centre.takeDirtyQueues()
        let changed = publisher.figures(of: dirty, in: centre) { figures($0) }
        for f in changed { metrics?.setFigures(f.id, f) }
        let (events, encoded) = publisher.take()
        // Before the replies go out: a ticket's end has deleted its push subscription by then.
        pushAfterCommit(events, dirty: dirty)
        batch.clear()
        dispatch(events: encoded)
        if let web {
            let places = pages.changed(in: dirty, centre)
            if !events.isEmpty || !places.isEmpty {
                web.feed.publish(
                    feedBuilder.records(events, places: places, centre: centre, feed: web.feed, speech: web.speech))
            }
        }
        if !storage.failing { onCommit?(centre.waitingCount) }
    }

    private func commit() {
        let changes = centre.takeChanges()
        do {
            let started = NIODeadline.now()
            try store.commit(changes)
            if let metrics {
                metrics.commitTime.recordNanoseconds((NIODeadline.now() - started).nanoseconds)
                metrics.batchSize.record(changes.count)
            }
            batch.metrics.apply(to: metrics)
            for (level, message, metadata) in batch.takeAudited() {
                logger.log(level: level, "\(message)", metadata: metadata)
            }
            if storage.failing {
                storage.failing = false
                logger.notice("storage writes work again")
            }
        } catch {
            if !storage.failing {
                storage.failing = true
                logger.error("storage write failed, answering unavailable until it works: \(error)")
            }
            recoverFromFailedCommit()
        }
    }

    /// Puts the state back to what the store holds, and answers the batch again: its changes refused, its reads
    /// answered from the state read back, the rest as they were.
    private func recoverFromFailedCommit() {
        chores.undo(announcedIn: publisher)
        publisher.discard()
        let entries = batch.failed()
        reloadState()
        _ = centre.takeDirtyQueues()
        for (c, replay) in entries {
            switch replay {
            case .same(let reply): c.send(reply)
            case .refused: c.send(.error(ProtocolError(.unavailable, "storage failed; nothing was changed")))
            case .again(let r):
                if storage.lost && r != .quit {
                    c.send(.error(ProtocolError(.unavailable, "storage failed; nothing was changed")))
                } else {
                    _ = execute(r, for: c)
                }
            }
        }
    }

    /// Hands every touched connection's lines to its I/O loop, and the batch's events to each loop: one task per
    /// loop, which writes them all and keeps its own watchers. The engine's work does not grow with the watchers.
    private func dispatch(events: ByteBuffer?) {
        let touched = batch.takeTouched()
        guard !touched.isEmpty || events != nil else { return }
        let capacity = min(1 << 16, 48 * touched.count / max(1, ioLoops.count))
        var out = ioLoops.map { _ in OutboundBatch(bytes: ByteBufferAllocator().buffer(capacity: capacity)) }
        for c in touched { c.writeOutbox(into: &out[c.handler.io.index]) }
        for (io, b) in zip(ioLoops, out) where !b.entries.isEmpty || events != nil {
            if io.loop.inEventLoop {
                io.deliver(b, events: events)
            } else {
                io.loop.execute { io.deliver(b, events: events) }
            }
        }
    }

    // MARK: time

    /// Once a second: the day change at midnight, queues opening or closing by their hours, idle connections.
    func tick() {
        loop.preconditionInEventLoop()
        let idleSince = NIODeadline.now() - .seconds(options.idleTimeout)
        for c in connections.values where !c.active && c.openedAt < idleSince { c.close() }
        for s in authThrottle.summaryIfDue() {
            logger.warning("\(s.failures) failed AUTH from \(s.peer) in the last minute (\(s.unlogged) not logged one by one)")
        }
        guard !shuttingDown, !storage.lost else {
            if storage.lost { reloadState() }
            return
        }
        heap.tick()
        rollDay()
        backUpIfDue()
        if chores.retentionDue { retireOneDay() }
        centre.markDirty(centre.queueOrder.filter { publisher.openChanged($0, in: centre) })
        if let metrics {
            for id in centre.queueOrder { metrics.setLongestWait(id, centre.longestWait(id) ?? 0) }
            let now = centre.clock.now()
            let kiosks = centre.kioskList
            for k in kiosks { metrics.setKiosk(k, now: now) }
            metrics.keepKiosks(Set(kiosks.map(\.name)))
        }
        if centre.hasChanges || !publisher.events.isEmpty || centre.hasDirtyQueues { flush() }
    }

    /// Rebuilds the centre from what the store holds; while that fails, every request answers `unavailable`.
    private func reloadState() {
        do {
            let snapshot = try store.load(today: centre.calendar.day(containing: centre.clock.now()).date)
            centre = Centre(config: centre.config, clock: centre.clock, snapshot: snapshot)
            if storage.lost { logger.notice("state read back from storage") }
            storage.lost = false
        } catch {
            if !storage.lost { logger.critical("cannot read the state back from storage: \(error)") }
            storage.lost = true
        }
    }

    /// Replaces the configuration and access rules, keeping every ticket and connection.
    func reconfigure(_ config: CentreConfig, access: AccessConfig) {
        loop.preconditionInEventLoop()
        options.access = access
        reapplyAccess()
        flush()
        centre = Centre(config: config, clock: centre.clock, snapshot: centre.snapshot())
        // Names, queues, counters or hours may have changed: screens read them again.
        publisher.publish(.reloaded)
        logEndedAtRemovedCounters(centre, logger)
        for t in centre.endedAtRemovedCounters { publisher.finished(t) }
        centre.markDirty(centre.queueOrder)
        flush()
    }

    /// Who changed what, for the manager and IT: logged once the batch is committed, never for a change that did
    /// not reach the disk.
    func audit(_ level: Logger.Level, _ message: String, _ metadata: Logger.Metadata) {
        batch.audit(level, message, metadata)
    }

    /// Stops taking requests, writes what is pending and closes every connection; completes when they are closed.
    func shutdown() -> EventLoopFuture<Void> {
        loop.preconditionInEventLoop()
        shuttingDown = true
        flush()
        do {
            try store.checkpoint()
        } catch {
            logger.warning("the WAL was not checkpointed at stop (vuoro.db-wal still holds changes): \(error)")
        }
        // Each close is queued on the connection's loop behind the writes handed over just before.
        let closed = connections.values.map { c -> EventLoopFuture<Void> in
            c.close()
            return c.channel.closeFuture
        }
        return EventLoopFuture.andAllComplete(closed, on: loop)
    }
}

/// Says which called tickets a new configuration ended, because their counters are no longer in it.
public func logEndedAtRemovedCounters(_ centre: Centre, _ logger: Logger) {
    for t in centre.endedAtRemovedCounters {
        logger.notice(
            "counter \(t.counter ?? "-") is no longer configured: \(t.number), called to it, ended as done")
    }
}

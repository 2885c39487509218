// The web's event streams (Server-Sent Events): the lobby boards and the tickets' pages follow the same events as
// WATCH. The engine turns each committed batch into records (numbered, encoded once); every I/O loop keeps the
// latest records and its own streams, and writes each stream what its filter lets through. A stream that
// reconnects with `Last-Event-ID` is given what it missed from that ring.
import NIOConcurrencyHelpers
import NIOCore
import VuoroHTTP
import VuoroProtocol

/// One event as the web streams send it: its number, the event (or a ticket's new place, for that ticket's page
/// alone), and its SSE frame (`id:` and `data:`).
struct FeedRecord: Sendable {
    let id: UInt64
    let event: Event?
    /// The ticket whose new place this is.
    var placeOf: String? = nil
    /// The event's queue is discreet: only a board that names it shows it.
    let discreet: Bool
    let lazyFrame: FeedFrame
    /// The SSE frame, written the first time a stream needs it.
    var frame: ByteBuffer { lazyFrame.buffer }
}

/// A record's frame, written once, by whichever loop first needs it (or at once when given).
final class FeedFrame: @unchecked Sendable {
    private let lock = NIOLock()
    private var built: ByteBuffer?
    private var make: (@Sendable () -> ByteBuffer)?

    init(_ frame: ByteBuffer) { built = frame }
    init(_ make: @escaping @Sendable () -> ByteBuffer) { self.make = make }

    var buffer: ByteBuffer {
        lock.withLock {
            if let built { return built }
            let b = make!()
            built = b
            make = nil
            return b
        }
    }
}

/// What a stream is sent.
struct FeedFilter: Hashable, Sendable {
    /// Queue boards: the queues whose calls and figures it shows.
    var queues: Set<String> = []
    /// A counter's board: only what concerns that counter.
    var counter: String?
    /// A ticket's page: that ticket, and its queue's figures (`queues` holds its queue).
    var ticket: String?
    /// The services page: the queues' figures alone.
    var figuresOnly = false

    func passes(_ r: FeedRecord) -> Bool {
        guard let event = r.event else { return r.placeOf != nil && r.placeOf == ticket }
        if figuresOnly {
            switch event {
            case .queue(let f): return queues.contains(f.id)
            case .reloaded, .day: return true
            default: return false
            }
        }
        switch event {
        case .day, .reloaded: return true
        case .called(let t, let q, let c), .recalled(let t, let q, let c, _):
            if let ticket { return t == ticket }
            if let counter { return c == counter }
            return queues.contains(q)
        case .finished(let t, _, _, let c):
            if let ticket { return t == ticket }
            return counter != nil && c == counter
        case .transferred(let t, _, _, let c, _), .parked(let t, _, let c):
            if let ticket { return t == ticket }
            return counter != nil && c == counter
        case .queue(let f): return counter == nil && ticket == nil && queues.contains(f.id)
        case .counter(let id, _, _): return counter == id
        }
    }
}

/// Counts the streams open, to hold the boards to their limit.
final class FeedLimits: Sendable {
    private let open = NIOLockedValueBox((boards: 0, speaking: 0, pages: 0))

    /// Takes a board's place; false past `max`.
    func admitBoard(max: Int, speaks: Bool) -> Bool {
        open.withLockedValue { o in
            guard o.boards < max else { return false }
            o.boards += 1
            if speaks { o.speaking += 1 }
            return true
        }
    }

    func releaseBoard(speaks: Bool) {
        open.withLockedValue { o in
            o.boards -= 1
            if speaks { o.speaking -= 1 }
        }
    }

    func admitPage(max: Int) -> Bool {
        open.withLockedValue { o in
            guard o.pages < max else { return false }
            o.pages += 1
            return true
        }
    }

    func releasePage() { open.withLockedValue { $0.pages -= 1 } }

    /// Whether any board that speaks is open: calls' audio is then made as soon as they happen.
    var anySpeaking: Bool { open.withLockedValue { $0.speaking > 0 } }
    var boards: Int { open.withLockedValue { $0.boards } }
}

/// The streams of one I/O loop and the records it has been handed. Confined to its loop (asserted).
final class LoopFeed: @unchecked Sendable {
    let loop: EventLoop
    /// The latest records, oldest first: what a reconnecting stream may have missed.
    private var ring = CircularBuffer<FeedRecord>(initialCapacity: LoopFeed.ringSize)
    static let ringSize = 2048
    private struct Subscriber {
        let stream: HTTPStream
        let filter: FeedFilter
    }
    private var subscribers: [ObjectIdentifier: Subscriber] = [:]
    private var heartbeat: RepeatedTask?

    init(loop: EventLoop) {
        self.loop = loop
        // A ping every 15 s keeps proxies and the browser from taking a quiet stream for a dead one.
        heartbeat = loop.scheduleRepeatedTask(initialDelay: .seconds(15), delay: .seconds(15)) { [weak self] _ in
            self?.beat()
        }
    }

    deinit { heartbeat?.cancel() }

    /// The oldest record kept, or nil when none.
    var oldest: UInt64? { ring.first?.id }

    func deliver(_ records: [FeedRecord]) {
        loop.preconditionInEventLoop()
        for r in records {
            if ring.count == LoopFeed.ringSize { ring.removeFirst() }
            ring.append(r)
        }
        guard !subscribers.isEmpty else { return }
        // A ticket's new place goes to that ticket's pages alone: looked up, not offered to every stream.
        var events: [FeedRecord] = []
        var places: [String: FeedRecord] = [:]
        for r in records {
            if let t = r.placeOf { places[t] = r } else { events.append(r) }
        }
        // One write a stream: what its filter lets through of the batch, joined once for all streams that share
        // the filter (a hundred boards of the lobby, say).
        var joined: [FeedFilter: ByteBuffer?] = [:]
        for s in subscribers.values {
            var out: ByteBuffer?
            if let known = joined[s.filter] {
                out = known
            } else {
                for r in events where s.filter.passes(r) { LoopFeed.append(r.frame, to: &out) }
                joined[s.filter] = out
            }
            if let t = s.filter.ticket, let place = places[t] { LoopFeed.append(place.frame, to: &out) }
            if let out { s.stream.write(out) }
        }
    }

    static func append(_ frame: ByteBuffer, to out: inout ByteBuffer?) {
        var frame = frame
        if out == nil { out = frame } else { out!.writeBuffer(&frame) }
    }

    /// Whether the records after `id` are all still kept (a stream that reconnects can be given them).
    func covers(after id: UInt64, latest: UInt64) -> Bool {
        loop.preconditionInEventLoop()
        if id >= latest { return true }
        guard let oldest else { return false }
        return oldest <= id + 1
    }

    /// Adds a stream, first writing it the kept records after `after` that its filter lets through.
    func subscribe(_ stream: HTTPStream, _ filter: FeedFilter, after: UInt64) {
        loop.preconditionInEventLoop()
        for r in ring where r.id > after && filter.passes(r) { stream.write(r.frame) }
        let key = ObjectIdentifier(stream)
        subscribers[key] = Subscriber(stream: stream, filter: filter)
        let previous = stream.onEnd
        stream.onEnd = { [weak self] in
            self?.subscribers.removeValue(forKey: key)
            previous?()
        }
    }

    private func beat() {
        // An event, not a comment: a page hears it, and knows its stream is alive (comments reach no script).
        let b = ByteBuffer(string: ServerSentEvent.frame(id: nil, event: "ping", data: "{}"))
        for s in subscribers.values { s.stream.write(b) }
    }

    var count: Int { subscribers.count }
}

/// The web streams of the whole server: one `LoopFeed` per I/O loop, the limits, and the stream ids' epoch.
final class WebFeed: Sendable {
    /// Names this run of the daemon in every event id (`<epoch>-<n>`): an id from before a restart is not taken
    /// for one of this run's.
    let epoch: String
    let loops: [LoopFeed]
    let limits = FeedLimits()
    private let latest = NIOLockedValueBox<UInt64>(0)

    init(loops: [EventLoop], epoch: String) {
        self.epoch = epoch
        self.loops = loops.map(LoopFeed.init)
    }

    func feed(on loop: EventLoop) -> LoopFeed? { loops.first { $0.loop === loop } }

    /// The number of the last record published.
    var lastID: UInt64 { latest.withLockedValue { $0 } }

    /// Hands records to every loop (called on the engine's loop, in order).
    func publish(_ records: [FeedRecord]) {
        guard let last = records.last else { return }
        latest.withLockedValue { $0 = last.id }
        for f in loops { f.loop.execute { f.deliver(records) } }
    }

    /// `Last-Event-ID` as this run's record number; nil for another run's, or not an id.
    func recordNumber(_ lastEventID: String?) -> UInt64? {
        guard let id = lastEventID, id.hasPrefix(epoch + "-") else { return nil }
        return UInt64(id.dropFirst(epoch.count + 1))
    }

    /// An SSE frame with this run's id.
    func frame(id: UInt64, data: String) -> ByteBuffer {
        // The feed's data is compact JSON, one line: written straight into the buffer.
        guard !data.utf8.contains(where: { $0 == 10 || $0 == 13 }) else {
            return ByteBuffer(string: ServerSentEvent.frame(id: "\(epoch)-\(id)", event: nil, data: data))
        }
        var b = ByteBufferAllocator().buffer(capacity: data.utf8.count + epoch.utf8.count + 32)
        b.writeStaticString("id: ")
        b.writeString(epoch)
        b.writeStaticString("-")
        b.writeString(String(id))
        b.writeStaticString("\ndata: ")
        b.writeString(data)
        b.writeStaticString("\n\n")
        return b
    }
}

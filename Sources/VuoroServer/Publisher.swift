// The events of a batch: gathered as its requests apply, completed with the queues whose figures changed, and
// handed over once the batch is committed, encoded once for every watcher.
import NIOCore
import VuoroCore
import VuoroProtocol

/// What the watchers are told. Confined to the engine's loop, like the engine that holds it.
struct Publisher {
    /// This batch's events, in order.
    private(set) var events: [Event] = []
    /// Each queue's figures as last published, so that only a change goes out.
    private var published: [QueueID: Centre.QueueFigures] = [:]

    init(centre: Centre) {
        for id in centre.queueOrder { published[id] = centre.figures(id) }
    }

    mutating func publish(_ e: Event) { events.append(e) }

    /// A ticket that ended: `EVENT finished`, with the counter when a counter ended it.
    mutating func finished(_ t: Ticket) {
        let atCounter = t.state == .done || t.state == .noshow
        publish(.finished(ticket: t.number, state: t.state.rawValue, queue: t.queue, counter: atCounter ? t.counter : nil))
    }

    /// `EVENT queue` for each of `dirty` whose figures differ from those last published; returns them.
    mutating func figures(of dirty: Set<QueueID>, in centre: Centre, as wire: (Centre.QueueFigures) -> QueueFigures)
        -> [Centre.QueueFigures]
    {
        guard !dirty.isEmpty else { return [] }
        var changed: [Centre.QueueFigures] = []
        for id in centre.queueOrder where dirty.contains(id) {
            guard let f = centre.figures(id), published[id] != f else { continue }
            published[id] = f
            changed.append(f)
            events.append(.queue(wire(f)))
        }
        return changed
    }

    /// Whether a queue's open state differs from what was last published (hours that open or close it).
    func openChanged(_ id: QueueID, in centre: Centre) -> Bool {
        centre.figures(id)?.open != published[id]?.open
    }

    /// Whether this batch announces `day`.
    func announces(day: String) -> Bool { events.contains(.day(day)) }

    /// The batch's events, once committed, and the same as one buffer of lines for the watchers (nil when none).
    mutating func take() -> (events: [Event], encoded: ByteBuffer?) {
        guard !events.isEmpty else { return ([], nil) }
        let lines = events.map { $0.format() }
        var b = ByteBufferAllocator().buffer(capacity: lines.reduce(0) { $0 + $1.utf8.count + 1 })
        for l in lines {
            b.writeString(l)
            b.writeInteger(UInt8(10))
        }
        let taken = events
        events.removeAll(keepingCapacity: true)
        return (taken, b)
    }

    /// Drops the batch's events: its commit failed, so none of them happened.
    mutating func discard() { events.removeAll() }
}

// The tickets' pages that follow their ticket live: which tickets have a page open, and each one's place as the
// page last heard it, so that a batch sends each open page its new place only when it changed. On the engine's
// loop, which owns the centre.
import VuoroCore
import VuoroHTTP
import VuoroProtocol

/// A ticket's place as its page shows it.
struct PagePlace: Equatable {
    var position: Int
    /// In whole minutes, as the page says it.
    var wait: Int
    /// The number its queue called last today: how far the queue has got.
    var last: String?
}

/// The tickets with a page open. Confined to the engine's loop.
struct TicketPages {
    private var watched: [Int64: (pages: Int, sent: PagePlace?)] = [:]

    var count: Int { watched.count }

    mutating func watch(_ id: Int64) { watched[id, default: (0, nil)].pages += 1 }

    mutating func unwatch(_ id: Int64) {
        guard let w = watched[id] else { return }
        watched[id] = w.pages > 1 ? (w.pages - 1, w.sent) : nil
    }

    /// The place of a waiting ticket now; nil for one that does not wait. `last`: the number its queue called
    /// last, when the caller knows it already.
    static func place(_ t: Ticket, _ centre: Centre, last: String?? = nil) -> PagePlace? {
        guard let v = try? centre.view(t.number), v.ticket.id == t.id, let p = v.position else { return nil }
        return PagePlace(position: p, wait: waitMinutes(v.wait ?? 0), last: last ?? centre.lastCalled(in: t.queue))
    }

    static func json(_ number: String, _ p: PagePlace) -> String {
        JSON.object([
            ("type", .string("place")), ("ticket", .string(number)), ("position", .number(p.position)),
            ("wait", .number(p.wait)), ("last", p.last.map(JSON.string) ?? .null),
        ]).serialized()
    }

    /// The open pages whose ticket, waiting in one of `dirty`, has a new place: its number and the new place.
    mutating func changed(in dirty: Set<QueueID>, _ centre: Centre) -> [(number: String, place: PagePlace)] {
        guard !watched.isEmpty, !dirty.isEmpty else { return [] }
        var out: [(String, PagePlace)] = []
        var last: [QueueID: String?] = [:]
        for (id, w) in watched {
            guard let t = centre.ticket(id: id), t.state == .waiting, dirty.contains(t.queue) else { continue }
            if last[t.queue] == nil { last[t.queue] = .some(centre.lastCalled(in: t.queue)) }
            guard let p = TicketPages.place(t, centre, last: last[t.queue]!), p != w.sent else { continue }
            watched[id]!.sent = p
            out.append((t.number, p))
        }
        return out
    }

    /// Records the place a page was just given, so that only a change is sent after it.
    mutating func sent(_ id: Int64, _ p: PagePlace?) { watched[id]?.sent = p }
}

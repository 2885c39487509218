// What the centre keeps of the day beyond its live tickets: finished tickets stay in the store (the archive) and
// are read from it when asked for, so that memory does not grow with the day's visits. Compact indexes of the
// day (the ISSUE keys, the latest calls, each queue's numbering and service times) stay in memory.

/// Committed tickets, read when the centre no longer holds them (vuorod's store).
public protocol TicketArchive: AnyObject {
    /// The committed ticket with this id.
    func ticket(id: Int64) -> Ticket?
    /// The day's latest committed ticket with this number.
    func latest(number: String, day: String) -> Ticket?
}

/// The day's `ISSUE` keys: a 64-bit hash of each key to its ticket's id (the ticket holds the key itself, to
/// check a match), and the rare key whose hash another key of the day has, by the key.
public struct RequestIndex: Equatable, Sendable {
    var hashed: [UInt64: Int64] = [:]
    var overflow: [String: Int64] = [:]

    public init() {}

    public var count: Int { hashed.count + overflow.count }

    /// FNV-1a over the key's bytes: the same in every process, as the store's loading needs.
    public static func hash(_ key: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key.utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return h
    }

    /// The id of the ticket this key may name; its ticket's own key says whether it does.
    public func candidate(_ key: String) -> Int64? { overflow[key] ?? hashed[RequestIndex.hash(key)] }

    /// Adds `key` for ticket `id`; `keyOf` gives the key of the ticket already under the same hash, if any.
    public mutating func insert(_ key: String, _ id: Int64, keyOf: (Int64) -> String?) {
        let h = RequestIndex.hash(key)
        if let other = hashed[h], other != id, keyOf(other) != key {
            overflow[key] = id
        } else {
            hashed[h] = id
        }
    }

    mutating func removeAll() {
        hashed.removeAll()
        overflow.removeAll()
    }
}

/// One of the day's latest calls, as `CALLED` and the boards show it.
public struct RecentCall: Equatable, Sendable {
    public var id: Int64
    public var number: String
    /// The queue it was called from.
    public var queue: QueueID
    public var counter: CounterID
    public var at: Millis
    public var calls: Int
    public init(id: Int64, number: String, queue: QueueID, counter: CounterID, at: Millis, calls: Int) {
        self.id = id
        self.number = number
        self.queue = queue
        self.counter = counter
        self.at = at
        self.calls = calls
    }
}

/// A queue's day as it outlives a restart without its finished tickets: the number part handed out last, and its
/// last service times (seconds, oldest first) for the estimates.
public struct QueueDay: Equatable, Sendable {
    public var queue: QueueID
    public var day: String
    public var lastSeq: Int
    public var services: [Int]
    public init(queue: QueueID, day: String, lastSeq: Int, services: [Int]) {
        self.queue = queue
        self.day = day
        self.lastSeq = lastSeq
        self.services = services
    }
}

// The waiting tickets of one queue, one ordered line per priority, and the queue's running figures.

/// A waiting ticket's place in a line: ordered by `rank`, then by `place` (issue order, unless it stepped back).
struct LineEntry: Comparable {
    var rank: Millis
    var place: Int64
    var id: Int64
    static func < (a: LineEntry, b: LineEntry) -> Bool { a.rank != b.rank ? a.rank < b.rank : a.place < b.place }
}

extension Ticket {
    /// Where it stands in its queue's line while it waits.
    var entry: LineEntry { LineEntry(rank: rank, place: place, id: id) }
}

/// A queue at run time: its configuration, its waiting tickets and what its estimates need.
struct QueueLine {
    var config: QueueConfig
    /// Closed by `CLOSE` until `OPEN`.
    var closed: Bool = false
    /// No longer in the configuration: serves the tickets it holds, issues no new ones.
    var removed: Bool = false
    /// Index = priority 0...9; each sorted ascending.
    var lines: [[LineEntry]] = Array(repeating: [], count: 10)
    /// Checked-in booked visits, by due time (their `rank`): called at it, ahead of the walk-ins in `lines`.
    var booked: [LineEntry] = []
    /// Every waiting ticket of the queue: in `lines`, in `booked`, and those in a counter's own line.
    var waiting: Int = 0
    /// Of those, in a counter's own line: served ahead of the walk-ins by a counter of the queue.
    var held: Int = 0
    /// Service times (seconds) of today's last services, oldest first, at most 20.
    var recentServices: [Int] = []

    init(config: QueueConfig) { self.config = config }

    mutating func insert(_ entry: LineEntry, priority: Int) {
        lines[priority].insertSorted(entry)
        waiting += 1
    }

    mutating func remove(_ entry: LineEntry, priority: Int) {
        if lines[priority].removeSorted(entry) { waiting -= 1 }
    }

    mutating func insertBooked(_ entry: LineEntry) {
        booked.insertSorted(entry)
        waiting += 1
    }

    mutating func removeBooked(_ entry: LineEntry) {
        if booked.removeSorted(entry) { waiting -= 1 }
    }

    /// 1 + the booked visits due before `entry`.
    func bookedPosition(of entry: LineEntry) -> Int { booked.partitioningIndex { !($0 < entry) } + 1 }

    /// Empties every line, at the day change.
    mutating func clear() {
        lines = Array(repeating: [], count: 10)
        booked.removeAll()
        waiting = 0
        held = 0
        recentServices.removeAll()
    }

    /// 1 + the waiting tickets this queue calls before `entry`.
    func position(of entry: LineEntry, priority: Int) -> Int {
        var ahead = 0
        for p in stride(from: 9, to: priority, by: -1) { ahead += lines[p].count }
        ahead += lines[priority].partitioningIndex { !($0 < entry) }
        return ahead + 1
    }

    /// The position a new ticket of `priority` would get.
    func positionForNew(priority: Int) -> Int {
        var ahead = 0
        for p in priority...9 { ahead += lines[p].count }
        return ahead + 1
    }

    /// The lowest rank among waiting tickets of `priority`, for transfers to the front.
    func frontRank(priority: Int) -> Millis? { lines[priority].first?.rank }

    /// Services of the day below which the configured time fills in for the missing ones.
    static let servicesBeforeMeasured = 5

    /// Mean service time in seconds: of today's last 20 services, with the configured time counted in place of
    /// each one missing below five. One quick first service of the day (a call taken back at once) moves the
    /// estimates by a fifth of the difference, not all the way.
    var meanServiceTime: Double {
        let missing = max(0, QueueLine.servicesBeforeMeasured - recentServices.count)
        let total = recentServices.reduce(0, +) + missing * config.serviceTime
        return Double(total) / Double(recentServices.count + missing)
    }

    mutating func recordService(seconds: Int) {
        if recentServices.count == 20 { recentServices.removeFirst() }
        recentServices.append(seconds)
    }
}

extension Array where Element == LineEntry {
    mutating func insertSorted(_ entry: LineEntry) {
        if let last, entry < last {
            insert(entry, at: partitioningIndex { entry < $0 })
        } else {
            append(entry)
        }
    }

    /// Removes the entry; false when it is not there.
    mutating func removeSorted(_ entry: LineEntry) -> Bool {
        let i = partitioningIndex { !($0 < entry) }
        guard i < count && self[i] == entry else { return false }
        remove(at: i)
        return true
    }
}

extension Array {
    /// The first index whose element satisfies `belongs`, for a predicate false then true along the array.
    func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
        var lo = 0
        var hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if belongs(self[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

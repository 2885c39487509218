// Statistics of a service day from its tickets: counts, waiting and service times, waits over the target, and
// how far the estimates given at ISSUE were from the real waits.

/// How statistics are grouped.
public enum StatsGrouping: String, CaseIterable, Sendable {
    case queue, counter, hour
}

/// The figures of one group (a queue, a counter or an hour of issue) on one day. Times in whole seconds.
public struct DayStats: Equatable, Sendable {
    public var key: String
    public var issued = 0
    public var served = 0
    public var noshow = 0
    public var cancelled = 0
    /// Tickets that came to the group by transfer: by queue, those that ended in it after a transfer; by counter
    /// or hour, those transferred at least once.
    public var transferredIn = 0
    /// By queue: tickets issued with the queue's numbers that ended in another queue (sent on). By counter or hour:
    /// 0, as a ticket's history of counters is not kept.
    public var transferredOut = 0
    public var expired = 0
    public var waitMean = 0
    public var waitMedian = 0
    public var waitP90 = 0
    public var serviceMean = 0
    public var serviceP90 = 0
    /// Tickets called after waiting longer than the site's target.
    public var overTarget = 0
    /// Mean absolute error of the estimate given at ISSUE against the real wait (tickets never transferred).
    public var estimateError = 0
    /// Booked visits checked in (a check-in's ticket counts here, and in `issued`).
    public var booked = 0
    /// Of those, checked in after the grace: served as walk-ins.
    public var bookedLate = 0
    /// Appointments of the day never checked in (cancelled ones are not counted).
    public var bookedNoshow = 0
    /// Mean wait of booked visits from check-in to call.
    public var bookedWaitMean = 0
    /// Punctuality: mean seconds a booked visit was called after its due time (0 for one called at or before it).
    public var bookedDelayMean = 0
    /// Mean wait of walk-ins (every ticket without a booking).
    public var walkinWaitMean = 0

    /// How many figures a group has.
    public static let count = 20

    public init(key: String) { self.key = key }

    /// Rebuilds figures stored in the order of `fields`.
    public init(key: String, values: [Int]) {
        self.key = key
        let v = values + Array(repeating: 0, count: max(0, DayStats.count - values.count))
        (issued, served, noshow, cancelled, transferredIn, transferredOut) = (v[0], v[1], v[2], v[3], v[4], v[5])
        (expired, waitMean, waitMedian, waitP90, serviceMean, serviceP90) = (v[6], v[7], v[8], v[9], v[10], v[11])
        (overTarget, estimateError, booked, bookedLate, bookedNoshow) = (v[12], v[13], v[14], v[15], v[16])
        (bookedWaitMean, bookedDelayMean, walkinWaitMean) = (v[17], v[18], v[19])
    }

    /// Field names and values in protocol order.
    public var fields: [(String, Int)] {
        [
            ("issued", issued), ("served", served), ("noshow", noshow), ("cancelled", cancelled),
            ("transferred_in", transferredIn), ("transferred_out", transferredOut), ("expired", expired), ("wait_mean", waitMean), ("wait_median", waitMedian),
            ("wait_p90", waitP90), ("service_mean", serviceMean), ("service_p90", serviceP90),
            ("over_target", overTarget), ("estimate_error", estimateError), ("booked", booked),
            ("booked_late", bookedLate), ("booked_noshow", bookedNoshow), ("booked_wait_mean", bookedWaitMean),
            ("booked_delay_mean", bookedDelayMean), ("walkin_wait_mean", walkinWaitMean),
        ]
    }

    /// Computes the figures of `tickets` and the day's `appointments` grouped by `grouping`; `hourOf` gives the
    /// local hour of an instant.
    public static func compute(
        _ tickets: [Ticket], appointments: [Appointment] = [], by grouping: StatsGrouping, waitTarget: Int,
        hourOf: (Millis) -> Int
    ) -> [DayStats] {
        var groups: [String: [Ticket]] = [:]
        // Appointments never checked in: by queue, by the counter booked (none: not counted), by the hour due.
        var missed: [String: Int] = [:]
        for a in appointments where a.ticket == nil {
            let key: String? =
                switch grouping {
                case .queue: a.queue
                case .counter: a.counter
                case .hour: pad(hourOf(a.due), 2)
                }
            if let key { missed[key, default: 0] += 1 }
        }
        for key in missed.keys where groups[key] == nil { groups[key] = [] }
        for t in tickets {
            let key: String
            switch grouping {
            case .queue: key = t.queue
            case .counter:
                guard let c = t.counter else { continue }
                key = c
            case .hour: key = pad(hourOf(t.issuedAt), 2)
            }
            groups[key, default: []].append(t)
        }
        // By queue, a ticket counts as issued by the queue whose number it carries, and its outcome in the queue
        // it ended in: a queue that sent all its tickets elsewhere still shows what it issued.
        var issuedBy: [String: Int] = [:]
        var sentOn: [String: Int] = [:]
        if grouping == .queue {
            for t in tickets {
                issuedBy[t.origin, default: 0] += 1
                if t.queue != t.origin { sentOn[t.origin, default: 0] += 1 }
            }
            for origin in issuedBy.keys where groups[origin] == nil { groups[origin] = [] }
        }
        return groups.keys.sorted().map { key in
            let ts = groups[key]!
            var s = DayStats(key: key)
            s.issued = grouping == .queue ? issuedBy[key] ?? 0 : ts.count
            s.transferredOut = sentOn[key] ?? 0
            s.bookedNoshow = missed[key] ?? 0
            var bookedWaits: [Int] = []
            var delays: [Int] = []
            var walkinWaits: [Int] = []
            var waits: [Int] = []
            var services: [Int] = []
            var errors: [Int] = []
            for t in ts {
                switch t.state {
                case .done: s.served += 1
                case .noshow: s.noshow += 1
                case .cancelled: s.cancelled += 1
                case .expired: s.expired += 1
                case .waiting, .called, .parked: break
                }
                if t.booking != nil {
                    s.booked += 1
                    if t.due == nil && t.transfers == 0 { s.bookedLate += 1 }
                }
                if t.transfers > 0 && (grouping != .queue || t.origin != key) { s.transferredIn += 1 }
                if let called = t.calledAt {
                    let wait = Int(max(0, called - t.waitingSince) / 1000)
                    waits.append(wait)
                    if t.booking == nil { walkinWaits.append(wait) } else { bookedWaits.append(wait) }
                    if let due = t.due, t.transfers == 0 { delays.append(Int(max(0, called - due) / 1000)) }
                    if wait > waitTarget { s.overTarget += 1 }
                    if t.transfers == 0 { errors.append(abs(t.estimate - Int(max(0, called - t.issuedAt) / 1000))) }
                    if t.state == .done, let end = t.finishedAt { services.append(Int(max(0, end - called) / 1000)) }
                }
            }
            s.waitMean = mean(waits)
            s.waitMedian = percentile(waits, 0.5)
            s.waitP90 = percentile(waits, 0.9)
            s.serviceMean = mean(services)
            s.serviceP90 = percentile(services, 0.9)
            s.estimateError = mean(errors)
            s.bookedWaitMean = mean(bookedWaits)
            s.bookedDelayMean = mean(delays)
            s.walkinWaitMean = mean(walkinWaits)
            return s
        }
    }

    static func mean(_ xs: [Int]) -> Int {
        xs.isEmpty ? 0 : Int((Double(xs.reduce(0, +)) / Double(xs.count)).rounded())
    }

    /// Nearest-rank percentile.
    static func percentile(_ xs: [Int], _ p: Double) -> Int {
        guard !xs.isEmpty else { return 0 }
        let sorted = xs.sorted()
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }
}

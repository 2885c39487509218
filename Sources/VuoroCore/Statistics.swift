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

    public init(key: String) { self.key = key }

    /// Rebuilds figures stored in the order of `fields`.
    public init(key: String, values: [Int]) {
        self.key = key
        let v = values + Array(repeating: 0, count: max(0, 14 - values.count))
        (issued, served, noshow, cancelled, transferredIn, transferredOut) = (v[0], v[1], v[2], v[3], v[4], v[5])
        (expired, waitMean, waitMedian, waitP90, serviceMean, serviceP90) = (v[6], v[7], v[8], v[9], v[10], v[11])
        (overTarget, estimateError) = (v[12], v[13])
    }

    /// Field names and values in protocol order.
    public var fields: [(String, Int)] {
        [
            ("issued", issued), ("served", served), ("noshow", noshow), ("cancelled", cancelled),
            ("transferred_in", transferredIn), ("transferred_out", transferredOut), ("expired", expired), ("wait_mean", waitMean), ("wait_median", waitMedian),
            ("wait_p90", waitP90), ("service_mean", serviceMean), ("service_p90", serviceP90),
            ("over_target", overTarget), ("estimate_error", estimateError),
        ]
    }

    /// Computes the figures of `tickets` grouped by `grouping`; `hourOf` gives the local hour of an instant.
    public static func compute(
        _ tickets: [Ticket], by grouping: StatsGrouping, waitTarget: Int, hourOf: (Millis) -> Int
    ) -> [DayStats] {
        var groups: [String: [Ticket]] = [:]
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
            var waits: [Int] = []
            var services: [Int] = []
            var errors: [Int] = []
            for t in ts {
                switch t.state {
                case .done: s.served += 1
                case .noshow: s.noshow += 1
                case .cancelled: s.cancelled += 1
                case .expired: s.expired += 1
                case .waiting, .called: break
                }
                if t.transfers > 0 && (grouping != .queue || t.origin != key) { s.transferredIn += 1 }
                if let called = t.calledAt {
                    let wait = Int(max(0, called - t.waitingSince) / 1000)
                    waits.append(wait)
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

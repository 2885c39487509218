// The store's service days: a day's tickets, the days that have tickets, and retention, which keeps a day's
// statistics and deletes its tickets in one transaction.
import VuoroCore

extension Store {
    /// Every ticket of a service day.
    public func tickets(day: String) throws -> [Ticket] {
        let s = try db.prepare("\(Store.ticketColumns) WHERE day = ?1")
        s.bind(1, day)
        var out: [Ticket] = []
        while try s.step() { if let t = Store.ticket(s) { out.append(t) } }
        return out
    }

    /// Days before `day` that still have tickets or appointments, oldest first.
    public func ticketDays(before day: String) throws -> [String] {
        let s = try db.prepare(
            "SELECT day FROM ticket WHERE day < ?1 UNION SELECT day FROM appointment WHERE day < ?1 ORDER BY day")
        s.bind(1, day)
        var out: [String] = []
        while try s.step() { if let d = s.text(0) { out.append(d) } }
        return out
    }

    /// The statistics kept for a retired day, or nil when none were kept.
    public func savedStats(day: String, grouping: StatsGrouping) throws -> [DayStats]? {
        let s = try db.prepare(
            """
            SELECT key, issued, served, noshow, cancelled, transferred, transferred_out, expired, wait_mean,
              wait_median, wait_p90, service_mean, service_p90, over_target, estimate_error, booked, booked_late,
              booked_noshow, booked_wait_mean, booked_delay_mean, walkin_wait_mean FROM daily_stats
            WHERE day = ?1 AND grouping = ?2 ORDER BY key
            """)
        s.bind(1, day)
        s.bind(2, grouping.rawValue)
        var out: [DayStats] = []
        while try s.step() {
            let d = DayStats(key: s.text(0) ?? "", values: (1...DayStats.count).map { Int(s.int(Int32($0))) })
            out.append(d)
        }
        let any = try db.prepare("SELECT 1 FROM daily_stats WHERE day = ?1 LIMIT 1")
        any.bind(1, day)
        return try any.step() ? out : nil
    }

    /// Keeps a day's statistics and deletes its tickets, in one transaction.
    public func retire(day: String, stats: [StatsGrouping: [DayStats]]) throws {
        if let fault = injectedFault { throw fault }
        let put = try db.prepare(
            """
            INSERT OR REPLACE INTO daily_stats(day, grouping, key, issued, served, noshow, cancelled, transferred,
              transferred_out, expired, wait_mean, wait_median, wait_p90, service_mean, service_p90, over_target,
              estimate_error, booked, booked_late, booked_noshow, booked_wait_mean, booked_delay_mean, walkin_wait_mean)
              VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23)
            """)
        let delete = try db.prepare("DELETE FROM ticket WHERE day = ?1")
        let deleteAppointments = try db.prepare("DELETE FROM appointment WHERE day = ?1")
        do {
            try begin.run()
            for (grouping, rows) in stats {
                for r in rows {
                    put.bind(1, day)
                    put.bind(2, grouping.rawValue)
                    put.bind(3, r.key)
                    for (i, f) in r.fields.enumerated() { put.bind(Int32(4 + i), f.1) }
                    try put.run()
                }
            }
            delete.bind(1, day)
            try delete.run()
            deleteAppointments.bind(1, day)
            try deleteAppointments.run()
            try commitStatement.run()
        } catch {
            if !db.isAutocommit { try? db.execute("ROLLBACK") }
            throw error
        }
    }
}

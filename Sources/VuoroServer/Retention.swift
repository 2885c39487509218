// Retention: days older than `retention_days` keep only their statistics; their tickets are deleted.
import VuoroCore
import VuoroStore

/// Retires old service days and computes statistics for any day.
public enum Retention {
    /// Keeps the statistics of each day older than the retention period and deletes its tickets.
    /// Returns the days retired.
    @discardableResult
    public static func run(
        store: Store, config: CentreConfig, calendar: ServiceCalendar, now: Millis, maxDays: Int = .max
    ) throws -> [String] {
        let cutoff = calendar.day(containing: now - Millis(config.retentionDays) * 86_400_000).date
        var retired: [String] = []
        for day in try store.ticketDays(before: cutoff).prefix(maxDays) {
            let tickets = try store.tickets(day: day)
            let booked = try store.appointments(day: day)
            var stats: [StatsGrouping: [DayStats]] = [:]
            for g in StatsGrouping.allCases { stats[g] = compute(tickets, booked, g, config, calendar) }
            try store.retire(day: day, stats: stats)
            retired.append(day)
        }
        return retired
    }

    static func compute(
        _ tickets: [Ticket], _ booked: [Appointment], _ g: StatsGrouping, _ config: CentreConfig,
        _ calendar: ServiceCalendar
    ) -> [DayStats] {
        DayStats.compute(
            tickets, appointments: booked, by: g, waitTarget: config.waitTarget, hourOf: { calendar.civil($0).hour })
    }

    /// A day's statistics: a kept day from its saved figures, else from its tickets (today's as committed: the
    /// centre holds only the live ones).
    static func stats(day: String, by g: StatsGrouping, centre: Centre, store: Store) throws -> [DayStats] {
        if day == centre.today.date {
            return compute(try store.tickets(day: day), centre.bookings(day: day), g, centre.config, centre.calendar)
        }
        if let saved = try store.savedStats(day: day, grouping: g) { return saved }
        return compute(
            try store.tickets(day: day), try store.appointments(day: day), g, centre.config, centre.calendar)
    }
}

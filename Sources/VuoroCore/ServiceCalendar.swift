// The site's time zone: which service day an instant belongs to, and local clock readings for opening hours.
import Foundation

/// A service day: the calendar date in the site's time zone, and the instants where it starts and ends.
public struct ServiceDay: Equatable, Sendable {
    /// `YYYY-MM-DD` in the site's time zone.
    public let date: String
    public let start: Millis
    public let end: Millis
    public func contains(_ t: Millis) -> Bool { t >= start && t < end }
}

/// Maps instants to the site's local time. Time zone rules come from the system's tz database.
public struct ServiceCalendar: Sendable {
    public let timeZone: TimeZone
    private let calendar: Calendar

    public init?(timeZoneIdentifier: String) {
        guard let tz = TimeZone(identifier: timeZoneIdentifier) else { return nil }
        timeZone = tz
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = tz
        calendar = cal
    }

    /// Seconds east of UTC at the instant `t`.
    public func offsetSeconds(at t: Millis) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t) / 1000))
    }

    public func civil(_ t: Millis) -> CivilTime { CivilTime(millis: t, offsetSeconds: offsetSeconds(at: t)) }

    /// The service day that contains `t`: from local midnight to the next local midnight.
    public func day(containing t: Millis) -> ServiceDay {
        let date = Date(timeIntervalSince1970: Double(t) / 1000)
        let start = calendar.startOfDay(for: date)
        let end = calendar.date(byAdding: .day, value: 1, to: start) ?? start.addingTimeInterval(86_400)
        return ServiceDay(
            date: civil(t).dateString,
            start: Millis((start.timeIntervalSince1970 * 1000).rounded()),
            end: Millis((end.timeIntervalSince1970 * 1000).rounded()))
    }

    /// The instant of local time `minute` (minutes after midnight) on the day `daysAhead` after the day of `t`.
    /// The local wall-clock time, also on the days the clocks change: 08:00 is 08:00 though the night before was
    /// an hour shorter or longer (a time the change skips is taken as the first one after it).
    public func instant(daysAfter daysAhead: Int, of t: Millis, minute: Int) -> Millis {
        var day = self.day(containing: t)
        for _ in 0..<max(0, daysAhead) { day = self.day(containing: day.end) }
        let date = civil(day.start)
        let wall = DateComponents(
            year: date.year, month: date.month, day: date.day, hour: minute / 60, minute: minute % 60)
        guard let result = calendar.date(from: wall) else {
            return day.start + Millis(minute) * 60_000
        }
        return Millis((result.timeIntervalSince1970 * 1000).rounded())
    }

    /// The instant of a local date and time (`YYYY-MM-DD`, hour, minute, second); with `offset` (seconds east of
    /// UTC) the instant that offset names. A local time that the clocks skip is taken as the first one after it.
    public func instant(date: String, hour: Int, minute: Int, second: Int, offset: Int?) -> Millis? {
        let parts = date.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        if let offset {
            let days = CivilTime.days(year: parts[0], month: parts[1], day: parts[2])
            return Millis(days * 86_400 + hour * 3600 + minute * 60 + second - offset) * 1000
        }
        let wall = DateComponents(
            year: parts[0], month: parts[1], day: parts[2], hour: hour, minute: minute, second: second)
        return calendar.date(from: wall).map { Millis(($0.timeIntervalSince1970 * 1000).rounded()) }
    }

    /// RFC 3339 with the local offset, as in `CALLED`: `2026-05-18T10:25:03+03:00`.
    public func timestamp(_ t: Millis) -> String {
        let offset = offsetSeconds(at: t)
        let c = CivilTime(millis: t, offsetSeconds: offset)
        let sign = offset < 0 ? "-" : "+"
        let off = abs(offset) / 60
        return "\(c.dateString)T\(c.timeString):\(pad(c.second, 2))\(sign)\(pad(off / 60, 2)):\(pad(off % 60, 2))"
    }
}

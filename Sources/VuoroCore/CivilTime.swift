// Calendar arithmetic on days since the epoch (proleptic Gregorian), without Foundation on the hot path.

/// A local date and time of day, as shown on tickets and in `CALLED`.
public struct CivilTime: Equatable, Sendable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// 1 = Monday ... 7 = Sunday.
    public var weekday: Int

    /// The civil time of `millis` shifted by `offsetSeconds` from UTC.
    public init(millis: Millis, offsetSeconds: Int) {
        let seconds = Int(millis.floorDiv(1000)) + offsetSeconds
        let days = seconds.floorDiv(86_400)
        let secondOfDay = seconds - days * 86_400
        (year, month, day) = CivilTime.civil(fromDays: days)
        hour = secondOfDay / 3600
        minute = secondOfDay / 60 % 60
        second = secondOfDay % 60
        // 1970-01-01 was a Thursday (4).
        weekday = (days + 3).floorMod(7) + 1
    }

    /// `YYYY-MM-DD`.
    public var dateString: String { "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))" }

    /// `HH:MM`.
    public var timeString: String { "\(pad(hour, 2)):\(pad(minute, 2))" }

    /// Minutes since local midnight.
    public var minuteOfDay: Int { hour * 60 + minute }

    /// Howard Hinnant's days-to-civil algorithm.
    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// Days since the epoch of a civil date.
    public static func days(year y0: Int, month m: Int, day d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

@inline(__always) func pad(_ value: Int, _ width: Int) -> String {
    let s = String(value)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

extension BinaryInteger {
    @inline(__always) func floorDiv(_ d: Self) -> Self {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
    @inline(__always) func floorMod(_ d: Self) -> Self { self - floorDiv(d) * d }
}

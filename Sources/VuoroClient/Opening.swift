// What the signs say of a closed queue's next opening, from the `opens=` field of STATUS, QUEUES and EVENT queue.
import Foundation
import VuoroProtocol

public enum Opening {
    /// "avautuu 08:00" when `timestamp` (the site's local time with its offset, `2026-11-23T08:00:00+02:00`) is
    /// today there, else with its weekday: "avautuu ma 08:00". Nil when it is not such a timestamp.
    public static func text(_ timestamp: String?, lang: String, now: Date = Date()) -> String? {
        guard let ts = timestamp, ts.count == 25, let at = ISO8601DateFormatter().date(from: ts) else { return nil }
        let sign = ts[ts.index(ts.startIndex, offsetBy: 19)] == "-" ? -1 : 1
        let hours = Int(ts.dropFirst(20).prefix(2)) ?? 0
        let minutes = Int(ts.suffix(2)) ?? 0
        guard let zone = TimeZone(secondsFromGMT: sign * (hours * 3600 + minutes * 60)) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let time = String(ts.dropFirst(11).prefix(5))
        return SignWords.opens(
            lang: lang, today: calendar.isDate(at, inSameDayAs: now),
            sundayFirst: calendar.component(.weekday, from: at) - 1, time: time)
    }
}

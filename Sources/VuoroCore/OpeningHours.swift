// Opening hours of a queue: periods of local time per weekday, parsed from the configuration's notation.

/// A period of a day, in minutes after local midnight, `start` inclusive and `end` exclusive.
public struct OpenPeriod: Equatable, Sendable {
    public let start: Int
    public let end: Int
    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }
}

/// Why a piece of the hours notation was refused.
public struct HoursError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// When a queue hands out tickets: for each weekday (Monday first) a list of periods; a day without periods is closed.
///
/// Notation: `"08:00-18:00"` every day, `"08:00-12:00,13:00-16:00"` two periods, or per weekday
/// `{ mon-fri = "08:00-18:00", sat = "10:00-14:00" }` where a day left out is closed.
public struct OpeningHours: Equatable, Sendable {
    /// Index 0 is Monday, 6 is Sunday.
    public var days: [[OpenPeriod]]

    public static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    public init(days: [[OpenPeriod]]) {
        precondition(days.count == 7)
        self.days = days
    }

    /// The same periods every day of the week.
    public static func parse(everyDay text: String) throws -> OpeningHours {
        let periods = try parsePeriods(text)
        return OpeningHours(days: Array(repeating: periods, count: 7))
    }

    /// Periods per weekday: keys are a day (`sat`) or a range of days (`mon-fri`).
    public static func parse(weekly entries: [(key: String, value: String)]) throws -> OpeningHours {
        var days: [[OpenPeriod]?] = Array(repeating: nil, count: 7)
        for (key, value) in entries {
            let range = try parseDays(key)
            let periods = try parsePeriods(value)
            for d in range {
                if days[d] != nil { throw HoursError("\(dayNames[d]) is given twice") }
                days[d] = periods
            }
        }
        return OpeningHours(days: days.map { $0 ?? [] })
    }

    /// The notation this was parsed from, normalised: `mon-fri=08:00-18:00 sat=10:00-14:00`.
    public var description: String {
        var parts: [String] = []
        var i = 0
        while i < 7 {
            var j = i
            while j + 1 < 7 && days[j + 1] == days[i] { j += 1 }
            if !days[i].isEmpty {
                let name = i == j ? OpeningHours.dayNames[i] : "\(OpeningHours.dayNames[i])-\(OpeningHours.dayNames[j])"
                let periods = days[i].map { "\(hhmm($0.start))-\(hhmm($0.end))" }.joined(separator: ",")
                parts.append(i == 0 && j == 6 ? periods : "\(name)=\(periods)")
            }
            i = j + 1
        }
        return parts.isEmpty ? "closed" : parts.joined(separator: " ")
    }

    static func parseDays(_ key: String) throws -> ClosedRange<Int> {
        let names = key.lowercased().split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard names.count == 1 || names.count == 2,
            let a = dayNames.firstIndex(of: names[0]),
            let b = dayNames.firstIndex(of: names[names.count - 1]), a <= b
        else { throw HoursError("'\(key)' is not a weekday or a range of weekdays such as mon-fri") }
        return a...b
    }

    public static func parsePeriods(_ text: String) throws -> [OpenPeriod] {
        let trimmed = text.trimmingSpaces
        if trimmed == "closed" || trimmed.isEmpty { return [] }
        var periods: [OpenPeriod] = []
        for part in trimmed.split(separator: ",") {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false)
            guard ends.count == 2, let start = parseMinute(ends[0]), let end = parseMinute(ends[1]) else {
                throw HoursError("'\(part.trimmingSpaces)' is not a period such as 08:00-18:00")
            }
            guard start < end else { throw HoursError("'\(part.trimmingSpaces)' ends before it starts") }
            if let last = periods.last, start < last.end {
                throw HoursError("'\(part.trimmingSpaces)' overlaps or precedes the period before it")
            }
            periods.append(OpenPeriod(start: start, end: end))
        }
        return periods
    }

    static func parseMinute(_ s: Substring) -> Int? {
        let t = s.trimmingSpaces
        let hm = t.split(separator: ":", omittingEmptySubsequences: false)
        guard hm.count == 2, hm[0].count == 2, hm[1].count == 2,
            let h = Int(hm[0]), let m = Int(hm[1]), h >= 0, m >= 0, m < 60, h < 24 || (h == 24 && m == 0)
        else { return nil }
        return h * 60 + m
    }
}

func hhmm(_ minute: Int) -> String { "\(pad(minute / 60, 2)):\(pad(minute % 60, 2))" }

extension StringProtocol {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}

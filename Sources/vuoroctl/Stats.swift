// vuoroctl stats: a day's or a range's figures per queue, counter or hour, as a table, CSV or JSON.
import ArgumentParser
import Foundation
import VuoroClient
import VuoroCore
import VuoroProtocol

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Statistics of a day or a range of days, per queue, counter or hour (admin).",
        discussion: """
            Per group: tickets issued, served, no-shows, cancelled, transferred in and out, expired; waiting time \
            mean, median and 90th percentile; service time mean and 90th percentile; how many waited longer than \
            the site's wait_target; and the mean error of the wait estimates given at the kiosk. Times in seconds. \
            By queue, a ticket counts as issued by the queue whose number it carries, and its outcome in the \
            queue it ended in (see protocol.md, Statistics). Without --date: the service day now, in the site's \
            time zone (at 00:20 in Helsinki that is already the new day), which the output names.
            """)
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "The day, YYYY-MM-DD (default: the site's service day now).") var date: String?
    @Option(help: "The last day of a range starting at --date.") var to: String?
    @Option(help: "queue, counter or hour.") var by = "queue"
    @Flag(help: "Comma-separated values with a header line, for a spreadsheet.") var csv = false

    static let format: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return f
    }()

    /// Every figure of a group, in the protocol's order.
    static let figures = DayStats(key: "").fields.map(\.0)

    func days() throws -> [String?] {
        for (name, day) in [("--date", date), ("--to", to)] {
            if let day, !isCalendarDate(day) { throw ValidationError("\(name): \(day) is not a day YYYY-MM-DD") }
        }
        guard let to else { return [date] }
        guard let date else { throw ValidationError("--to needs --date, the first day of the range") }
        guard let first = Stats.format.date(from: date), let last = Stats.format.date(from: to), first <= last else {
            throw ValidationError("--to \(to) is before --date \(date)")
        }
        var out: [String?] = []
        var d = first
        while d <= last && out.count < 366 {
            out.append(Stats.format.string(from: d))
            d = d.addingTimeInterval(86_400)
        }
        return out
    }

    func validate() throws {
        guard ["queue", "counter", "hour"].contains(by) else {
            throw ValidationError("--by must be queue, counter or hour")
        }
        _ = try days()
    }

    func run() throws {
        try runClient("vuoroctl") {
            let c = try connection.connect()
            // Without --date, the day the daemon is in: named, since the machine's date may differ.
            let today = date == nil ? try c.site().day : nil
            var rows: [(day: String?, line: StatsLine)] = []
            for day in try days() {
                for line in try c.stats(date: day, by: by) { rows.append((to != nil ? day : nil, line)) }
            }
            let span = to.map { "\(date!) to \($0)" } ?? date ?? today ?? "today"
            let title = today != nil ? "\(span), the service day now" : span
            let note = rows.isEmpty ? "no tickets on \(span)" : nil
            if output.json || csv {
                // The data alone on standard output; which day it is, for people, on standard error.
                if let note { FileHandle.standardError.write(Data("vuoroctl: \(note)\n".utf8)) }
                if today != nil && !rows.isEmpty {
                    FileHandle.standardError.write(Data("vuoroctl: statistics of \(title)\n".utf8))
                }
            }
            let table: [Row] = rows.map { r in
                var row = r.line.row(by)
                if let day = r.day { row.insert(("date", .text(day)), at: 1) }
                return row
            }
            if output.json { return show(table, json: true) }
            let keys = (to != nil ? ["date"] : []) + Stats.figures
            let cells = table.map { r in keys.map { k in r.first { $0.column == k }?.cell.shown ?? "" } }
            let keyed = zip(rows, cells).map { [$0.0.line.key] + $0.1 }
            if csv {
                print(([by] + keys).joined(separator: ","))
                for r in keyed { print(r.joined(separator: ",")) }
                return
            }
            print("Statistics of \(title), by \(by)")
            print(aligned([([by] + keys).map { $0.uppercased() }] + keyed))
            if let note { print(note) }
        }
    }
}

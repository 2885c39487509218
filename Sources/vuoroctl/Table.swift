// What vuoroctl prints: the daemon's decoded replies as rows, shown as an aligned table or as JSON (names and ids
// as strings, counts and times as numbers).
import Foundation
import VuoroProtocol

/// One cell: text (an id, a name, a time) or a number.
enum Cell {
    case text(String)
    case number(Int)

    var shown: String {
        switch self {
        case .text(let s): s
        case .number(let n): String(n)
        }
    }
    var json: Any {
        switch self {
        case .text(let s): s
        case .number(let n): n
        }
    }
}

/// A row: its cells by column, in order; a cell left out is empty in the table and absent in JSON.
typealias Row = [(column: String, cell: Cell)]

/// Prints rows as an aligned table (columns in the order first met) or as a JSON array.
func show(_ rows: [Row], json: Bool) {
    if json {
        let objects = rows.map { r in Dictionary(r.map { ($0.column, $0.cell.json) }, uniquingKeysWith: { a, _ in a }) }
        let data = try! JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: data, as: UTF8.self))
        return
    }
    var columns: [String] = []
    for r in rows { for (c, _) in r where !columns.contains(c) { columns.append(c) } }
    let cells = rows.map { r in columns.map { c in r.first { $0.column == c }?.cell.shown ?? "" } }
    guard !columns.isEmpty else { return }
    print(aligned([columns.map { $0.uppercased() }] + cells))
}

extension QueueFigures {
    var row: Row {
        var r: Row = [
            ("queue", .text(id)), ("open", .number(open ? 1 : 0)), ("waiting", .number(waiting)),
            ("wait", .number(wait)), ("counters", .number(counters)),
        ]
        if let opens { r.append(("opens", .text(opens))) }
        if let longest { r.append(("longest", .number(longest))) }
        return r
    }
}

extension QueueInfo {
    var row: Row {
        var r: Row = [("queue", .text(id)), ("prefix", .text(prefix)), ("open", .number(open ? 1 : 0)), ("name", .text(name))]
        if let opens { r.append(("opens", .text(opens))) }
        if let hours { r.append(("hours", .text(hours))) }
        if removed { r.append(("removed", .number(1))) }
        return r
    }
}

extension CounterInfo {
    var row: Row {
        var r: Row = [
            ("counter", .text(id)), ("state", .text(paused ? "paused" : "open")), ("ticket", .text(ticket ?? "-")),
            ("queues", .text(queues.joined(separator: ","))),
        ]
        if let name { r.append(("name", .text(name))) }
        return r
    }
}

extension CallInfo {
    var row: Row {
        [("ticket", .text(ticket)), ("queue", .text(queue)), ("counter", .text(counter)), ("at", .text(at)), ("calls", .number(calls))]
    }
}

extension KioskInfo {
    var row: Row { [("kiosk", .text(name)), ("paper", .text(paper)), ("seen", .text(seen)), ("ago", .number(ago))] }
}

extension TicketInfo {
    var row: Row {
        var r: Row = [("ticket", .text(number)), ("state", .text(state)), ("queue", .text(queue))]
        if let position, let wait { r += [("position", .number(position)), ("wait", .number(wait))] }
        if let counter { r.append(("counter", .text(counter))) }
        if priority > 0 { r.append(("priority", .number(priority))) }
        return r
    }
}

extension StatsLine {
    func row(_ grouping: String) -> Row { [(grouping, .text(key))] + figures.map { ($0.name, .number($0.value)) } }
}

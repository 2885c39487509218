// vuoroctl status: each queue's figures for people (minutes, yes/no), under the name of the site that answered.
import ArgumentParser
import Foundation
import VuoroClient
import VuoroProtocol

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Each queue: open, waiting, estimated wait, open counters, and the longest wait so far.",
        discussion: """
            The first line names the site that answered, its address and its time, so that a status from the \
            wrong daemon is seen at once. Waits are in minutes; --json gives the daemon's figures (seconds, 1/0).
            """)
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    func run() throws {
        try runClient("vuoroctl") {
            let c = try connection.connect()
            let rows = try c.status()
            if output.json { return show(rows.map(\.row), json: true) }
            let site = try c.site()
            print("\(site.name) at \(connection.address), service day \(site.day)")
            print(Status.table(rows))
        }
    }

    /// The queues as a table for people: a closed queue shows no wait but when it opens.
    static func table(_ rows: [QueueFigures]) -> String {
        let header = ["QUEUE", "OPEN", "WAITING", "WAIT", "COUNTERS", "LONGEST", "OPENS"]
        let cells = rows.map { f -> [String] in
            [
                f.id, f.open ? "yes" : "no", String(f.waiting), f.open ? "~\(waitMinutes(f.wait)) min" : "-",
                String(f.counters), f.longest.map { "\($0 / 60) min" } ?? "-", f.opens ?? "",
            ]
        }
        return aligned([header] + cells)
    }
}

/// Rows as columns separated by two spaces, each as wide as its widest cell, trailing spaces cut.
func aligned(_ rows: [[String]]) -> String {
    let columns = rows.map(\.count).max() ?? 0
    let widths = (0..<columns).map { i in rows.map { i < $0.count ? $0[i].count : 0 }.max() ?? 0 }
    return rows.map { r in
        r.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
            .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }.joined(separator: "\n")
}

// vuoroctl: the administrator's tool. Figures as aligned tables or JSON, opening and closing queues.
import ArgumentParser
import Foundation
import VuoroClient
import VuoroConfig
import VuoroProtocol

@main
struct Vuoroctl: ParsableCommand {
    /// The shared options (`--server`, `--token`, `--token-file`) are taken before the subcommand too, as a person
    /// types them: `vuoroctl --server 10.0.0.2:7410 status`.
    static func main() {
        main(ConnectionOptions.hoisted(Array(CommandLine.arguments.dropFirst())))
    }

    static let configuration = CommandConfiguration(
        commandName: "vuoroctl",
        abstract: "Administer a running vuorod: queues, counters, calls; check a configuration file.",
        discussion: """
            Examples:
              vuoroctl status
              vuoroctl close lab --token-file /etc/vuoro/admin.token
              vuoroctl ticket K004
              vuoroctl kiosks
              vuoroctl called 20 --json
              vuoroctl stats --date 2026-11-01 --to 2026-11-30 --csv > november.csv
              vuoroctl backup before-upgrade.db
              vuoroctl check-config /etc/vuoro/vuoro.toml
            """,
        version: vuoroVersion,
        subcommands: [
            Status.self, Queues.self, Counters.self, TicketInfo.self, Cancel.self, Open.self, Close.self, Called.self,
            Events.self, Kiosks.self,
            Stats.self, Backup.self, CheckConfig.self,
        ])
}

/// `--json` for every listing.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON instead of a table, for scripts.")
    var json = false
}

/// Fields that name something: strings in JSON even when they look like numbers (counter `3`, queue `1`), so a
/// field has one type whatever its value.
let identifierFields: Set<String> = [
    "counter", "queue", "queues", "from", "ticket", "prefix", "name", "counter_name", "hours",
]

/// Prints list lines as an aligned table (the first column titled `title`) or as a JSON array.
func show(_ rows: [Fields], title: String, json: Bool) {
    var columns = [title]
    for r in rows { for k in r.keys where !columns.contains(k) { columns.append(k) } }
    if json {
        let objects = rows.map { r -> [String: Any] in
            var o: [String: Any] = [title: r.words.first ?? ""]
            for k in r.keys {
                let v = r[k]!
                o[k] = identifierFields.contains(k) ? v : Int(v).map { $0 as Any } ?? v
            }
            return o
        }
        let data = try! JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: data, as: UTF8.self))
        return
    }
    let cells = rows.map { r in [r.words.first ?? ""] + columns.dropFirst().map { r[$0] ?? "" } }
    let widths = columns.indices.map { i in max(columns[i].count, cells.map { $0[i].count }.max() ?? 0) }
    func line(_ c: [String]) -> String {
        c.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
            .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }
    print(line(columns.map { $0.uppercased() }))
    for c in cells { print(line(c)) }
}

/// Sends a list request and shows its lines.
func listing(_ r: Request, title: String, _ connection: ConnectionOptions, _ output: OutputOptions) throws {
    try runClient("vuoroctl") { show(try connection.connect().list(r), title: title, json: output.json) }
}

struct Queues: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Each queue: prefix, open, name.")
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Language of the names.") var lang: String?
    func run() throws {
        try listing(.queues(lang: lang), title: "queue", connection, output)
    }
}

struct Counters: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Each counter: state, current ticket, queues.")
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    func run() throws {
        try listing(.counters(lang: nil), title: "counter", connection, output)
    }
}

struct Kiosks: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Each kiosk as it last reported: its printer's paper, and when it was last heard from.",
        discussion: """
            A kiosk reports after each slip and once a minute (vuoro-ticket --kiosk): paper=low is a roll to \
            change, paper=out a printer that cannot print (no numbers are issued there), and an AGO of minutes a \
            kiosk that is off or cut from the network.
            """)
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    func run() throws {
        try listing(.kiosks, title: "kiosk", connection, output)
    }
}

struct Called: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Today's latest calls, newest first.")
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "How many, 1 to 100.") var count: Int = 10
    func validate() throws {
        guard (1...Request.calledMax).contains(count) else { throw ValidationError("count must be 1 to 100") }
    }
    func run() throws {
        try listing(.called(count), title: "ticket", connection, output)
    }
}

struct Events: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow the daemon's events as they happen: calls, finished tickets, queue figures (WATCH).",
        discussion: "What the lobby displays are sent, one EVENT line each, for checking a display or a feed.")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Stop after this many events (default: follow until interrupted).") var count: Int?
    func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
    }
    func run() throws {
        try runClient("vuoroctl") {
            let c = try connection.connect()
            _ = try c.request(.watch)
            FileHandle.standardError.write(
                Data("vuoroctl: following the events of \(connection.address); Ctrl-C stops\n".utf8))
            var seen = 0
            while count.map({ seen < $0 }) ?? true {
                guard let line = try c.readLine(wait: 3600) else { continue }
                guard line.hasPrefix("EVENT ") else { continue }
                print(line)
                fflush(stdout)
                seen += 1
            }
        }
    }
}

/// A ticket number as the protocol takes it (`K004`, `k004`), checked before anything is sent.
func ticketNumber(_ number: String) throws -> String {
    do {
        return try Request.ticketNumber(number)
    } catch {
        throw ValidationError("'\(number)' is not a ticket number such as K004")
    }
}

struct TicketInfo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ticket",
        abstract: "One of today's tickets: state, queue, and its position and wait or its counter.",
        discussion: "What the information desk is asked: how long until my number, or where was it called.")
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The ticket number, for example K004.") var number: String
    func validate() throws { _ = try ticketNumber(number) }
    func run() throws {
        let request = Request.ticket(try ticketNumber(number))
        try runClient("vuoroctl") {
            let c = try connection.connect()
            var r = try c.request(request)
            // Called to a counter with a name: what the visitor is told to look for ("huone 4").
            if let counter = r["counter"],
                let name = try c.list(.counters(lang: nil)).first(where: { $0.words.first == counter })?["name"]
            {
                r.values["counter_name"] = name
                r.keys.append("counter_name")
            }
            show([r], title: "ticket", json: output.json)
        }
    }
}

struct Cancel: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Cancel a waiting ticket, for a visitor who leaves (kiosk role or above).",
        discussion: """
            With --id, the ticket issued for an ISSUE whose reply never came: vuoro-ticket names the key when it \
            gives up (a ticket may have been issued for id=KEY), and nobody holds that ticket.
            """)
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The ticket number, for example K004.") var number: String?
    @Option(help: "The key of the ISSUE instead of a number (CANCEL id=).") var id: String?
    func validate() throws {
        switch (number, id) {
        case (let n?, nil): _ = try ticketNumber(n)
        case (nil, let k?): _ = try Request.requestKey(k)
        default: throw ValidationError("give a ticket number or --id KEY, not both")
        }
    }
    func run() throws {
        let request =
            try id.map { Request.cancelIssue(id: try Request.requestKey($0)) } ?? .cancel(ticketNumber(number!))
        try runClient("vuoroctl") {
            let r = try connection.connect().request(request)
            print("\(r.words.first ?? "?") state=\(r["state"] ?? "?")")
        }
    }
}

struct Open: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Open a queue closed by close (admin).")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The queue.") var queue: String
    func run() throws { try setQueue(.open(queue.lowercased()), connection) }
}

struct Close: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Close a queue to new tickets; waiting ones are still served (admin).")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The queue.") var queue: String
    func run() throws { try setQueue(.close(queue.lowercased()), connection) }
}

/// Sends OPEN or CLOSE and prints the queue's state after it.
func setQueue(_ request: Request, _ connection: ConnectionOptions) throws {
    try runClient("vuoroctl") {
        let r = try connection.connect().request(request)
        print("\(r.words.first ?? "?") open=\(r["open"] ?? "?")")
    }
}

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Have the daemon copy its database to a new file in its backup directory while it serves (admin).",
        discussion: """
            FILE is a file name (or an absolute path in the backup directory): vuorod writes it in its backup \
            directory (--backup-dir or backup_dir, by default backups/ in the state directory) on its own host, \
            and never replaces a file. To restore: stop vuorod, copy the backup over vuoro.db in the state \
            directory, remove vuoro.db-wal and vuoro.db-shm, start vuorod.
            """)
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The new file's name, for example before-upgrade.db.") var file: String
    func run() throws {
        try runClient("vuoroctl") {
            let reply = try connection.connect().request(.backup(file))
            print("backup written to \(reply["path"] ?? file)")
        }
    }
}

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check a configuration file without a daemon.")
    @Argument(help: "The TOML file.") var file: String
    func run() throws {
        do {
            let c = try ConfigFile.load(path: file)
            print(
                "\(file): ok, \(c.centre.queues.count) queues, \(c.centre.counters.count) counters, \(c.access.tokens.count) tokens"
            )
            for warning in ConfigFile.exposedSecrets(c) {
                FileHandle.standardError.write(Data("vuoroctl: warning: \(warning)\n".utf8))
            }
        } catch {
            FileHandle.standardError.write(Data("vuoroctl: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}

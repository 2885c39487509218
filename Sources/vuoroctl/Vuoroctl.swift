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
              vuoroctl book --csv appointments-2026-12-04.csv
              vuoroctl bookings lab --date 2026-12-04
              vuoroctl checkin AB12CD
              vuoroctl backup before-upgrade.db
              vuoroctl check-config /etc/vuoro/vuoro.toml
            """,
        version: vuoroVersion,
        subcommands: [
            Status.self, Queues.self, Counters.self, TicketCommand.self, Cancel.self, Open.self, Close.self, Called.self,
            Events.self, Kiosks.self, Book.self, Unbook.self, Bookings.self, CheckIn.self,
            Stats.self, Backup.self, CheckConfig.self,
        ])
}

/// `--json` for every listing.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON instead of a table, for scripts.")
    var json = false
}

/// Runs a listing: connects, asks, shows the rows.
func listing(_ connection: ConnectionOptions, _ output: OutputOptions, _ rows: (ClientConnection) throws -> [Row])
    throws
{
    try runClient("vuoroctl") { show(try rows(connection.connect()), json: output.json) }
}

struct Queues: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Each queue: prefix, open, name.")
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Language of the names.") var lang: String?
    func run() throws {
        try listing(connection, output) { try $0.queues(lang: lang).map(\.row) }
    }
}

struct Counters: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Each counter: state, current ticket, queues.")
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    func run() throws {
        try listing(connection, output) { try $0.counters().map(\.row) }
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
        try listing(connection, output) { try $0.kiosks().map(\.row) }
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
        try listing(connection, output) { try $0.called(count).map(\.row) }
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
            try c.call(.watch)
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

struct TicketCommand: ParsableCommand {
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
            guard case .ticket(let t) = try c.call(request) else { throw ClientError.unexpected("not a ticket") }
            var row = t.row
            // Called to a counter with a name: what the visitor is told to look for ("huone 4").
            if let counter = t.counter, let name = try c.counters().first(where: { $0.id == counter })?.name {
                row.append(("counter_name", .text(name)))
            }
            show([row], json: output.json)
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
            guard case .ended(let t, let state) = try connection.connect().call(request) else {
                throw ClientError.unexpected("not a cancelled ticket")
            }
            print("\(t) state=\(state)")
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
        guard case .queueOpen(let q, let open) = try connection.connect().call(request) else {
            throw ClientError.unexpected("not a queue's state")
        }
        print("\(q) open=\(open ? 1 : 0)")
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
            guard case .backup(let path) = try connection.connect().call(.backup(file)) else {
                throw ClientError.unexpected("not a backup's path")
            }
            print("backup written to \(path)")
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

// vuoroctl's bookings: appointments in (one, or a day's list from CSV), cancelled and listed, and a visitor
// checked in at the information desk.
import ArgumentParser
import Foundation
import VuoroClient
import VuoroProtocol

struct Book: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add an appointment, or a day's list of them from CSV (booking or admin role).",
        discussion: """
            An appointment is an opaque reference (as printed on the visitor's confirmation), a queue, a due time \
            in the site's time (2026-12-04T10:30) and optionally a counter or room and a length in minutes: \
            nothing about the visitor. With --csv FILE, a list with a header line naming its columns: ref, \
            queue, due, and optionally counter and minutes. The whole file is checked first (its format, \
            references twice, queues and counters the daemon does not have, times past), and nothing is sent \
            when a line is wrong; then each line is booked, as a move when the reference is booked already at \
            another time, so a booking system may send its list again. A line the daemon refuses after that \
            (a time the queue is closed) is named, and vuoroctl exits 1.
            """)
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "REF QUEUE DUE: the reference, the queue and the due time (or --csv FILE).") var words: [String] = []
    @Option(help: "The counter or room it is booked to.") var counter: String?
    @Option(help: "Its length in minutes, 1 to 480.") var minutes: Int?
    @Flag(help: "Move an appointment booked already under this reference.") var move = false
    @Option(help: "A CSV file of appointments (columns ref, queue, due, counter, minutes).") var csv: String?

    func one() throws -> Request.Booking {
        guard words.count == 3 else { throw ValidationError("give REF QUEUE DUE, or --csv FILE") }
        return try Book.booking(words[0], words[1], words[2], counter: counter, minutes: minutes.map(String.init), move: move)
    }

    /// One appointment as the protocol takes it, or why not.
    static func booking(_ ref: String, _ queue: String, _ due: String, counter: String?, minutes: String?, move: Bool)
        throws -> Request.Booking
    {
        var line = "BOOK \(ref) \(queue) \(due)"
        if let counter, !counter.isEmpty { line += " counter=\(counter)" }
        if let minutes, !minutes.isEmpty { line += " minutes=\(minutes)" }
        if move { line += " move" }
        switch Request.parse(line) {
        case .success(.book(let b)): return b
        case .success: throw ValidationError("not an appointment")
        case .failure(let e): throw ValidationError(e.text)
        }
    }

    func validate() throws {
        if csv == nil { _ = try one() } else if !words.isEmpty || counter != nil || minutes != nil || move {
            throw ValidationError("--csv takes the appointments from the file alone")
        }
    }

    func run() throws {
        guard let csv else {
            let b = try one()
            try runClient("vuoroctl") {
                guard case .booked(let info) = try connection.connect().call(.book(b)) else {
                    throw ClientError.unexpected("not an appointment")
                }
                print(info.line)
            }
            return
        }
        try runClient("vuoroctl") {
            let list = try BookingList.read(csv)
            let c = try connection.connect()
            try list.check(queues: Set(try c.queues().map(\.id)), counters: Set(try c.counters().map(\.id)))
            var refused = 0
            var counts = (added: 0, same: 0)
            for (n, b) in list.rows {
                do {
                    guard case .booked(let info) = try c.call(.book(b)) else { throw ClientError.unexpected("not booked") }
                    if info.again { counts.same += 1 } else { counts.added += 1 }
                } catch ClientError.refused(let code, let text) {
                    refused += 1
                    FileHandle.standardError.write(Data("vuoroctl: \(csv): line \(n): \(b.ref): \(text) (\(code))\n".utf8))
                }
            }
            print("\(csv): \(counts.added) booked or moved, \(counts.same) unchanged, \(refused) refused")
            if refused > 0 { throw ExitCode(1) }
        }
    }
}

/// A day's appointments from a CSV file, each checked as `BOOK` checks it.
struct BookingList {
    var path = ""
    var rows: [(line: Int, booking: Request.Booking)] = []

    static func read(_ path: String) throws -> BookingList {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw BookingListError("\(path) cannot be read as UTF-8 text")
        }
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated()
            .map { ($0.offset + 1, String($0.element).trimmingCharacters(in: .whitespaces)) }
            .filter { !$0.1.isEmpty }
        guard let header = lines.first else { throw BookingListError("\(path) is empty") }
        lines.removeFirst()
        let columns = header.1.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let known = ["ref", "queue", "due", "counter", "minutes"]
        for c in columns where !known.contains(c) {
            throw BookingListError(
                "\(path): line 1: unknown column '\(c)': only ref, queue, due, counter and minutes (nothing about the visitor)")
        }
        for c in ["ref", "queue", "due"] where !columns.contains(c) {
            throw BookingListError("\(path): line 1: the header has no column '\(c)'")
        }
        var list = BookingList(path: path)
        var seen: [String: Int] = [:]
        for (n, line) in lines {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count == columns.count else {
                throw BookingListError("\(path): line \(n): \(cells.count) values for \(columns.count) columns")
            }
            let v = { (c: String) in columns.firstIndex(of: c).map { cells[$0] } }
            let b: Request.Booking
            do {
                b = try Book.booking(v("ref")!, v("queue")!, v("due")!, counter: v("counter"), minutes: v("minutes"), move: true)
            } catch let e as ValidationError {
                throw BookingListError("\(path): line \(n): \(e.message)")
            }
            if let first = seen[b.ref] {
                throw BookingListError("\(path): line \(n): \(b.ref) is on line \(first) already")
            }
            seen[b.ref] = n
            list.rows.append((n, b))
        }
        return list
    }

    /// Queues and counters the daemon does not have, and times already past, refused before anything is sent.
    func check(queues: Set<String>, counters: Set<String>) throws {
        let now = Date()
        for (n, b) in rows {
            if !queues.contains(b.queue) { throw BookingListError("\(path): line \(n): \(b.ref): no queue '\(b.queue)'") }
            if let c = b.counter, !counters.contains(c) { throw BookingListError("\(path): line \(n): \(b.ref): no counter '\(c)'") }
            // A time with its offset is checked here; one in the site's time, by the daemon.
            if DueTime(b.due)?.offset != nil, let t = ISO8601DateFormatter().date(from: b.due), t <= now {
                throw BookingListError("\(path): line \(n): \(b.ref): \(b.due) is in the past")
            }
        }
    }
}

struct BookingListError: ReportedError {
    let description: String
    init(_ d: String) { description = "nothing was booked: " + d }
}

struct Unbook: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Cancel an appointment not checked in yet (booking or admin).")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The booking's reference.") var ref: String
    func validate() throws { _ = try reference(ref) }
    func run() throws {
        let r = try reference(ref)
        try runClient("vuoroctl") {
            guard case .unbooked(let done) = try connection.connect().call(.unbook(r)) else {
                throw ClientError.unexpected("not a cancelled booking")
            }
            print("\(done) state=cancelled")
        }
    }
}

struct Bookings: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A day's appointments by due time, with their tickets once checked in (booking or admin).")
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "Only this queue.") var queue: String?
    @Option(help: "The day, YYYY-MM-DD (default: today).") var date: String?
    func validate() throws {
        if let date, !isCalendarDate(date) { throw ValidationError("--date: \(date) is not a day YYYY-MM-DD") }
    }
    func run() throws {
        let r = Request.bookings(queue: queue?.lowercased(), date: date)
        try listing(connection, output) { c in
            guard case .bookings(let list) = try c.call(r) else { throw ClientError.unexpected("not bookings") }
            return list.map(\.row)
        }
    }
}

struct CheckIn: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkin",
        abstract: "Check a booked visitor in by the reference, at the information desk (kiosk role or above).",
        discussion: """
            Prints the ticket's number, its queue and when it is called. A visitor later than the grace gets a \
            walk-in's number, or where the queue sends late visitors to the desk, is refused: --force then checks \
            them in as booked, due now.
            """)
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The booking's reference.") var ref: String
    @Flag(help: "Check in a late visitor as booked anyway.") var force = false
    @Option(help: "The visitor's language, for the ticket's page.") var lang: String?
    func validate() throws { _ = try reference(ref) }
    func run() throws {
        let r = Request.checkIn(ref: try reference(ref), lang: lang?.lowercased(), id: nil, force: force)
        try runClient("vuoroctl") {
            guard case .checkedIn(let c) = try connection.connect().call(r) else {
                throw ClientError.unexpected("not a check-in")
            }
            print(c.line.dropFirst(3))
        }
    }
}

/// A reference as the protocol takes it, checked before anything is sent.
func reference(_ ref: String) throws -> String {
    do {
        return try Request.reference(ref)
    } catch {
        throw ValidationError(error.text)
    }
}

extension BookingInfo {
    var row: Row {
        var r: Row = [("ref", .text(ref)), ("queue", .text(queue)), ("due", .text(due))]
        if let counter { r.append(("counter", .text(counter))) }
        if let minutes { r.append(("minutes", .number(minutes))) }
        r.append(("state", .text(state)))
        if let ticket { r.append(("ticket", .text(ticket))) }
        return r
    }
}

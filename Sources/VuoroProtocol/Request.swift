// Every request of the protocol as a value: parsed from a line by the server, formatted by the clients.

/// One request line.
public enum Request: Equatable, Sendable {
    case ping
    /// `id=`: the client's key for this one request, sent again unchanged when the reply was lost (see
    /// protocol.md, "Sending ISSUE again").
    case issue(queue: String, priority: Int, lang: String?, id: String? = nil)
    case ticket(String)
    case cancel(String)
    /// `CANCEL id=<key>`: cancels the waiting ticket an `ISSUE` with this key issued, for a kiosk that gave up
    /// waiting for that `ISSUE`'s reply and told its visitor so.
    case cancelIssue(id: String)
    case call(counter: String, ticket: String?)
    case recall(counter: String)
    case done(counter: String)
    case noshow(counter: String)
    case transfer(counter: String, queue: String, front: Bool)
    case serve(counter: String, queues: [String])
    case pause(counter: String)
    case queues(lang: String?)
    case status
    case counters(lang: String?)
    case called(Int)
    case watch
    case open(String)
    case close(String)
    case quit
    /// `AUTH <secret>`: takes the role of the token with this secret.
    case auth(String)
    /// The site's name, time zone and languages.
    case site
    /// `BACKUP <file>`: an online copy of the database, written by the daemon as a new file in its backup directory.
    case backup(String)
    /// `STATS [date=YYYY-MM-DD] [by=queue|counter|hour]`: a day's statistics (default today, by queue).
    case stats(date: String?, by: String)
    /// `KIOSK <name> paper=<state>`: a kiosk reports itself alive, and its printer's paper.
    case kiosk(name: String, paper: String)
    /// `KIOSKS`: every kiosk's last report.
    case kiosks
    /// `STEPBACK <ticket>`: a waiting ticket moves back by its queue's places, for a visitor who needs more time.
    case stepBack(String)
    /// `STEPBACK id=<key>`: the same for the ticket an `ISSUE` key issued (what the ticket's page does).
    case stepBackIssue(id: String)
    /// `BOOK <ref> <queue> <due> [counter=] [minutes=] [move]`: an appointment in (or moved, with `move`).
    case book(Booking)
    /// `UNBOOK <ref>`: an appointment cancelled.
    case unbook(String)
    /// `BOOKINGS [queue] [date=]`: a day's appointments.
    case bookings(queue: String?, date: String?)
    /// `CHECKIN <ref> [lang=] [id=] [force]`: a booked visitor checks in.
    case checkIn(ref: String, lang: String?, id: String?, force: Bool)
    /// `PARK <counter>`: the counter's visitor put aside.
    case park(counter: String)
    /// `TRANSFER <counter> counter=<to>`: the counter's visitor sent to another counter's own line.
    case transferToCounter(counter: String, to: String)

    /// What `BOOK` carries: the due time as sent (`2026-12-04T10:30` in the site's time, or RFC 3339 with an
    /// offset), read by the daemon in the site's time zone.
    public struct Booking: Equatable, Sendable {
        public var ref: String
        public var queue: String
        public var due: String
        public var counter: String?
        public var minutes: Int?
        public var move: Bool
        public init(ref: String, queue: String, due: String, counter: String? = nil, minutes: Int? = nil, move: Bool = false) {
            self.ref = ref
            self.queue = queue
            self.due = due
            self.counter = counter
            self.minutes = minutes
            self.move = move
        }
    }

    /// `CALLED` without a count lists this many; at most `calledMax`.
    public static let calledDefault = 10
    public static let calledMax = 100

    /// Whether the request changes state, so that its `OK` waits for a commit.
    public var isWrite: Bool {
        switch self {
        case .issue, .cancel, .cancelIssue, .call, .recall, .done, .noshow, .transfer, .serve, .pause, .open, .close,
            .kiosk, .stepBack, .stepBackIssue, .book, .unbook, .checkIn, .park, .transferToCounter:
            true
        case .ping, .ticket, .queues, .status, .counters, .called, .watch, .quit, .auth, .site, .backup, .stats,
            .kiosks, .bookings:
            false
        }
    }

    /// The command word, upper case.
    public var command: String {
        switch self {
        case .ping: "PING"
        case .issue: "ISSUE"
        case .ticket: "TICKET"
        case .cancel, .cancelIssue: "CANCEL"
        case .call: "CALL"
        case .recall: "RECALL"
        case .done: "DONE"
        case .noshow: "NOSHOW"
        case .transfer, .transferToCounter: "TRANSFER"
        case .serve: "SERVE"
        case .pause: "PAUSE"
        case .queues: "QUEUES"
        case .status: "STATUS"
        case .counters: "COUNTERS"
        case .called: "CALLED"
        case .watch: "WATCH"
        case .open: "OPEN"
        case .close: "CLOSE"
        case .quit: "QUIT"
        case .auth: "AUTH"
        case .site: "SITE"
        case .backup: "BACKUP"
        case .stats: "STATS"
        case .kiosk: "KIOSK"
        case .kiosks: "KIOSKS"
        case .stepBack, .stepBackIssue: "STEPBACK"
        case .book: "BOOK"
        case .unbook: "UNBOOK"
        case .bookings: "BOOKINGS"
        case .checkIn: "CHECKIN"
        case .park: "PARK"
        }
    }

    /// The request as a line, without its LF.
    public func format() -> String {
        switch self {
        case .ping, .status, .watch, .quit, .site, .kiosks: return command
        case .kiosk(let name, let paper): return "KIOSK \(name) paper=\(paper)"
        case .issue(let q, let p, let lang, let id):
            var s = "ISSUE \(q)"
            if p != 0 { s += " priority=\(p)" }
            if let lang { s += " lang=\(lang)" }
            if let id { s += " id=\(id)" }
            return s
        case .ticket(let t), .cancel(let t): return "\(command) \(t)"
        case .cancelIssue(let id): return "CANCEL id=\(id)"
        case .stepBack(let t): return "STEPBACK \(t)"
        case .stepBackIssue(let id): return "STEPBACK id=\(id)"
        case .call(let c, let t): return t.map { "CALL \(c) ticket=\($0)" } ?? "CALL \(c)"
        case .recall(let c), .done(let c), .noshow(let c), .pause(let c): return "\(command) \(c)"
        case .transfer(let c, let q, let front): return "TRANSFER \(c) \(q)" + (front ? " front" : "")
        case .serve(let c, let qs): return "SERVE \(c) \(qs.joined(separator: ","))"
        case .queues(let lang): return lang.map { "QUEUES lang=\($0)" } ?? "QUEUES"
        case .counters(let lang): return lang.map { "COUNTERS lang=\($0)" } ?? "COUNTERS"
        case .called(let n): return "CALLED \(n)"
        case .open(let q), .close(let q): return "\(command) \(q)"
        case .auth(let secret): return "AUTH \(secret)"
        case .backup(let path): return "BACKUP \(path)"
        case .stats(let date, let by): return "STATS" + (date.map { " date=\($0)" } ?? "") + " by=\(by)"
        case .book(let b):
            var s = "BOOK \(b.ref) \(b.queue) \(b.due)"
            if let c = b.counter { s += " counter=\(c)" }
            if let m = b.minutes { s += " minutes=\(m)" }
            return s + (b.move ? " move" : "")
        case .unbook(let ref): return "UNBOOK \(ref)"
        case .bookings(let q, let date): return "BOOKINGS" + (q.map { " \($0)" } ?? "") + (date.map { " date=\($0)" } ?? "")
        case .checkIn(let ref, let lang, let id, let force):
            var s = "CHECKIN \(ref)"
            if let lang { s += " lang=\(lang)" }
            if let id { s += " id=\(id)" }
            return s + (force ? " force" : "")
        case .park(let c): return "PARK \(c)"
        case .transferToCounter(let c, let to): return "TRANSFER \(c) counter=\(to)"
        }
    }

    /// Parses one request line (without its LF). Errors are `unknown-command` or `bad-argument`.
    public static func parse(_ line: String) -> Result<Request, ProtocolError> {
        // A secret is taken as it is: it may hold `=` or `"`.
        let words = line.split(separator: " ")
        if let first = words.first, first.uppercased() == "AUTH" {
            guard words.count == 2 else { return .failure(bad("AUTH takes one secret without spaces")) }
            return .success(.auth(String(words[1])))
        }
        guard let f = Fields.split(line) else { return .failure(bad("unbalanced quote")) }
        guard let word = f.words.first else { return .failure(bad("empty line: send a command such as PING")) }
        var a = Args(fields: f)
        do {
            let request: Request
            switch word.uppercased() {
            case "PING": request = .ping
            case "ISSUE":
                let q = try a.id("queue")
                let p = try a.option("priority").map { v in
                    guard v.utf8.count == 1, let n = Int(v) else { throw bad("priority must be 0 to 9") }
                    return n
                }
                let lang = try a.option("lang").map(language)
                request = .issue(queue: q, priority: p ?? 0, lang: lang, id: try a.option("id").map(requestKey))
            case "TICKET": request = .ticket(try a.ticket())
            case "CANCEL":
                if a.words.isEmpty, let id = try a.option("id") {
                    request = .cancelIssue(id: try requestKey(id))
                } else {
                    request = .cancel(try a.ticket())
                }
            case "CALL":
                let c = try a.id("counter")
                request = .call(counter: c, ticket: try a.option("ticket").map(ticketNumber))
            case "RECALL": request = .recall(counter: try a.id("counter"))
            case "DONE": request = .done(counter: try a.id("counter"))
            case "NOSHOW": request = .noshow(counter: try a.id("counter"))
            case "TRANSFER":
                let c = try a.id("counter")
                if a.words.isEmpty, let to = try a.option("counter") {
                    guard to.utf8.count <= 64 else { throw bad("counter is too long") }
                    request = .transferToCounter(counter: c, to: to.lowercased())
                } else {
                    let q = try a.id("queue")
                    let front = try a.flag("front")
                    request = .transfer(counter: c, queue: q, front: front)
                }
            case "PARK": request = .park(counter: try a.id("counter"))
            case "BOOK":
                let ref = try reference(a.word("booking reference"))
                let q = try a.id("queue")
                let due = try a.word("due time")
                guard isLocalTime(due) else {
                    throw bad("due must be a time such as 2026-12-04T10:30 (the site's time) or with an offset")
                }
                let counter = try a.option("counter").map { v throws(ProtocolError) in
                    guard v.utf8.count <= 64 else { throw bad("counter is too long") }
                    return v.lowercased()
                }
                let minutes = try a.option("minutes").map { v throws(ProtocolError) in
                    guard v.utf8.count <= 3, let n = Int(v), (1...480).contains(n) else {
                        throw bad("minutes must be 1 to 480")
                    }
                    return n
                }
                let move = try a.flag("move")
                request = .book(Booking(ref: ref, queue: q, due: due, counter: counter, minutes: minutes, move: move))
            case "UNBOOK": request = .unbook(try reference(a.word("booking reference")))
            case "BOOKINGS":
                let q = try a.optionalWord().map { w throws(ProtocolError) in
                    guard w.utf8.count <= 64 else { throw bad("queue is too long") }
                    return w.lowercased()
                }
                let date = try a.option("date")
                if let date, !isCalendarDate(date) { throw bad("\(date) is not a day YYYY-MM-DD") }
                request = .bookings(queue: q, date: date)
            case "CHECKIN":
                let ref = try reference(a.word("booking reference"))
                let lang = try a.option("lang").map(language)
                let id = try a.option("id").map(requestKey)
                request = .checkIn(ref: ref, lang: lang, id: id, force: try a.flag("force"))
            case "SERVE":
                let c = try a.id("counter")
                let list = try a.word("queue list")
                let qs = list.split(separator: ",", omittingEmptySubsequences: false).map { $0.lowercased() }
                guard !qs.contains(where: \.isEmpty) else { throw bad("queue list has an empty entry") }
                request = .serve(counter: c, queues: qs)
            case "PAUSE": request = .pause(counter: try a.id("counter"))
            case "QUEUES": request = .queues(lang: try a.option("lang").map(language))
            case "STATUS": request = .status
            case "SITE": request = .site
            case "STATS":
                let date = try a.option("date")
                if let date, !isCalendarDate(date) { throw bad("\(date) is not a day YYYY-MM-DD") }
                let by = try a.option("by") ?? "queue"
                guard ["queue", "counter", "hour"].contains(by) else { throw bad("by must be queue, counter or hour") }
                request = .stats(date: date, by: by)
            case "BACKUP":
                request = .backup(try a.word("file name"))
            case "COUNTERS": request = .counters(lang: try a.option("lang").map(language))
            case "CALLED":
                var n = calledDefault
                if let w = try a.optionalWord() {
                    guard w.utf8.count <= 3, let v = Int(w), v >= 1, v <= calledMax else {
                        throw bad("count must be 1 to \(calledMax)")
                    }
                    n = v
                }
                request = .called(n)
            case "WATCH": request = .watch
            case "OPEN": request = .open(try a.id("queue"))
            case "CLOSE": request = .close(try a.id("queue"))
            case "QUIT": request = .quit
            case "KIOSK":
                let name = try kioskName(a.word("kiosk name"))
                let states = paperStates.joined(separator: ", ")
                guard let paper = try a.option("paper") else { throw bad("missing paper=, one of \(states)") }
                guard paperStates.contains(paper) else { throw bad("paper must be one of \(states)") }
                request = .kiosk(name: name, paper: paper)
            case "KIOSKS": request = .kiosks
            case "STEPBACK":
                if a.words.isEmpty, let id = try a.option("id") {
                    request = .stepBackIssue(id: try requestKey(id))
                } else {
                    request = .stepBack(try a.ticket())
                }
            default:
                return .failure(ProtocolError(.unknownCommand, "no command \(printable(word))"))
            }
            try a.finish()
            return .success(request)
        } catch let error as ProtocolError {
            return .failure(error)
        } catch {
            return .failure(bad("\(error)"))
        }
    }

    static func bad(_ text: String) -> ProtocolError { ProtocolError(.badArgument, text) }

    /// A booking's reference as vuoro keeps it (upper case), or why it is refused.
    public static func reference(_ v: String) throws(ProtocolError) -> String {
        if BookingReference.looksLikeIdentityCode(v) {
            throw bad("a booking reference must not be a personal identity code")
        }
        guard let ref = BookingReference.parse(v) else {
            throw bad("a booking reference is 4 to \(BookingReference.limit) letters A-Z, digits and '-'")
        }
        return ref
    }

    /// A kiosk's name: 1 to 32 of `A-Z a-z 0-9 - _ .`, a host name or a place ("ovi-2"), kept as sent.
    public static func kioskName(_ v: String) throws(ProtocolError) -> String {
        guard v.utf8.allSatisfy(isNameByte), (1...32).contains(v.utf8.count) else {
            throw bad("a kiosk's name is 1 to 32 of A-Z a-z 0-9 - _ .")
        }
        return v
    }

    /// A letter, a digit, `-`, `_` or `.`: what kiosk names and request keys are made of.
    static func isNameByte(_ b: UInt8) -> Bool {
        (b | 0x20 >= 97 && b | 0x20 <= 122) || (b >= 48 && b <= 57) || b == 45 || b == 95 || b == 46
    }

    /// What `KIOSK ... paper=` takes.
    public static let paperStates = ["ok", "low", "out", "unknown"]

    /// A language code as the protocol takes it: 2 to 8 letters, returned lower case.
    public static func language(_ v: String) throws(ProtocolError) -> String {
        guard (2...8).contains(v.utf8.count), v.utf8.allSatisfy({ ($0 | 0x20) >= 97 && ($0 | 0x20) <= 122 }) else {
            throw bad("lang must be a language code such as fi")
        }
        return v.lowercased()
    }

    /// The longest `id=` key.
    public static let requestKeyLimit = 64

    /// A request key: 1 to 64 letters, digits and `-_.:`, kept as sent (case matters).
    public static func requestKey(_ v: String) throws(ProtocolError) -> String {
        let ok = v.utf8.allSatisfy { b in isNameByte(b) || b == 58 }  // and `:`
        guard ok, (1...requestKeyLimit).contains(v.utf8.count) else {
            throw bad("id must be 1 to \(requestKeyLimit) letters, digits, '-', '_', '.' or ':'")
        }
        return v
    }

    /// `K004`, `k004`, `AB123`: one or two letters and three digits, returned upper case.
    public static func ticketNumber(_ v: String) throws(ProtocolError) -> String {
        let u = Array(v.utf8)
        let letters = u.prefix { ($0 | 0x20) >= 97 && ($0 | 0x20) <= 122 }.count
        guard (1...2).contains(letters), u.count == letters + 3, u[letters...].allSatisfy({ $0 >= 48 && $0 <= 57 })
        else { throw bad("a ticket number is one or two letters and three digits, such as K004") }
        return v.uppercased()
    }
}

/// Printable, shortened text of client input for error messages.
func printable(_ s: String) -> String {
    let cut = s.unicodeScalars.prefix(40).map { $0.value >= 32 && $0.value != 127 ? Character($0) : "?" }
    return "'" + String(cut) + (s.unicodeScalars.count > 40 ? "...'" : "'")
}

/// Takes a request's words and options in order, refusing what is missing, repeated or left over.
struct Args {
    var words: ArraySlice<String>
    var values: [String: String]
    var duplicate: String?

    init(fields: Fields) {
        words = fields.words.dropFirst()
        values = fields.values
        var seen = Set<String>()
        for k in fields.keys where !seen.insert(k).inserted { duplicate = k }
    }

    mutating func word(_ what: String) throws(ProtocolError) -> String {
        guard let w = words.popFirst() else { throw Request.bad("missing \(what)") }
        return w
    }

    mutating func optionalWord() throws(ProtocolError) -> String? { words.popFirst() }

    /// An id of a queue or counter: lower-cased; its existence is the domain's to check.
    mutating func id(_ what: String) throws(ProtocolError) -> String {
        let w = try word(what)
        guard w.utf8.count <= 64 else { throw Request.bad("\(what) is too long") }
        return w.lowercased()
    }

    mutating func ticket() throws(ProtocolError) -> String { try Request.ticketNumber(word("ticket number")) }

    mutating func option(_ key: String) throws(ProtocolError) -> String? {
        if duplicate == key { throw Request.bad("\(key)= given twice") }
        return values.removeValue(forKey: key)
    }

    mutating func flag(_ name: String) throws(ProtocolError) -> Bool {
        guard let w = words.first else { return false }
        guard w.lowercased() == name else { throw Request.bad("unexpected \(printable(w))") }
        words.removeFirst()
        return true
    }

    func finish() throws(ProtocolError) {
        if let d = duplicate { throw Request.bad("\(printable(d))= given twice") }
        if let k = values.keys.sorted().first { throw Request.bad("unknown option \(printable(k))=") }
        if let w = words.first { throw Request.bad("unexpected \(printable(w))") }
    }
}

/// `YYYY-MM-DD` naming a day that exists: four digits, a month 01 to 12 and a day of that month (29 February
/// only in a leap year).
public func isCalendarDate(_ s: String) -> Bool {
    let u = Array(s.utf8)
    guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-") else { return false }
    func number(_ r: Range<Int>) -> Int? {
        var n = 0
        for i in r {
            guard u[i] >= 48 && u[i] <= 57 else { return nil }
            n = n * 10 + Int(u[i] - 48)
        }
        return n
    }
    guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10), (1...12).contains(m) else {
        return false
    }
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
    let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return (1...days).contains(d)
}

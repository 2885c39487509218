// The durable store: vuoro's schema in one SQLite file (WAL, synchronous=FULL), loading state and group commits.
import CSQLite
import VuoroCore

#if canImport(Glibc)
    import Glibc
#endif

/// Why the store would not open a file.
public enum StoreError: Error, CustomStringConvertible {
    /// The file is not a vuoro database; it is left untouched.
    case notVuoro(path: String, reason: String)
    /// Written by a newer vuoro; it is left untouched.
    case newerSchema(path: String, found: Int64, supported: Int64)
    case sqlite(SQLiteError)

    public var description: String {
        switch self {
        case .notVuoro(let path, let reason): "\(path) is not a vuoro database (\(reason)); refusing to touch it"
        case .newerSchema(let path, let found, let supported):
            "\(path) has schema version \(found), newer than this vuorod's \(supported); refusing to touch it"
        case .sqlite(let e): e.description
        }
    }
}

/// A backup asked to land on one of the live state's own files.
public struct BackupError: Error, CustomStringConvertible {
    public let path: String
    public let live: String
    public var description: String {
        path == live
            ? "\(path) is a file of the running state; back up to another file"
            : "\(path) is \(live), a file of the running state; back up to another file"
    }
}

/// The device and inode of a file (through symbolic links), or nil when there is none.
func fileIdentity(_ path: String) -> [UInt64]? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    return [UInt64(st.st_dev), UInt64(st.st_ino)]
}

/// The state's SQLite file. One owner calls it, from one thread at a time.
public final class Store {
    /// `PRAGMA application_id` of a vuoro database: "VUOR".
    public static let applicationID: Int64 = 0x5655_4F52

    public let path: String
    let db: Database
    private var putTicket: Statement!
    private var putCounter: Statement!
    private var putQueue: Statement!
    private var putKiosk: Statement!
    private var dropKiosk: Statement!
    private var putAppointment: Statement!
    private var putQueueDay: Statement!
    private var ticketByID: Statement!
    private var ticketByNumber: Statement!
    private var dropAppointment: Statement!
    var begin: Statement!
    var commitStatement: Statement!

    /// Files beside the database that belong to its owner (vuorod's lock file): a backup never replaces them.
    public var ownFiles: [String] = []

    /// A test seam: while set, `commit` fails with this error before writing, as a full disk would.
    public var injectedFault: SQLiteError?

    /// Transactions committed since opening: with group commit, fewer than the writes they hold.
    public private(set) var commits = 0

    public init(path: String) throws(StoreError) {
        self.path = path
        do {
            db = try Database(path: path)
            // A lock held by another process is waited for briefly: the whole server waits with it.
            try db.execute("PRAGMA busy_timeout=200")
            try Store.checkAndMigrate(db, path: path)
            // WAL with a full sync at every commit: an acknowledged change survives power loss.
            try db.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")
            putTicket = try db.prepare(
                """
                INSERT INTO ticket(id, day, number, origin, seq, queue, priority, lang, state, issued_at,
                  waiting_since, rank, called_at, announced_at, counter, called_queue, calls, finished_at, transfers,
                  estimate, request, steps_back, place, due, booking, for_counter)
                  VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26)
                ON CONFLICT(id) DO UPDATE SET queue = ?6, priority = ?7, state = ?9, waiting_since = ?11, rank = ?12,
                  called_at = ?13, announced_at = ?14, counter = ?15, called_queue = ?16, calls = ?17, finished_at = ?18,
                  transfers = ?19, steps_back = ?22, place = ?23, due = ?24, for_counter = ?26
                """)
            putAppointment = try db.prepare(
                """
                INSERT OR REPLACE INTO appointment(ref, day, queue, due, counter, minutes, ticket, checked_in_at)
                  VALUES (?1,?2,?3,?4,?5,?6,?7,?8)
                """)
            dropAppointment = try db.prepare("DELETE FROM appointment WHERE ref = ?1")
            putCounter = try db.prepare(
                """
                INSERT INTO counter(id, queues, paused, current, streak, explicit) VALUES (?1,?2,?3,?4,?5,?6)
                ON CONFLICT(id) DO UPDATE SET queues = ?2, paused = ?3, current = ?4, streak = ?5, explicit = ?6
                """)
            putQueue = try db.prepare(
                "INSERT INTO queue(id, closed) VALUES (?1, ?2) ON CONFLICT(id) DO UPDATE SET closed = ?2")
            putQueueDay = try db.prepare(
                """
                INSERT INTO queue(id, closed, day, last_seq, services) VALUES (?1, 0, ?2, ?3, ?4)
                ON CONFLICT(id) DO UPDATE SET day = ?2, last_seq = ?3, services = ?4
                """)
            ticketByID = try db.prepare("\(Store.ticketColumns) WHERE id = ?1")
            ticketByNumber = try db.prepare("\(Store.ticketColumns) WHERE day = ?1 AND number = ?2 ORDER BY id DESC LIMIT 1")
            putKiosk = try db.prepare("INSERT OR REPLACE INTO kiosk(name, paper, seen) VALUES (?1, ?2, ?3)")
            dropKiosk = try db.prepare("DELETE FROM kiosk WHERE name = ?1")
            begin = try db.prepare("BEGIN IMMEDIATE")
            commitStatement = try db.prepare("COMMIT")
        } catch let e as StoreError {
            throw e
        } catch let e as SQLiteError {
            if e.code & 0xff == SQLITE_NOTADB { throw .notVuoro(path: path, reason: e.message) }
            throw .sqlite(e)
        } catch {
            throw .sqlite(SQLiteError(code: -1, message: "\(error)", context: "opening \(path)"))
        }
    }

    /// What the centre needs at start: the live tickets of any day (not the day's finished ones, which stay here),
    /// counters, queues and their day, the day's ISSUE keys and latest calls, kiosks, appointments.
    public func load(today: String) throws -> Snapshot {
        var snap = Snapshot()
        let live = try db.prepare("\(Store.ticketColumns) WHERE \(Store.openTicket)")
        while try live.step() { if let t = Store.ticket(live) { snap.tickets.append(t) } }
        // The day's keys: two columns of its tickets, read through ticket_day without building a ticket.
        let keys = try db.prepare("SELECT request, id FROM ticket WHERE day = ?1 AND request IS NOT NULL")
        keys.bind(1, today)
        while try keys.step() {
            guard let key = keys.text(0) else { continue }
            snap.requests.insert(key, keys.int(1), keyOf: { self.ticket(id: $0)?.request })
        }
        let calls = try db.prepare(
            """
            SELECT id, number, coalesce(called_queue, queue), counter, announced_at, calls FROM ticket
            WHERE announced_at IS NOT NULL AND day = ?1 ORDER BY announced_at DESC, id DESC LIMIT ?2
            """)
        calls.bind(1, today)
        calls.bind(2, Centre.recentCallsKept)
        while try calls.step() {
            snap.recentCalls.append(
                RecentCall(
                    id: calls.int(0), number: calls.text(1) ?? "", queue: calls.text(2) ?? "",
                    counter: calls.text(3) ?? "-", at: calls.int(4), calls: max(1, Int(calls.int(5)))))
        }
        let days = try db.prepare("SELECT id, day, last_seq, services FROM queue WHERE day = ?1")
        days.bind(1, today)
        while try days.step() {
            snap.queueDays.append(
                QueueDay(
                    queue: days.text(0) ?? "", day: days.text(1) ?? "", lastSeq: Int(days.int(2)),
                    services: (days.text(3) ?? "").split(separator: ",").compactMap { Int($0) }))
        }
        let c = try db.prepare("SELECT id, queues, paused, current, streak, explicit FROM counter")
        while try c.step() {
            snap.counters.append(
                CounterRecord(
                    id: c.text(0) ?? "", queues: (c.text(1) ?? "").split(separator: ",").map(String.init),
                    paused: c.int(2) != 0, current: c.optionalInt(3), streak: Int(c.int(4)), explicit: c.int(5) != 0))
        }
        let q = try db.prepare("SELECT id FROM queue WHERE closed != 0")
        while try q.step() { if let id = q.text(0) { snap.closedQueues.insert(id) } }
        snap.maxTicketID = try db.scalar("SELECT coalesce(max(id), 0) FROM ticket") ?? 0
        let k = try db.prepare("SELECT name, paper, seen FROM kiosk")
        while try k.step() {
            snap.kiosks.append(
                KioskRecord(name: k.text(0) ?? "", paper: Paper(rawValue: k.text(1) ?? "") ?? .unknown, seen: k.int(2)))
        }
        snap.appointments = try appointments(where: "day >= ?1", today)
        return snap
    }

    /// The appointments of one day (kept until the day is retired).
    public func appointments(day: String) throws -> [Appointment] { try appointments(where: "day = ?1", day) }

    private func appointments(where condition: String, _ day: String) throws -> [Appointment] {
        let s = try db.prepare(
            "SELECT ref, day, queue, due, counter, minutes, ticket, checked_in_at FROM appointment WHERE \(condition)")
        s.bind(1, day)
        var out: [Appointment] = []
        while try s.step() {
            out.append(
                Appointment(
                    ref: s.text(0) ?? "", day: s.text(1) ?? "", queue: s.text(2) ?? "", due: s.int(3), counter: s.text(4),
                    minutes: s.optionalInt(5).map(Int.init), ticket: s.optionalInt(6), checkedInAt: s.optionalInt(7)))
        }
        return out
    }

    static let ticketColumns = """
        SELECT id, day, number, origin, seq, queue, priority, lang, state, issued_at, waiting_since, rank, called_at,
          announced_at, counter, called_queue, calls, finished_at, transfers, estimate, request, steps_back, place, due,
          booking, for_counter FROM ticket
        """

    static func ticket(_ s: Statement) -> Ticket? {
        guard let state = TicketState(rawValue: s.text(8) ?? "") else { return nil }
        return Ticket(
            id: s.int(0), day: s.text(1) ?? "", number: s.text(2) ?? "", origin: s.text(3) ?? "",
            seq: Int(s.int(4)), queue: s.text(5) ?? "", priority: Int(s.int(6)), lang: s.text(7),
            state: state, issuedAt: s.int(9), waitingSince: s.int(10), rank: s.int(11),
            calledAt: s.optionalInt(12), announcedAt: s.optionalInt(13), counter: s.text(14),
            calledQueue: s.text(15), calls: Int(s.int(16)), finishedAt: s.optionalInt(17),
            transfers: Int(s.int(18)), estimate: Int(s.int(19)), request: s.text(20), stepsBack: Int(s.int(21)),
            place: s.int(22), due: s.optionalInt(23), booking: s.text(24), forCounter: s.text(25))
    }

    /// Commits all changes in one transaction with one fsync; on any failure nothing of them is kept.
    /// A ticket or counter changed several times in the batch is written once, as it ended.
    public func commit(_ changes: [Change]) throws {
        if let fault = injectedFault { throw fault }
        guard !changes.isEmpty else { return }
        var lastTicket: [Int64: Int] = [:]
        var lastCounter: [String: Int] = [:]
        for (i, c) in changes.enumerated() {
            if case .ticket(let t) = c { lastTicket[t.id] = i }
            if case .counter(let r) = c { lastCounter[r.id] = i }
        }
        do {
            try begin.run()
            for (i, change) in changes.enumerated() {
                switch change {
                case .ticket(let t) where lastTicket[t.id] != i: continue
                case .counter(let r) where lastCounter[r.id] != i: continue
                default: try write(change)
                }
            }
            try commitStatement.run()
            commits += 1
        } catch {
            if !db.isAutocommit { try? db.execute("ROLLBACK") }
            throw error
        }
    }

    private func write(_ change: Change) throws {
        switch change {
        case .ticket(let t):
            let s = putTicket!
            s.bind(1, t.id)
            s.bind(2, t.day)
            s.bind(3, t.number)
            s.bind(4, t.origin)
            s.bind(5, t.seq)
            s.bind(6, t.queue)
            s.bind(7, t.priority)
            s.bind(8, t.lang)
            s.bind(9, t.state.rawValue)
            s.bind(10, t.issuedAt)
            s.bind(11, t.waitingSince)
            s.bind(12, t.rank)
            s.bind(13, t.calledAt)
            s.bind(14, t.announcedAt)
            s.bind(15, t.counter)
            s.bind(16, t.calledQueue)
            s.bind(17, t.calls)
            s.bind(18, t.finishedAt)
            s.bind(19, t.transfers)
            s.bind(20, t.estimate)
            s.bind(21, t.request)
            s.bind(22, t.stepsBack)
            s.bind(23, t.place)
            s.bind(24, t.due)
            s.bind(25, t.booking)
            s.bind(26, t.forCounter)
            try s.run()
        case .counter(let c):
            let s = putCounter!
            s.bind(1, c.id)
            s.bind(2, c.queues.joined(separator: ","))
            s.bind(3, c.paused ? 1 : 0)
            s.bind(4, c.current)
            s.bind(5, c.streak)
            s.bind(6, c.explicit ? 1 : 0)
            try s.run()
        case .queueClosed(let id, let closed):
            let s = putQueue!
            s.bind(1, id)
            s.bind(2, closed ? 1 : 0)
            try s.run()
        case .kiosk(let k):
            let s = putKiosk!
            s.bind(1, k.name)
            s.bind(2, k.paper.rawValue)
            s.bind(3, k.seen)
            try s.run()
        case .kioskGone(let name):
            let s = dropKiosk!
            s.bind(1, name)
            try s.run()
        case .appointment(let a):
            let s = putAppointment!
            s.bind(1, a.ref)
            s.bind(2, a.day)
            s.bind(3, a.queue)
            s.bind(4, a.due)
            s.bind(5, a.counter)
            s.bind(6, a.minutes.map(Int64.init))
            s.bind(7, a.ticket)
            s.bind(8, a.checkedInAt)
            try s.run()
        case .appointmentGone(let ref):
            let s = dropAppointment!
            s.bind(1, ref)
            try s.run()
        case .queueDay(let d):
            let s = putQueueDay!
            s.bind(1, d.queue)
            s.bind(2, d.day)
            s.bind(3, d.lastSeq)
            s.bind(4, d.services.map(String.init).joined(separator: ","))
            try s.run()
        }
    }

    /// Copies the whole database to `path` with SQLite's online backup API: a consistent copy taken between
    /// commits. The file is written beside `path` first and renamed into place, so a half copy never lands.
    /// With `replace` false the copy never replaces a file: one at `path` (or appearing there meanwhile) fails it.
    /// The copy is readable by its owner alone (mode 0600).
    public func backup(to path: String, replace: Bool = true) throws {
        // Renamed over the live database, its WAL or the lock, the copy would cut the running daemon off from its
        // files: everything it commits after would go to files no longer in the directory, lost at the next start.
        if let target = fileIdentity(path) {
            for live in [self.path, self.path + "-wal", self.path + "-shm"] + ownFiles
            where fileIdentity(live) == target {
                throw BackupError(path: path, live: live)
            }
        }
        let partial = path + ".partial"
        unlink(partial)
        let dest = try Database(path: partial)
        guard let b = sqlite3_backup_init(dest.handle, "main", db.handle, "main") else {
            throw dest.error(sqlite3_errcode(dest.handle), "starting the backup to \(path)")
        }
        let rc = sqlite3_backup_step(b, -1)
        sqlite3_backup_finish(b)
        guard rc == SQLITE_DONE else {
            unlink(partial)
            throw SQLiteError(code: rc, message: String(cString: sqlite3_errstr(rc)), context: "backing up to \(path)")
        }
        try dest.execute("PRAGMA journal_mode=DELETE")
        chmod(partial, 0o600)
        if !replace {
            // link() fails where a file exists, where rename() would replace it.
            guard link(partial, path) == 0 else {
                let e = String(cString: strerror(errno))
                unlink(partial)
                throw SQLiteError(code: SQLITE_CANTOPEN, message: e, context: "placing the backup at \(path)")
            }
            unlink(partial)
            return
        }
        guard rename(partial, path) == 0 else {
            let e = String(cString: strerror(errno))
            unlink(partial)
            throw SQLiteError(code: SQLITE_CANTOPEN, message: e, context: "moving the backup to \(path)")
        }
    }

    /// Moves everything from the WAL into the database file and empties the WAL: at a clean stop, so that
    /// `vuoro.db` alone holds every committed change, for whoever copies just that file.
    public func checkpoint() throws {
        try db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    public func integrityCheck() throws -> String {
        let s = try db.prepare("PRAGMA integrity_check")
        return try s.step() ? (s.text(0) ?? "") : ""
    }
}

extension Store: TicketArchive {
    /// A committed ticket; nil when there is none, or it cannot be read (the caller answers as for none).
    public func ticket(id: Int64) -> Ticket? {
        let s = ticketByID!
        s.bind(1, id)
        defer { s.reset() }
        return (try? s.step()) == true ? Store.ticket(s) : nil
    }

    public func latest(number: String, day: String) -> Ticket? {
        let s = ticketByNumber!
        s.bind(1, day)
        s.bind(2, number)
        defer { s.reset() }
        return (try? s.step()) == true ? Store.ticket(s) : nil
    }
}

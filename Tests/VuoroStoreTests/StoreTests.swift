// The store on real SQLite files: commit and reopen, failed writes, foreign and newer files.
import CSQLite
import Foundation
import Testing
import VuoroCore
import VuoroStore

@Suite struct StoreTests {
    let dir: String = {
        let d = NSTemporaryDirectory() + "vuoro-store-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()
    let clock = ManualClock(1_795_420_800_000)

    /// The error opening `path` gives, or nil when it opens.
    func openError(_ path: String) -> StoreError? {
        if case .failure(let e) = Result(catching: { () throws(StoreError) in try Store(path: path) }) { return e }
        return nil
    }

    func centre(_ store: Store) throws -> Centre {
        let snap = try store.load(today: "2026-11-23")
        return Centre(config: .demo, clock: clock, snapshot: snap)
    }

    /// Appointments, a booked ticket, a parked one and one in a counter's own line come back from the file as
    /// they were committed.
    @Test func bookingsAndParkedTicketsSurviveReopening() throws {
        let path = dir + "/bookings.db"
        let due = clock.now() + 30 * 60_000
        do {
            let store = try Store(path: path)
            let c = try centre(store)
            _ = try c.book(Appointment(ref: "AB12", day: "", queue: "kela", due: due, minutes: 20))
            _ = try c.book(Appointment(ref: "CD34", day: "", queue: "lab", due: due + 86_400_000, counter: "6"))
            _ = try c.book(Appointment(ref: "GONE", day: "", queue: "lab", due: due))
            _ = try c.unbook("GONE")
            _ = try c.checkIn("AB12")
            _ = try c.issue(queue: "health")
            _ = try c.issue(queue: "health")
            _ = try c.call(counter: "4")
            _ = try c.park(counter: "4")
            _ = try c.call(counter: "4")
            _ = try c.transfer(counter: "4", toCounter: "6")
            try store.commit(c.takeChanges())
        }
        let c = try centre(try Store(path: path))
        #expect(c.bookings(day: "2026-11-23").map(\.ref) == ["AB12"])
        #expect(c.appointment("CD34")?.counter == "6" && c.appointment("CD34")?.day == "2026-11-24")
        #expect(c.appointment("AB12")?.minutes == 20 && c.appointment("AB12")?.ticket != nil)
        #expect(try c.view("K001").ticket.due == due && c.view("K001").ticket.booking == "AB12")
        #expect(c.parked(at: "4").map(\.number) == ["H001"])
        #expect(try c.view("H002").ticket.forCounter == "6")
        #expect(try c.call(counter: "6").ticket?.number == "H002")
        #expect(try c.call(counter: "4", ticket: "H001").ticket?.calls == 2)
    }

    /// Writing a ticket builds no temporary table (an `IN` list in the open tickets' index condition did, at every
    /// write), and the start's query of the open tickets still reads them through that index.
    @Test func writingATicketBuildsNoTemporaryTable() throws {
        let path = dir + "/plain.db"
        _ = try Store(path: path)
        let db = try Database(path: path)
        func opcodes(_ sql: String) throws -> [String] {
            let s = try db.prepare("EXPLAIN " + sql)
            var out: [String] = []
            while try s.step() { out.append(s.text(1) ?? "") }
            return out
        }
        let update = try opcodes("UPDATE ticket SET state = 'done' WHERE id = 1")
        #expect(update.contains("IdxInsert") || update.contains("IdxDelete"), "\(update)")
        #expect(!update.contains("OpenEphemeral"), "\(update)")
        #expect(!(try opcodes("INSERT INTO ticket(id, day, number, origin, seq, queue, priority, state, issued_at, waiting_since, rank, calls, transfers, estimate) VALUES (1, 'd', 'K1', 'kela', 1, 'kela', 0, 'waiting', 0, 0, 0, 0, 0, 0)")).contains("OpenEphemeral"))
        let plan = try db.prepare(
            "EXPLAIN QUERY PLAN SELECT id FROM ticket WHERE (state = 'waiting' OR state = 'called' OR state = 'parked')")
        var detail = ""
        while try plan.step() { detail += (plan.text(3) ?? "") + "; " }
        #expect(detail.contains("ticket_open"), "\(detail)")
    }

    @Test func committedStateSurvivesReopening() throws {
        let path = dir + "/a.db"
        do {
            let store = try Store(path: path)
            let c = try centre(store)
            try store.commit(c.takeChanges())
            _ = try c.issue(queue: "kela")
            _ = try c.issue(queue: "kela", priority: 4)
            _ = try c.issue(queue: "health")
            _ = try c.call(counter: "1")
            _ = try c.serve(counter: "2", queues: ["citizen"])
            _ = try c.pause(counter: "5")
            _ = try c.setClosed("lab", true)
            try store.commit(c.takeChanges())
        }
        let store = try Store(path: path)
        let c = try centre(store)
        #expect(c.currentTicket(of: "1")?.number == "K002")
        #expect(try c.view("K001").position == 1)
        #expect(c.counter("2")?.queues == ["citizen"])
        #expect(c.counter("5")?.paused == true)
        #expect(!c.isOpen("lab"))
        #expect(try c.issue(queue: "kela").ticket.number == "K003")
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func failedCommitKeepsNothing() throws {
        let store = try Store(path: dir + "/b.db")
        let c = try centre(store)
        try store.commit(c.takeChanges())
        _ = try c.issue(queue: "kela")
        try store.commit(c.takeChanges())
        _ = try c.issue(queue: "kela")
        store.injectedFault = SQLiteError(code: SQLITE_FULL, message: "database or disk is full", context: "test")
        #expect(throws: SQLiteError.self) { try store.commit(c.takeChanges()) }
        store.injectedFault = nil
        let again = try centre(store)
        #expect(again.lookup("K001") != nil)
        #expect(again.lookup("K002") == nil)
    }

    @Test func readOnlyFileFailsWritesAndKeepsReads() throws {
        let path = dir + "/ro.db"
        do {
            let store = try Store(path: path)
            let c = try centre(store)
            _ = try c.issue(queue: "kela")
            try store.commit(c.takeChanges())
        }
        let ro = try Database(path: path, readOnly: true)
        #expect(try ro.scalar("SELECT count(*) FROM ticket") == 1)
        #expect(throws: SQLiteError.self) { try ro.execute("INSERT INTO queue(id, closed) VALUES ('x', 1)") }
    }

    @Test func refusesAFileThatIsNotVuoro() throws {
        let path = dir + "/notes.txt"
        try Data("dear diary, this is not a database at all, not even close to one\n".utf8).write(
            to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.self) { try Store(path: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("dear diary"))

        let other = dir + "/other.db"
        let db = try Database(path: other)
        try db.execute("CREATE TABLE invoices(id INTEGER)")
        let e = try #require(openError(other))
        #expect(e.description.contains("not a vuoro database"))
        #expect(try db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'ticket'") == 0)
    }

    @Test func anIssueKeySurvivesReopening() throws {
        let path = dir + "/key.db"
        do {
            let store = try Store(path: path)
            let c = try centre(store)
            _ = try c.issue(queue: "kela", request: "0123456789abcdef")
            _ = try c.issue(queue: "kela")
            try store.commit(c.takeChanges())
        }
        let c = try centre(try Store(path: path))
        let again = try c.issue(queue: "kela", request: "0123456789abcdef")
        #expect(again.again && again.ticket.number == "K001")
        #expect(try c.issue(queue: "kela").ticket.number == "K003")
    }

    /// A file of schema version 2 (before ISSUE keys and kiosk reports): its tickets are kept, without keys, new
    /// ones get them, and kiosks' reports are kept.
    @Test func aVersionTwoFileIsMigrated() throws {
        let path = dir + "/v2.db"
        do {
            let store = try Store(path: path)
            let c = try centre(store)
            _ = try c.issue(queue: "kela")
            try store.commit(c.takeChanges())
        }
        let db = try Database(path: path)
        try db.execute(
            """
            DROP INDEX ticket_called; ALTER TABLE queue DROP COLUMN day; ALTER TABLE queue DROP COLUMN last_seq; ALTER TABLE queue DROP COLUMN services;
            ALTER TABLE ticket DROP COLUMN request; DROP TABLE kiosk;
            ALTER TABLE daily_stats DROP COLUMN transferred_out; ALTER TABLE ticket DROP COLUMN steps_back;
            ALTER TABLE ticket DROP COLUMN place;
            DROP TABLE push_subscription;
            DROP TABLE appointment; ALTER TABLE ticket DROP COLUMN due; ALTER TABLE ticket DROP COLUMN booking; ALTER TABLE ticket DROP COLUMN for_counter; DROP INDEX ticket_open; CREATE INDEX ticket_open ON ticket(state) WHERE state IN ('waiting', 'called');
            ALTER TABLE daily_stats DROP COLUMN booked; ALTER TABLE daily_stats DROP COLUMN booked_late; ALTER TABLE daily_stats DROP COLUMN booked_noshow; ALTER TABLE daily_stats DROP COLUMN booked_wait_mean; ALTER TABLE daily_stats DROP COLUMN booked_delay_mean; ALTER TABLE daily_stats DROP COLUMN walkin_wait_mean;
            PRAGMA user_version = 2
            """)
        do {
            let store = try Store(path: path)
            #expect(try db.scalar("PRAGMA user_version") == Store.schemaVersion)
            let c = try centre(store)
            #expect(try c.view("K001").ticket.request == nil)
            _ = try c.issue(queue: "kela", request: "k-2")
            _ = c.report(kiosk: "ovi-2", paper: .low)
            try store.commit(c.takeChanges())
        }
        let c = try centre(try Store(path: path))
        #expect(try c.issue(queue: "kela", request: "k-2").ticket.number == "K002")
        #expect(c.kioskList.map(\.name) == ["ovi-2"] && c.kioskList.first?.paper == .low)
        #expect(try Store(path: path).integrityCheck() == "ok")
    }

    @Test func refusesANewerSchema() throws {
        let path = dir + "/newer.db"
        _ = try Store(path: path)
        let db = try Database(path: path)
        try db.execute("PRAGMA user_version = 99")
        let e = try #require(openError(path))
        #expect(e.description.contains("schema version 99"))
        #expect(try db.scalar("PRAGMA user_version") == 99)
    }

    @Test func usesWALWithFullSync() throws {
        let path = dir + "/wal.db"
        _ = try Store(path: path)
        let db = try Database(path: path)
        let s = try db.prepare("PRAGMA journal_mode")
        #expect(try s.step() && s.text(0) == "wal")
        #expect(try db.scalar("PRAGMA application_id") == Store.applicationID)
        #expect(try db.scalar("PRAGMA user_version") == Store.schemaVersion)
    }
}

// vuoro's schema and its migrations: each version's statements, applied in order, one transaction each.

extension Store {
    public static let schemaVersion: Int64 = 8

    static func checkAndMigrate(_ db: Database, path: String) throws {
        let appID = try db.scalar("PRAGMA application_id") ?? 0
        let version = try db.scalar("PRAGMA user_version") ?? 0
        let tables = try db.scalar("SELECT count(*) FROM sqlite_master") ?? 0
        if appID == 0 && version == 0 && tables == 0 {
            try db.execute("BEGIN IMMEDIATE")
            try db.execute(schemaV1)
            try db.execute(schemaV2)
            try db.execute(schemaV3)
            try db.execute(schemaV4)
            try db.execute(schemaV5)
            try db.execute(schemaV6)
            try db.execute(schemaV7)
            try db.execute(schemaV8)
            try db.execute("PRAGMA application_id=\(applicationID); PRAGMA user_version=\(schemaVersion); COMMIT")
            return
        }
        guard appID == applicationID else {
            throw StoreError.notVuoro(path: path, reason: "application_id is \(appID), and it holds \(tables) objects")
        }
        guard version <= schemaVersion else {
            throw StoreError.newerSchema(path: path, found: version, supported: schemaVersion)
        }
        // Each migration in its own transaction, so a crash leaves one version or the next.
        if version < 2 {
            try db.execute("BEGIN IMMEDIATE")
            try db.execute(schemaV2)
            try db.execute("PRAGMA user_version=2; COMMIT")
        }
        if version < 3 {
            try db.execute("BEGIN IMMEDIATE")
            try db.execute(schemaV3)
            try db.execute("PRAGMA user_version=3; COMMIT")
        }
        if version < 4 {
            try db.execute("BEGIN IMMEDIATE")
            try db.execute(schemaV4)
            try db.execute("PRAGMA user_version=4; COMMIT")
        }
        if version < 5 {
            try db.execute("BEGIN IMMEDIATE")
            try db.execute(schemaV5)
            try db.execute("PRAGMA user_version=5; COMMIT")
        }
        if version < 6 {
            try db.execute("BEGIN IMMEDIATE")
            try db.execute(schemaV6)
            try db.execute("PRAGMA user_version=6; COMMIT")
        }
        if version < 7 {
            try db.execute("BEGIN IMMEDIATE")
            try db.execute(schemaV7)
            try db.execute("PRAGMA user_version=7; COMMIT")
        }
        if version < 8 {
            try db.execute("BEGIN IMMEDIATE")
            try db.execute(schemaV8)
            try db.execute("PRAGMA user_version=8; COMMIT")
        }
    }

    /// Version 8: what vuorod needs to start without reading the day's finished tickets. Each queue's numbering and
    /// last service times of its day (filled from the tickets of the latest day at the migration), an index of
    /// the calls in their order, and the open tickets' index without an `IN` list (see `openTicket`). The day's numbers and ISSUE keys are read through `ticket_day`: an index on them
    /// would take its inserts at a place of its own for every queue, and cost each commit a page per queue.
    static let schemaV8 = """
        ALTER TABLE queue ADD COLUMN day TEXT;
        ALTER TABLE queue ADD COLUMN last_seq INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE queue ADD COLUMN services TEXT NOT NULL DEFAULT '';
        INSERT INTO queue(id, closed, day, last_seq)
          SELECT t.origin, 0, t.day, t.seq FROM ticket t
          WHERE t.day = (SELECT max(day) FROM ticket)
            AND t.id = (SELECT max(id) FROM ticket u WHERE u.day = t.day AND u.origin = t.origin)
          ON CONFLICT(id) DO UPDATE SET day = excluded.day, last_seq = excluded.last_seq;
        CREATE INDEX ticket_called ON ticket(announced_at) WHERE announced_at IS NOT NULL;
        DROP INDEX ticket_open;
        CREATE INDEX ticket_open ON ticket(state) WHERE \(openTicket);
        """

    /// The open tickets, as the partial index `ticket_open` and the start's query say it. Comparisons joined by
    /// OR, not `IN` with three values: SQLite evaluates an index's condition at every write of a row, and an `IN`
    /// list of more than two values makes it build a temporary table each time (an 85 KiB page cache, taken,
    /// zeroed and freed for every ticket written). Version 7's index said `IN`.
    static let openTicket = "(state = 'waiting' OR state = 'called' OR state = 'parked')"

    /// Version 7: booked visits. Appointments (an opaque reference, a queue, a due time, a counter and a length;
    /// nothing about the visitor), a ticket's booking, due time and counter line, parked tickets among the open
    /// ones, and the statistics of booked and walk-in visits.
    static let schemaV7 = """
        CREATE TABLE appointment(
          ref TEXT PRIMARY KEY, day TEXT NOT NULL, queue TEXT NOT NULL, due INTEGER NOT NULL, counter TEXT,
          minutes INTEGER, ticket INTEGER, checked_in_at INTEGER
        );
        CREATE INDEX appointment_day ON appointment(day);
        ALTER TABLE ticket ADD COLUMN due INTEGER;
        ALTER TABLE ticket ADD COLUMN booking TEXT;
        ALTER TABLE ticket ADD COLUMN for_counter TEXT;
        DROP INDEX ticket_open;
        CREATE INDEX ticket_open ON ticket(state) WHERE state IN ('waiting', 'called', 'parked');
        ALTER TABLE daily_stats ADD COLUMN booked INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE daily_stats ADD COLUMN booked_late INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE daily_stats ADD COLUMN booked_noshow INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE daily_stats ADD COLUMN booked_wait_mean INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE daily_stats ADD COLUMN booked_delay_mean INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE daily_stats ADD COLUMN walkin_wait_mean INTEGER NOT NULL DEFAULT 0;
        """

    /// Version 6: how often a ticket stepped back, and its place among tickets of one rank (issue order until it
    /// steps back); the Web Push subscription of a ticket's page (its endpoint and
    /// keys, nothing else), deleted with the ticket's end.
    static let schemaV6 = """
        ALTER TABLE ticket ADD COLUMN steps_back INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE ticket ADD COLUMN place INTEGER NOT NULL DEFAULT 0;
        UPDATE ticket SET place = id * 1024;
        CREATE TABLE push_subscription(
          ticket INTEGER PRIMARY KEY, endpoint TEXT NOT NULL, p256dh BLOB NOT NULL, auth BLOB NOT NULL
        );
        """

    /// Version 5: a retired day's tickets sent on to other queues, beside those that came in (`transferred`).
    static let schemaV5 = """
        ALTER TABLE daily_stats ADD COLUMN transferred_out INTEGER NOT NULL DEFAULT 0;
        """

    /// Version 4: each kiosk's last report (`KIOSK`): its paper and when it was last heard from.
    static let schemaV4 = """
        CREATE TABLE kiosk(name TEXT PRIMARY KEY, paper TEXT NOT NULL, seen INTEGER NOT NULL);
        """

    /// Version 3: the key a client sent with `ISSUE` (`id=`), to answer the same request sent again with the same
    /// ticket. Tickets of earlier versions have none.
    static let schemaV3 = """
        ALTER TABLE ticket ADD COLUMN request TEXT;
        """

    /// Version 2: each retired day's statistics, kept after its tickets are deleted.
    static let schemaV2 = """
        CREATE TABLE daily_stats(
          day TEXT NOT NULL,
          grouping TEXT NOT NULL,
          key TEXT NOT NULL,
          issued INTEGER NOT NULL, served INTEGER NOT NULL, noshow INTEGER NOT NULL, cancelled INTEGER NOT NULL,
          transferred INTEGER NOT NULL, expired INTEGER NOT NULL, wait_mean INTEGER NOT NULL,
          wait_median INTEGER NOT NULL, wait_p90 INTEGER NOT NULL, service_mean INTEGER NOT NULL,
          service_p90 INTEGER NOT NULL, over_target INTEGER NOT NULL, estimate_error INTEGER NOT NULL,
          PRIMARY KEY (day, grouping, key)
        );
        """

    static let schemaV1 = """
        CREATE TABLE ticket(
          id INTEGER PRIMARY KEY,
          day TEXT NOT NULL,
          number TEXT NOT NULL,
          origin TEXT NOT NULL,
          seq INTEGER NOT NULL,
          queue TEXT NOT NULL,
          priority INTEGER NOT NULL,
          lang TEXT,
          state TEXT NOT NULL,
          issued_at INTEGER NOT NULL,
          waiting_since INTEGER NOT NULL,
          rank INTEGER NOT NULL,
          called_at INTEGER,
          announced_at INTEGER,
          counter TEXT,
          called_queue TEXT,
          calls INTEGER NOT NULL,
          finished_at INTEGER,
          transfers INTEGER NOT NULL,
          estimate INTEGER NOT NULL
        );
        CREATE INDEX ticket_day ON ticket(day);
        CREATE INDEX ticket_open ON ticket(state) WHERE state IN ('waiting', 'called');
        CREATE TABLE counter(
          id TEXT PRIMARY KEY,
          queues TEXT NOT NULL,
          paused INTEGER NOT NULL,
          current INTEGER,
          streak INTEGER NOT NULL,
          explicit INTEGER NOT NULL
        );
        CREATE TABLE queue(id TEXT PRIMARY KEY, closed INTEGER NOT NULL);
        """
}

// The real server over loopback: group commit, storage failures, limits, bad input and restarts.
import CSQLite
import Foundation
import Testing
import VuoroCore
import VuoroProtocol
import VuoroServer
import VuoroStore
import VuoroTestSupport

@Suite struct ServerTests {
    @Test func pipelinedWritesShareCommits() async throws {
        let server = try await TestServer()
        let c = try server.client()
        let before = try await server.server.commitCount()
        c.sendRaw(Array(String(repeating: "ISSUE lab\n", count: 100).utf8))
        var numbers = Set<String>()
        for _ in 0..<100 {
            let reply = try c.readLine()
            #expect(reply.hasPrefix("OK L"))
            numbers.insert(String(reply.split(separator: " ")[1]))
        }
        #expect(numbers.count == 100)
        let commits = try await server.server.commitCount() - before
        #expect(commits >= 1 && commits <= 10, "\(commits) commits for 100 writes")
        await server.stop()
    }

    /// With the sockets on the engine's own loop (0), on one loop, or on three: replies come back in order, numbers
    /// are never shared, and a client that sends far more requests ahead than may wait for the engine (here 4, so
    /// its socket is certainly held) is read on as it is answered.
    @Test(arguments: [0, 1, 3])
    func anyNumberOfIOThreadsServesInOrder(ioThreads: Int) async throws {
        let server = try await TestServer(options: ServerOptions(ioThreads: ioThreads, maxRequestsAhead: 4))
        let display = try server.client()
        #expect(try display.request("WATCH") == "OK watching")
        let kiosks = try (0..<6).map { _ in try server.client() }
        for k in kiosks { k.sendRaw(Array(String(repeating: "ISSUE lab\n", count: 50).utf8)) }
        let ahead = try server.client()
        ahead.sendRaw(Array((String(repeating: "PING\n", count: 3000) + "TICKET L300\n").utf8))
        var numbers = Set<String>()
        for k in kiosks {
            for _ in 0..<50 {
                let reply = try k.readLine()
                #expect(reply.hasPrefix("OK L"), "\(reply)")
                numbers.insert(String(reply.split(separator: " ")[1]))
            }
        }
        #expect(numbers.count == 300)
        var pongs = 0
        for _ in 0..<3000 where try ahead.readLine() == "OK PONG" { pongs += 1 }
        #expect(pongs == 3000)
        #expect(try ahead.readLine().hasPrefix("OK L300 state=waiting queue=lab "))
        // Its socket was held with requests waiting; answered, it is read again.
        #expect(try ahead.request("PING") == "OK PONG")
        #expect(try kiosks[0].request("STATUS") == "OK 4")
        var last = ""
        while let line = try? display.readLine(timeout: 1) {
            if line.hasPrefix("EVENT queue lab ") { last = line }
        }
        #expect(last.hasPrefix("EVENT queue lab waiting=300 "), "\(last)")
        await server.stop()
    }

    /// Each I/O loop keeps its own watchers and writes them each batch's events. Watchers on every loop get every
    /// event once, in order; one that sends WATCH and a CALL in one write gets `OK watching`, the reply, then the
    /// events of that batch; one that quit or closed gets nothing more, and nobody else notices.
    @Test(arguments: [0, 1, 3])
    func watchersOnEveryLoopGetEachEventOnce(ioThreads: Int) async throws {
        let server = try await TestServer(options: ServerOptions(ioThreads: ioThreads))
        let displays = try (0..<9).map { _ in try server.client() }
        for d in displays { #expect(try d.request("WATCH") == "OK watching") }
        let kiosk = try server.client()
        #expect(try kiosk.request("ISSUE kela").hasPrefix("OK K001 "))
        #expect(try kiosk.request("ISSUE kela").hasPrefix("OK K002 "))
        let clerk = try server.client()
        clerk.sendRaw(Array("WATCH\nCALL 1\n".utf8))
        #expect(try clerk.readLine() == "OK watching")
        #expect(try clerk.readLine().hasPrefix("OK K001 queue=kela counter=1 "))
        #expect(try clerk.readLine() == "EVENT called K001 queue=kela counter=1")
        displays[0].send("QUIT")
        while try displays[0].readLine() != "OK bye" {}
        _ = shutdown(displays[1].fd, Int32(SHUT_RDWR))
        #expect(try kiosk.request("CALL 2").hasPrefix("OK K002 "))
        for (i, d) in displays.enumerated().dropFirst(2) {
            var seen: [String] = []
            while let line = try? d.readLine(timeout: 0.5) {
                if line.hasPrefix("EVENT called") { seen.append(line) }
            }
            #expect(
                seen == ["EVENT called K001 queue=kela counter=1", "EVENT called K002 queue=kela counter=2"],
                "display \(i)")
        }
        #expect(displays[0].isClosedByServer())
        var clerkSaw: [String] = []
        while let line = try? clerk.readLine(timeout: 0.5) {
            if line.hasPrefix("EVENT called") { clerkSaw.append(line) }
        }
        #expect(clerkSaw == ["EVENT called K002 queue=kela counter=2"])
        await server.stop()
    }

    @Test func concurrentKiosksNeverShareANumber() async throws {
        let server = try await TestServer()
        let clients = try (0..<8).map { _ in try server.client() }
        for c in clients { c.sendRaw(Array(String(repeating: "ISSUE kela\n", count: 25).utf8)) }
        var numbers: [String] = []
        for c in clients { for _ in 0..<25 { numbers.append(String(try c.readLine().split(separator: " ")[1])) } }
        #expect(Set(numbers).count == 200)
        #expect(try clients[0].request("STATUS") == "OK 4")
        await server.stop()
    }

    /// Disk full, a read-only database, an I/O error: each through the store's seam that fails the commit.
    @Test(arguments: [SQLITE_FULL, SQLITE_READONLY, SQLITE_IOERR])
    func failedCommitAnswersUnavailableAndChangesNothing(code: Int32) async throws {
        let server = try await TestServer()
        let kiosk = try server.client()
        let display = try server.client()
        #expect(try display.request("WATCH") == "OK watching")
        #expect(try kiosk.request("ISSUE kela") == "OK K001 queue=kela position=1 wait=160")
        #expect(try display.readLine() == "EVENT queue kela waiting=1 wait=320 open=1 counters=3")
        try await server.server.injectStorageFault(
            SQLiteError(code: code, message: "injected fault \(code)", context: "test"))
        #expect(try kiosk.request("ISSUE kela").hasPrefix("ERR unavailable "))
        #expect(try kiosk.request("CALL 1").hasPrefix("ERR unavailable "))
        // Reads still work and show nothing changed.
        #expect(try kiosk.request("TICKET K001") == "OK K001 state=waiting queue=kela position=1 wait=160")
        #expect(try kiosk.request("TICKET K002").hasPrefix("ERR unknown-ticket"))
        #expect(try kiosk.list("STATUS").first == "kela open=1 waiting=1 wait=320 counters=3 longest=0")
        // A pipelined batch with a read after a failed write: the read sees the state before the batch.
        kiosk.send("ISSUE kela")
        kiosk.send("TICKET K002")
        #expect(try kiosk.readLine().hasPrefix("ERR unavailable "))
        #expect(try kiosk.readLine().hasPrefix("ERR unknown-ticket"))
        // Writes work again by themselves; the number refused was never handed out.
        try await server.server.injectStorageFault(nil)
        #expect(try kiosk.request("ISSUE kela") == "OK K002 queue=kela position=2 wait=320")
        #expect(try display.readLine() == "EVENT queue kela waiting=2 wait=480 open=1 counters=3")
        await server.stop()
    }

    @Test func lockedDatabaseAnswersUnavailable() async throws {
        let server = try await TestServer()
        let c = try server.client()
        #expect(try c.request("ISSUE kela").hasPrefix("OK K001"))
        // Another process holds the write lock: commits fail with SQLITE_BUSY after the busy timeout.
        let other = try Database(path: server.dbPath)
        try other.execute("BEGIN EXCLUSIVE")
        #expect(try c.request("ISSUE kela").hasPrefix("ERR unavailable "))
        try other.execute("ROLLBACK")
        #expect(try c.request("ISSUE kela") == "OK K002 queue=kela position=2 wait=320")
        await server.stop()
    }

    @Test func overLongLinesAreSkippedAndTheConnectionStaysUsable() async throws {
        let server = try await TestServer()
        let c = try server.client()
        c.sendRaw([UInt8](repeating: 65, count: 5000) + [10])
        #expect(try c.readLine().hasPrefix("ERR line-too-long "))
        c.sendRaw(Array(("ISSUE kela " + String(repeating: "x", count: 1013) + "\n").utf8))  // 1025 bytes
        #expect(try c.readLine().hasPrefix("ERR line-too-long "))
        #expect(try c.request("PING") == "OK PONG")
        await server.stop()
    }

    @Test func garbageGetsErrorsAndChangesNothing() async throws {
        let server = try await TestServer()
        let c = try server.client()
        c.sendRaw([0xff, 0xfe, 0x41, 10])
        #expect(try c.readLine().hasPrefix("ERR bad-argument "))
        c.sendRaw([0x50, 0x00, 0x49, 10])
        #expect(try c.readLine().hasPrefix("ERR bad-argument "))
        #expect(try c.request("").hasPrefix("ERR bad-argument "))
        #expect(try c.request("ISSUE kela priority=99999999999999999999").hasPrefix("ERR bad-argument "))
        #expect(try c.request("ISSUE kela a=1 b=2 c=3 d=4").hasPrefix("ERR bad-argument "))
        #expect(try c.request("CALL 3 ticket=K999").hasPrefix("ERR unknown-ticket "))
        #expect(try c.list("STATUS").allSatisfy { $0.contains("waiting=0") })
        #expect(try c.request("PING") == "OK PONG")
        await server.stop()
    }

    @Test func connectionsPastTheLimitAreRefused() async throws {
        let server = try await TestServer(options: ServerOptions(maxConnections: 2))
        let a = try server.client()
        let b = try server.client()
        #expect(try a.request("PING") == "OK PONG")
        #expect(try b.request("PING") == "OK PONG")
        let c = try server.client()
        #expect(try c.readLine().hasPrefix("ERR too-many-connections "))
        #expect(c.isClosedByServer())
        #expect(try a.request("PING") == "OK PONG")
        await server.stop()
    }

    @Test func quitAndHalfCloseAnswerThenClose() async throws {
        let server = try await TestServer()
        let c = try server.client()
        #expect(try c.request("QUIT") == "OK bye")
        #expect(c.isClosedByServer())
        let d = try server.client()
        d.send("ISSUE lab")
        d.send("PING")
        shutdown(d.fd, Int32(SHUT_WR))
        #expect(try d.readLine() == "OK L001 queue=lab position=1 wait=240")
        #expect(try d.readLine() == "OK PONG")
        #expect(d.isClosedByServer())
        await server.stop()
    }

    @Test func restartKeepsTicketsAndContinuesNumbering() async throws {
        let server = try await TestServer()
        var c = try server.client()
        #expect(try c.request("ISSUE kela").hasPrefix("OK K001"))
        #expect(try c.request("ISSUE kela").hasPrefix("OK K002"))
        #expect(try c.request("CALL 1").hasPrefix("OK K001"))
        #expect(try c.request("CLOSE lab") == "OK lab open=0")
        try await server.restart()
        c = try server.client()
        #expect(try c.request("ISSUE kela") == "OK K003 queue=kela position=2 wait=320")
        #expect(try c.request("TICKET K001") == "OK K001 state=called queue=kela counter=1")
        #expect(try c.list("COUNTERS").first == "1 state=open ticket=K001 queues=kela")
        #expect(try c.request("ISSUE lab") == "ERR queue-closed lab is closed")
        // Over midnight: yesterday's open tickets expire and numbering restarts.
        server.clock.advance(seconds: 86_400)
        try await server.restart()
        c = try server.client()
        #expect(try c.request("ISSUE kela") == "OK K001 queue=kela position=1 wait=160")
        #expect(try c.list("COUNTERS").first == "1 state=open ticket=- queues=kela")
        await server.stop()
    }

    /// Counters with a name (the demo's room 4 and sampling room 6) give it in the language asked for.
    @Test func countersGiveTheirNames() async throws {
        let server = try await TestServer()
        let c = try server.client()
        #expect(
            try c.list("COUNTERS lang=sv").filter { $0.contains("name=") } == [
                "4 state=open ticket=- queues=health name=\"rum 4\"",
                "6 state=open ticket=- queues=lab name=\"provtagning 6\"",
            ])
        #expect(try c.list("COUNTERS lang=en")[3] == "4 state=open ticket=- queues=health name=\"room 4\"")
        #expect(try c.list("COUNTERS")[3] == "4 state=open ticket=- queues=health name=\"huone 4\"")
        #expect(try c.list("COUNTERS")[0] == "1 state=open ticket=- queues=kela")
        #expect(try c.request("COUNTERS lang=de") == "ERR bad-argument lang must be one of fi,sv,en")
        await server.stop()
    }

    /// A reload tells the watchers, so that screens read names, queues and counters again.
    @Test func aReloadTellsTheWatchers() async throws {
        let server = try await TestServer()
        let display = try server.client()
        #expect(try display.request("WATCH") == "OK watching")
        var config = CentreConfig.demo
        config.counters[0].names = ["fi": "huone 1", "sv": "rum 1", "en": "room 1"]
        try await server.server.reconfigure(config, access: AccessConfig())
        #expect(try display.readLine() == "EVENT reloaded")
        #expect(try display.list("COUNTERS")[0] == "1 state=open ticket=- queues=kela name=\"huone 1\"")
        await server.stop()
    }

    @Test func midnightWhileRunningExpiresAndTellsWatchers() async throws {
        let server = try await TestServer()
        let c = try server.client()
        let display = try server.client()
        #expect(try c.request("ISSUE kela").hasPrefix("OK K001"))
        #expect(try display.request("WATCH") == "OK watching")
        server.clock.advance(seconds: 14 * 3600)  // Tuesday 00:00
        #expect(try display.readLine(timeout: 5) == "EVENT day 2026-11-24")
        #expect(try display.readLine() == "EVENT queue kela waiting=0 wait=160 open=1 counters=3")
        #expect(try c.request("TICKET K001").hasPrefix("ERR unknown-ticket"))
        #expect(try c.request("ISSUE kela").hasPrefix("OK K001"))
        await server.stop()
    }

    /// A request just after midnight rolls the day before it is served; the displays were never told of the new
    /// day then, and kept yesterday's calls. `EVENT day` now comes first, whoever rolls the day.
    @Test func aRequestAfterMidnightStillAnnouncesTheDay() async throws {
        let server = try await TestServer()
        let c = try server.client()
        let display = try server.client()
        #expect(try c.request("ISSUE kela").hasPrefix("OK K001"))
        #expect(try c.request("CALL 1").hasPrefix("OK K001"))
        #expect(try display.request("WATCH") == "OK watching")
        server.clock.advance(seconds: 14 * 3600)  // Tuesday 00:00
        #expect(try c.request("ISSUE kela").hasPrefix("OK K001"))
        var seen: [String] = []
        while let line = try? display.readLine(timeout: 1.5) { seen.append(line) }
        #expect(seen.filter { $0.hasPrefix("EVENT day") } == ["EVENT day 2026-11-24"], "\(seen)")
        #expect(seen.first == "EVENT day 2026-11-24", "\(seen)")
        await server.stop()
    }

    /// Midnight while the disk fails: the day change is not committed, so it is rolled and announced again once
    /// storage works, and the night's backup is written then, not skipped.
    @Test func midnightWhileStorageFailsIsNotLost() async throws {
        let server = try await TestServer()
        let c = try server.client()
        let display = try server.client()
        #expect(try c.request("ISSUE kela").hasPrefix("OK K001"))
        #expect(try display.request("WATCH") == "OK watching")
        try await server.server.injectStorageFault(SQLiteError(code: SQLITE_IOERR, message: "injected", context: "t"))
        server.clock.advance(seconds: 14 * 3600)  // Tuesday 00:00
        try await Task.sleep(nanoseconds: 2_500_000_000)  // ticks while the disk fails
        #expect(try c.request("ISSUE kela").hasPrefix("ERR unavailable"))
        let backup = server.directory + "/backups/vuoro-2026-11-23.db"
        #expect(!FileManager.default.fileExists(atPath: backup))
        try await server.server.injectStorageFault(nil)
        var seen: [String] = []
        while let line = try? display.readLine(timeout: 2) { seen.append(line) }
        #expect(seen.filter { $0.hasPrefix("EVENT day") } == ["EVENT day 2026-11-24"], "\(seen)")
        for _ in 0..<50 where !FileManager.default.fileExists(atPath: backup) { usleep(100_000) }
        #expect(FileManager.default.fileExists(atPath: backup))
        #expect(try c.request("TICKET K001").hasPrefix("ERR unknown-ticket"))
        #expect(try c.request("ISSUE kela").hasPrefix("OK K001"))
        await server.stop()
    }

    /// At each day change a consistent copy of the database goes to backups/ beside it, named by the day that
    /// ended, and only the newest `backups` are kept.
    @Test func nightlyBackupsAreWrittenAndPruned() async throws {
        var config = CentreConfig.demo
        config.backups = 2
        let server = try await TestServer(config: config)
        let c = try server.client()
        let display = try server.client()
        #expect(try display.request("WATCH") == "OK watching")
        let backups = server.directory + "/backups"
        // A file of the administrator's own there is never deleted.
        try FileManager.default.createDirectory(atPath: backups, withIntermediateDirectories: true)
        try "notes".write(toFile: backups + "/vuoro-notes.db", atomically: true, encoding: .utf8)
        for (i, day) in ["2026-11-23", "2026-11-24", "2026-11-25"].enumerated() {
            for _ in 0...i { #expect(try c.request("ISSUE kela").hasPrefix("OK K")) }
            server.clock.advance(seconds: i == 0 ? 14 * 3600 : 86_400)
            while try display.readLine(timeout: 5).hasPrefix("EVENT day") == false {}
            let file = "\(backups)/vuoro-\(day).db"
            for _ in 0..<50 where !FileManager.default.fileExists(atPath: file) { usleep(100_000) }
            // The day's tickets are in it, expired at midnight as in the database.
            let copy = try Database(path: file, readOnly: true)
            let s = try copy.prepare("SELECT count(*) FROM ticket WHERE day = ?1 AND state = 'expired'")
            s.bind(1, day)
            #expect(try s.step() && s.int(0) == Int64(i + 1), "\(day)")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: backups).sorted()
        #expect(files == ["vuoro-2026-11-24.db", "vuoro-2026-11-25.db", "vuoro-notes.db"])
        await server.stop()
    }
}

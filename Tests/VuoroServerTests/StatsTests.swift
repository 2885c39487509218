// STATS over the protocol, and retention: old days keep their statistics, their tickets are deleted.
import Foundation
import Testing
import VuoroCore
import VuoroServer
import VuoroStore
import VuoroTestSupport

@Suite struct StatsTests {
    @Test func statsOfTodayByQueueCounterAndHour() async throws {
        let server = try await TestServer()
        let c = try server.client()
        #expect(try c.request("ISSUE lab").hasPrefix("OK L001"))
        server.clock.advance(seconds: 90)
        #expect(try c.request("CALL 6").hasPrefix("OK L001"))
        server.clock.advance(seconds: 200)
        #expect(try c.request("DONE 6") == "OK L001 state=done")
        let prefix =
            "lab issued=1 served=1 noshow=0 cancelled=0 transferred_in=0 transferred_out=0 expired=0 wait_mean=90 wait_median=90 wait_p90=90"
        #expect(
            try c.list("STATS") == [
                "\(prefix) service_mean=200 service_p90=200 over_target=0 estimate_error=150 booked=0 booked_late=0 "
                    + "booked_noshow=0 booked_wait_mean=0 booked_delay_mean=0 walkin_wait_mean=90"
            ])
        #expect(try c.list("STATS by=counter").first?.hasPrefix("6 issued=1 served=1") == true)
        #expect(try c.list("STATS by=hour").first?.hasPrefix("10 issued=1") == true)
        #expect(try c.request("STATS by=month").hasPrefix("ERR bad-argument"))
        #expect(try c.request("STATS date=23.11.2026").hasPrefix("ERR bad-argument"))
        #expect(try c.list("STATS date=2020-01-01") == [])
        await server.stop()
    }

    @Test func retentionKeepsStatisticsAndDeletesTickets() async throws {
        var config = CentreConfig.demo
        config.retentionDays = 2
        let server = try await TestServer(config: config)
        let c = try server.client()
        #expect(try c.request("ISSUE kela").hasPrefix("OK K001"))
        #expect(try c.request("ISSUE kela").hasPrefix("OK K002"))
        server.clock.advance(seconds: 30)
        #expect(try c.request("CALL 1").hasPrefix("OK K001"))
        #expect(try c.request("DONE 1") == "OK K001 state=done")
        let before = try c.list("STATS")
        #expect(before.first?.hasPrefix("kela issued=2 served=1 noshow=0 cancelled=0 transferred_in=0 transferred_out=0 expired=0") == true)
        // Three days later, at the first tick of the new day, 2026-11-23 is older than two days.
        let w = try server.client()
        #expect(try w.request("WATCH") == "OK watching")
        server.clock.advance(seconds: 3 * 86_400)
        while try w.readLine() != "EVENT day 2026-11-26" {}
        // Retention runs at the first tick after the day change (the WATCH itself may have rolled the day).
        let db = try Database(path: server.dbPath)
        for _ in 0..<50 where try db.scalar("SELECT count(*) FROM daily_stats WHERE day = '2026-11-23'") != 3 {
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        #expect(try db.scalar("SELECT count(*) FROM ticket WHERE day = '2026-11-23'") == 0)
        #expect(try db.scalar("SELECT count(*) FROM daily_stats WHERE day = '2026-11-23'") == 3)
        // The expired K002 is counted as such in the statistics kept.
        let kept = try c.list("STATS date=2026-11-23")
        #expect(
            kept.first?.hasPrefix("kela issued=2 served=1 noshow=0 cancelled=0 transferred_in=0 transferred_out=0 expired=1") == true,
            "\(kept)")
        #expect(try c.list("STATS date=2026-11-23 by=counter").first?.hasPrefix("1 issued=1 served=1") == true)
        await server.stop()
    }

    @Test func schemaVersionOneIsMigrated() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/old.db"
        _ = try Store(path: path)
        let db = try Database(path: path)
        try db.execute(
            "DROP INDEX ticket_called; ALTER TABLE queue DROP COLUMN day; ALTER TABLE queue DROP COLUMN last_seq; ALTER TABLE queue DROP COLUMN services; "
                + "DROP TABLE daily_stats; DROP TABLE kiosk; ALTER TABLE ticket DROP COLUMN request; "
                + "ALTER TABLE ticket DROP COLUMN steps_back; ALTER TABLE ticket DROP COLUMN place; "
                + "DROP TABLE push_subscription; "
                + "DROP TABLE appointment; ALTER TABLE ticket DROP COLUMN due; ALTER TABLE ticket DROP COLUMN booking; ALTER TABLE ticket DROP COLUMN for_counter; DROP INDEX ticket_open; CREATE INDEX ticket_open ON ticket(state) WHERE state IN ('waiting', 'called'); PRAGMA user_version = 1")
        _ = try Store(path: path)
        #expect(try db.scalar("PRAGMA user_version") == Store.schemaVersion)
        #expect(try db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'daily_stats'") == 1)
    }
}

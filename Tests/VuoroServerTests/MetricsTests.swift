// The Prometheus endpoint scraped over HTTP on loopback after some real traffic.
import Foundation
import Testing
import VuoroServer
import VuoroTestSupport

@Suite struct MetricsTests {
    /// The longest wait so far, per queue, kept up to date every second without any request.
    @Test func longestWaitFollowsTheClock() async throws {
        let server = try await TestServer(metrics: ServerMetrics())
        let address = try #require(try await server.server.startMetrics(host: "127.0.0.1", port: 0))
        #expect(try server.client().request("ISSUE lab").hasPrefix("OK L001"))
        server.clock.advance(seconds: 1500)
        var lines: [String] = []
        func value(_ queue: String) -> Double? {
            let prefix = "vuoro_longest_wait_seconds{queue=\"\(queue)\"} "
            return lines.first { $0.hasPrefix(prefix) }.flatMap { Double($0.dropFirst(prefix.count)) }
        }
        for _ in 0..<40 where value("lab") != 1500 {
            usleep(100_000)
            lines = try scrapeMetrics(port: address.port!)
        }
        #expect(value("lab") == 1500, "\(lines)")
        #expect(value("kela") == 0, "\(lines)")
        await server.stop()
    }

    /// Visitors waiting in a queue no open counter serves (every clerk of the laboratory paused, say) is an alert
    /// the manager can set: vuoro_tickets_waiting > 0 and vuoro_counters_open == 0.
    @Test func openCountersPerQueue() async throws {
        let server = try await TestServer(metrics: ServerMetrics())
        let address = try #require(try await server.server.startMetrics(host: "127.0.0.1", port: 0))
        let c = try server.client()
        #expect(try c.request("ISSUE lab").hasPrefix("OK L001"))
        var lines = try scrapeMetrics(port: address.port!)
        #expect(lines.contains("vuoro_counters_open{queue=\"lab\"} 1.0"), "\(lines)")
        #expect(lines.contains("vuoro_counters_open{queue=\"kela\"} 3.0"), "\(lines)")
        #expect(try c.request("PAUSE 6") == "OK 6 state=paused")  // the demo's one sampling room
        lines = try scrapeMetrics(port: address.port!)
        #expect(lines.contains("vuoro_counters_open{queue=\"lab\"} 0.0"), "\(lines)")
        #expect(lines.contains("vuoro_tickets_waiting{queue=\"lab\"} 1.0"), "\(lines)")
        #expect(try c.request("CALL 6").hasPrefix("OK L001"))
        lines = try scrapeMetrics(port: address.port!)
        #expect(lines.contains("vuoro_counters_open{queue=\"lab\"} 1.0"), "\(lines)")
        await server.stop()
    }

    @Test func scrapeShowsQueuesConnectionsAndCommits() async throws {
        let server = try await TestServer(metrics: ServerMetrics())
        let address = try #require(try await server.server.startMetrics(host: "127.0.0.1", port: 0))
        let c = try server.client()
        #expect(try c.request("ISSUE kela").hasPrefix("OK K001"))
        #expect(try c.request("ISSUE kela").hasPrefix("OK K002"))
        server.clock.advance(seconds: 100)
        #expect(try c.request("CALL 1").hasPrefix("OK K001"))
        #expect(try c.request("DONE 1") == "OK K001 state=done")

        let lines = try scrapeMetrics(port: address.port!)
        #expect(lines.first?.hasPrefix("HTTP/1.1 200") == true, "\(lines)")
        #expect(
            lines.contains("vuoro_tickets_waiting{queue=\"kela\"} 1.0")
                || lines.contains("vuoro_tickets_waiting{queue=\"kela\"} 1"), "\(lines)")
        #expect(lines.contains("vuoro_tickets_issued_total{queue=\"kela\"} 2"), "\(lines)")
        #expect(lines.contains("vuoro_tickets_served_total{queue=\"kela\"} 1"), "\(lines)")
        #expect(
            lines.contains {
                $0.hasPrefix("vuoro_waiting_seconds_bucket{queue=\"kela\",le=\"120") && $0.hasSuffix(" 1")
            }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("vuoro_connections_open") })
        #expect(lines.contains { $0.hasPrefix("vuoro_commit_batch_changes_count") })
        #expect(lines.contains { $0.hasPrefix("vuoro_commit_seconds_count") })
        // Every sample is a series of its own (Prometheus refuses a scrape that repeats one), and the commit
        // histogram starts at 0.2 ms.
        let samples = lines.filter { $0.hasPrefix("vuoro_") }.map { String($0.split(separator: " ")[0]) }
        #expect(Set(samples).count == samples.count, "\(samples)")
        #expect(samples.contains("vuoro_commit_seconds_bucket{le=\"0.0002\"}"), "\(samples)")
        #expect(samples.contains("vuoro_commit_seconds_bucket{le=\"0.0005\"}"), "\(samples)")

        let other = try LineClient(port: address.port!)
        other.sendRaw(Array("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8))
        #expect(try other.readLine().hasPrefix("HTTP/1.1 404"))
        await server.stop()
    }

    /// The time of the last nightly backup, for an alert when it is more than a day old.
    @Test func scrapeShowsTheLastNightlyBackup() async throws {
        let server = try await TestServer(metrics: ServerMetrics())
        let address = try #require(try await server.server.startMetrics(host: "127.0.0.1", port: 0))
        let display = try server.client()
        #expect(try display.request("WATCH") == "OK watching")
        server.clock.advance(seconds: 14 * 3600)  // Tuesday 00:00
        while try display.readLine() != "EVENT day 2026-11-24" {}
        var value: Double?
        for _ in 0..<50 where (value ?? 0) == 0 {
            let http = try LineClient(port: address.port!)
            http.sendRaw(Array("GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8))
            while let line = try? http.readLine(timeout: 5) {
                if line.hasPrefix("vuoro_backup_last_success_timestamp_seconds ") {
                    value = Double(line.split(separator: " ")[1].trimmingCharacters(in: .whitespacesAndNewlines))
                }
            }
            if (value ?? 0) == 0 { usleep(100_000) }
        }
        #expect(value == Double(server.clock.now()) / 1000, "\(String(describing: value))")
        await server.stop()
    }
}

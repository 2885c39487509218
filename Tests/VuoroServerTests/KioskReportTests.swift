// Kiosks reporting themselves and their paper (`KIOSK`), and staff reading it (`KIOSKS`, metrics, the journal).
import Foundation
import Testing
import VuoroProtocol
import VuoroServer
import VuoroStore
import VuoroTestSupport

@Suite struct KioskReportTests {
    @Test func reportsAreListedAndOutliveARestart() async throws {
        let server = try await TestServer()
        let c = try server.client()
        #expect(try c.request("KIOSK ovi-2 paper=ok") == "OK ovi-2 paper=ok")
        server.clock.advance(seconds: 30)
        #expect(try c.request("KIOSK Aula.1 paper=low") == "OK Aula.1 paper=low")
        server.clock.advance(seconds: 45)
        // Sorted by name; `seen` in the site's time; `ago` in whole seconds.
        #expect(
            try c.list("KIOSKS") == [
                "Aula.1 paper=low seen=2026-11-23T10:00:30+02:00 ago=45",
                "ovi-2 paper=ok seen=2026-11-23T10:00:00+02:00 ago=75",
            ])
        #expect(try c.request("KIOSK ovi-2 paper=out") == "OK ovi-2 paper=out")
        try await server.restart()
        let d = try server.client()
        #expect(
            try d.list("KIOSKS").map { $0.split(separator: " ").prefix(2).joined(separator: " ") } == [
                "Aula.1 paper=low", "ovi-2 paper=out",
            ])
        await server.stop()
    }

    @Test func badReportsChangeNothing() async throws {
        let server = try await TestServer()
        let c = try server.client()
        for (line, error) in [
            ("KIOSK", "ERR bad-argument missing kiosk name"),
            ("KIOSK ovi-2", "ERR bad-argument missing paper=, one of ok, low, out, unknown"),
            ("KIOSK ovi-2 paper=o", "ERR bad-argument paper must be one of ok, low, out, unknown"),
            ("KIOSK ovi-2 paper=ok extra", "ERR bad-argument unexpected 'extra'"),
            ("KIOSK ovi/2 paper=ok", "ERR bad-argument a kiosk's name is 1 to 32 of A-Z a-z 0-9 - _ ."),
            (
                "KIOSK \(String(repeating: "k", count: 33)) paper=ok",
                "ERR bad-argument a kiosk's name is 1 to 32 of A-Z a-z 0-9 - _ ."
            ),
        ] {
            #expect(try c.request(line) == error, "\(line)")
        }
        #expect(try c.list("KIOSKS") == [])
        await server.stop()
    }

    /// A kiosk taken away for good is forgotten at the first day change a week after its last report; one that
    /// still reports is kept.
    @Test func aSilentKioskIsForgottenAfterAWeek() async throws {
        let server = try await TestServer()
        let c = try server.client()
        #expect(try c.request("KIOSK old paper=ok") == "OK old paper=ok")
        server.clock.advance(seconds: 6 * 86_400)
        #expect(try c.request("KIOSK new paper=ok") == "OK new paper=ok")
        server.clock.advance(seconds: 86_400)
        var names: [String] = []
        for _ in 0..<50 {
            names = try c.list("KIOSKS").map { String($0.split(separator: " ")[0]) }
            if names == ["new"] { break }
            usleep(100_000)
        }
        #expect(names == ["new"])
        try await server.restart()
        #expect(try server.client().list("KIOSKS").map { String($0.split(separator: " ")[0]) } == ["new"])
        await server.stop()
    }

    @Test func metricsShowPaperAndSilence() async throws {
        let server = try await TestServer(metrics: ServerMetrics())
        let address = try #require(try await server.server.startMetrics(host: "127.0.0.1", port: 0))
        let c = try server.client()
        #expect(try c.request("KIOSK ovi-2 paper=low") == "OK ovi-2 paper=low")
        #expect(try c.request("KIOSK ovi-3 paper=unknown") == "OK ovi-3 paper=unknown")
        server.clock.advance(seconds: 200)
        var lines: [String] = []
        for _ in 0..<30 {
            lines = try scrapeMetrics(port: address.port!)
            if lines.contains("vuoro_kiosk_silent_seconds{kiosk=\"ovi-2\"} 200.0") { break }
            usleep(200_000)  // the gauges are set on the next tick
        }
        #expect(lines.contains("vuoro_kiosk_paper{kiosk=\"ovi-2\"} 1.0"), "\(lines)")
        #expect(lines.contains("vuoro_kiosk_paper{kiosk=\"ovi-3\"} -1.0"), "\(lines)")
        #expect(lines.contains("vuoro_kiosk_silent_seconds{kiosk=\"ovi-2\"} 200.0"), "\(lines)")
        // A kiosk forgotten a week later is gone from the metrics too; one still reporting stays.
        server.clock.advance(seconds: 7 * 86_400)
        #expect(try c.request("KIOSK ovi-3 paper=ok") == "OK ovi-3 paper=ok")
        server.clock.advance(seconds: 86_400)
        for _ in 0..<30 {
            lines = try scrapeMetrics(port: address.port!)
            if !lines.contains(where: { $0.contains("kiosk=\"ovi-2\"") }) { break }
            usleep(200_000)
        }
        #expect(!lines.contains { $0.contains("kiosk=\"ovi-2\"") }, "\(lines)")
        #expect(lines.contains("vuoro_kiosk_paper{kiosk=\"ovi-3\"} 0.0"), "\(lines)")
        await server.stop()
    }
}

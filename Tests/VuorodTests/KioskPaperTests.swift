// The kiosk reporting itself and its printer's paper to vuorod (KIOSK), read back as staff read it (KIOSKS).
import Foundation
import Testing
import VuoroTestSupport

#if canImport(Glibc)
    import Glibc
#endif

@Suite(.serialized) struct KioskPaperTests {
    /// The kiosk asks its printer for its paper (DLE EOT 4) and tells vuorod. A slip that reaches the near end of
    /// the roll shows as paper=low for staff; a printer out of paper gets no number issued for it (the visitor is
    /// sent to the information desk at once, and nothing is left to cancel); paper put back is seen at the next
    /// report.
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func theKioskReportsItsPaper() async throws {
        let server = try await TestServer()
        let printer = try AnsweringPrinter(status: AnsweringPrinter.paperOK)
        defer { printer.stop() }
        let c = try server.client()
        func paper() throws -> String? {
            try c.list("KIOSKS").first { $0.hasPrefix("ovi-2 ") }?.split(separator: " ")[1].description
        }
        func waitForPaper(_ p: String) throws -> Bool {
            for _ in 0..<100 {
                if try paper() == "paper=\(p)" { return true }
                usleep(100_000)
            }
            return false
        }
        let kiosk = try Tmux(
            "\(executable("vuoro-ticket")) --kiosk --server 127.0.0.1:\(server.port) --lang en --format escpos"
                + " --output tcp:127.0.0.1:\(printer.port) --name ovi-2 --cooldown 0 --report-every 2")
        #expect(try kiosk.waitFor("Choose a service"), kiosk.dump)
        #expect(try waitForPaper("ok"), "\((try? c.list("KIOSKS")) ?? [])")

        printer.status = AnsweringPrinter.paperLow
        try kiosk.keys("1")
        #expect(try kiosk.waitFor("Your number"), kiosk.dump)
        #expect(try c.request("TICKET K001").hasPrefix("OK K001 state=waiting"))
        #expect(try waitForPaper("low"), "\((try? c.list("KIOSKS")) ?? [])")
        #expect(try kiosk.waitFor("Printer paper low: change the roll"), kiosk.dump)
        let slip = try #require(printer.jobs.first { $0.count > 100 })
        #expect(slip.starts(with: [0x10, 0x04, 0x04, 0x1B, 0x40]), "asked before the slip")
        #expect(Array(slip.suffix(7)) == [0x1D, 0x56, 0x42, 3, 0x10, 0x04, 0x04], "and after it")

        printer.status = AnsweringPrinter.paperOut
        try kiosk.keys("1")
        #expect(try kiosk.waitFor("The printer is not working. Please ask at the information desk."), kiosk.dump)
        #expect(try waitForPaper("out"), "\((try? c.list("KIOSKS")) ?? [])")
        #expect(try c.request("TICKET K002") == "ERR unknown-ticket no ticket K002 today")
        #expect(try c.list("STATUS").first?.hasPrefix("kela open=1 waiting=1 ") == true)

        printer.status = AnsweringPrinter.paperOK
        #expect(try waitForPaper("ok"), "\((try? c.list("KIOSKS")) ?? [])")
        #expect(try kiosk.waitForGone("printer: paper low"), kiosk.dump)
        #expect(try kiosk.waitForGone("Your number"), kiosk.dump)
        try kiosk.keys("1")
        #expect(try kiosk.waitFor("Your number"), kiosk.dump)
        #expect(try c.request("TICKET K002").hasPrefix("OK K002 state=waiting"))
        try kiosk.keys("C-c")
        // What the manager reads.
        let (rc, table, _) = try runClient("vuoroctl", ["kiosks"], server: "127.0.0.1:\(server.port)")
        let lines = String(decoding: table, as: UTF8.self).split(separator: "\n")
        #expect(rc == 0 && lines.first == "KIOSK  PAPER  SEEN                       AGO", "\(lines)")
        #expect(lines.count == 2 && lines[1].hasPrefix("ovi-2  ok     2026-11-23T10:00:00+02:00"), "\(lines)")
        let (_, json, _) = try runClient("vuoroctl", ["kiosks", "--json"], server: "127.0.0.1:\(server.port)")
        let parsed = try JSONSerialization.jsonObject(with: Data(json)) as? [[String: Any]]
        #expect(parsed?.first?["kiosk"] as? String == "ovi-2" && parsed?.first?["paper"] as? String == "ok")
        await server.stop()
    }

    /// A daemon older than 0.12 refuses KIOSK: the kiosk stops reporting and issues as before.
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func anOlderDaemonIsNotSentReports() async throws {
        let server = try await TestServer()
        let proxy = try ReplyDroppingProxy(upstreamPort: server.port) { line in
            line.hasPrefix("KIOSK ") ? "ERR unknown-command no command 'KIOSK'" : nil
        }
        let printer = try AnsweringPrinter(status: AnsweringPrinter.paperOK)
        defer { printer.stop() }
        let kiosk = try Tmux(
            "\(executable("vuoro-ticket")) --kiosk --server 127.0.0.1:\(proxy.port) --lang en --format escpos"
                + " --output tcp:127.0.0.1:\(printer.port) --name ovi-4 --cooldown 0 --report-every 1")
        #expect(try kiosk.waitFor("Choose a service"), kiosk.dump)
        usleep(1_500_000)
        try kiosk.keys("1")
        #expect(try kiosk.waitFor("Your number"), kiosk.dump)
        let c = try server.client()
        #expect(try c.request("TICKET K001").hasPrefix("OK K001 state=waiting"))
        #expect(try c.list("KIOSKS") == [])
        #expect(!(try kiosk.screen().contains("retrying")), kiosk.dump)
        // Refused once, the daemon is not asked again, nor the printer between visitors (only for each slip).
        let jobs = printer.jobs.count
        usleep(2_500_000)
        #expect(printer.jobs.count == jobs, "the printer was probed \(printer.jobs.count - jobs) more times")
        try kiosk.keys("C-c")
        await server.stop()
    }

    /// A printer that never answers a status query is asked three times, then no more (each would hold the kiosk
    /// for half a second), and reported as paper=unknown; its slips still print.
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func aPrinterThatDoesNotAnswerIsUnknown() async throws {
        let server = try await TestServer()
        let printer = try AnsweringPrinter(status: nil)
        defer { printer.stop() }
        let kiosk = try Tmux(
            "\(executable("vuoro-ticket")) --kiosk --server 127.0.0.1:\(server.port) --lang en --format escpos"
                + " --output tcp:127.0.0.1:\(printer.port) --name ovi-3 --cooldown 0 --report-every 1")
        #expect(try kiosk.waitFor("Choose a service"), kiosk.dump)
        let c = try server.client()
        var listed: [String] = []
        for _ in 0..<100 {
            listed = try c.list("KIOSKS")
            if printer.queries >= 3, listed.first?.hasPrefix("ovi-3 paper=unknown ") == true { break }
            usleep(100_000)
        }
        #expect(listed.first?.hasPrefix("ovi-3 paper=unknown ") == true, "\(listed)")
        let asked = printer.queries
        try kiosk.keys("1")
        #expect(try kiosk.waitFor("Your number"), kiosk.dump)
        usleep(2_500_000)  // two more reports' time
        #expect(printer.queries == asked, "asked again after three unanswered queries")
        #expect(printer.jobs.contains { $0.count > 100 }, "the slip")
        try kiosk.keys("C-c")
        await server.stop()
    }
}

/// The information desk (`vuoro-counter --watch-kiosks`) sees the kiosks that need staff, in its language; a desk
/// without the flag is left alone.
@Suite(.serialized) struct DeskKioskTests {
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func theInformationDeskSeesKiosksThatNeedStaff() async throws {
        let server = try await TestServer()
        let c = try server.client()
        #expect(try c.request("KIOSK aula paper=ok") == "OK aula paper=ok")
        #expect(try c.request("KIOSK ovi-2 paper=low") == "OK ovi-2 paper=low")
        let desk = try Tmux(
            "\(executable("vuoro-counter")) --counter 1 --server 127.0.0.1:\(server.port) --lang en --watch-kiosks")
        #expect(try desk.waitFor("Kiosk ovi-2: paper low, change the roll"), desk.dump)
        #expect(!(try desk.screen().contains("aula")), desk.dump)
        #expect(try c.request("KIOSK ovi-2 paper=out") == "OK ovi-2 paper=out")
        #expect(try desk.waitFor("Kiosk ovi-2: out of paper"), desk.dump)
        // Five minutes later ovi-2 has reported again with a new roll; aula has not been heard from.
        server.clock.advance(seconds: 300)
        #expect(try c.request("KIOSK ovi-2 paper=ok") == "OK ovi-2 paper=ok")
        #expect(try desk.waitFor("Kiosk aula: not heard from for 5 minutes"), desk.dump)
        #expect(try desk.waitForGone("ovi-2"), desk.dump)
        let finnish = try Tmux(
            "\(executable("vuoro-counter")) --counter 2 --server 127.0.0.1:\(server.port) --lang fi --watch-kiosks")
        #expect(try finnish.waitFor("Lippuautomaatti aula: ei yhteyttä 5 minuuttiin"), finnish.dump)
        let plain = try Tmux("\(executable("vuoro-counter")) --counter 3 --server 127.0.0.1:\(server.port) --lang en")
        #expect(try plain.waitFor("Counter 3"), plain.dump)
        usleep(1_500_000)
        #expect(!(try plain.screen().contains("Kiosk")), plain.dump)
        for d in [desk, finnish, plain] { try d.keys("q") }
        await server.stop()
    }
}

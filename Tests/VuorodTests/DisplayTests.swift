// The lobby display and the screen above a counter (vuoro-display) in a pseudo-terminal (tmux): a closed
// terminal, a new day, polling, opening times, counters' screens and a configuration reload.
import Foundation
import Testing
import VuoroClient
import VuoroCore
import VuoroProtocol
import VuoroTestSupport

#if canImport(Glibc)
    import Glibc
#endif

@Suite(.serialized) struct TerminalGoneTests {
    /// A display whose terminal closes ends quietly; it crashed on the first write after (FileHandle's fatal
    /// error on EIO), or spun on a hung-up poll.
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func aDisplayEndsQuietlyWhenItsTerminalCloses() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        let err = server.directory + "/display.err"
        // SIGHUP ignored, as under nohup or a service manager: the program sees its terminal go, rather than die.
        let screen = try Tmux("trap '' HUP; exec \(executable("vuoro-display")) --server \(addr) --quiet 2> \(err)")
        #expect(try screen.waitFor("Kela"))
        _ = try run(findProgram("tmux")!, ["kill-session", "-t", screen.name])
        try issueAndCall("kela", counter: "1", server: addr)  // an event to draw, after the terminal is gone
        var running = true
        for _ in 0..<50 where running {
            usleep(100_000)
            running = (try run(findProgram("pgrep")!, ["-f", "vuoro-display --server \(addr)"])).0 == 0
        }
        #expect(!running)
        let written = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        #expect(!written.contains("Fatal error"), "\(written)")
        await server.stop()
    }
}

@Suite(.serialized) struct DisplayTimeZoneTests {
    /// The history of calls shows the centre's time (Helsinki), not the machine's (UTC here), as the slips, the web
    /// pages and vuoroctl do.
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func callsShowTheSitesTime() async throws {
        let server = try await TestServer()  // Monday 10:00 in Helsinki, 08:00 UTC
        let addr = "127.0.0.1:\(server.port)"
        try issueAndCall("kela", counter: "1", server: addr)
        try issueAndCall("lab", counter: "6", server: addr)
        let screen = try Tmux("TZ=UTC exec \(executable("vuoro-display")) --server \(addr) --quiet --rotate 60")
        #expect(try screen.waitFor("K001  → palvelupiste 1"), screen.dump)
        let line = try screen.screen().split(separator: "\n").first { $0.contains("K001  → ") } ?? ""
        #expect(line.hasSuffix("10:00"), "\(line)")
        await server.stop()
    }
}

@Suite(.serialized) struct DisplayDayTests {
    /// Numbering starts again each day: yesterday's "K001 → 2" must not greet today's K001 before it is called.
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func aNewDayClearsTheCallsOnScreen() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        let screen = try Tmux("\(executable("vuoro-display")) --server \(addr) --quiet --rotate 60")
        #expect(try screen.waitFor("Kela"))
        try issueAndCall("kela", counter: "2", server: addr)
        #expect(try screen.waitFor("K001  →  palvelupiste 2"), screen.dump)
        server.clock.advance(seconds: 86_400)  // the daemon's next tick starts the new day
        #expect(try screen.waitForGone("K001"), screen.dump)
        #expect(try screen.waitFor("Kela"), screen.dump)
        try issueAndCall("lab", counter: "6", server: addr)
        #expect(try screen.waitFor("L001  →  näytteenotto 6"), screen.dump)
        #expect(!(try screen.screen().contains("K001")), screen.dump)
        await server.stop()
    }
}

@Suite(.serialized) struct DisplayPollTests {
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func pollingDisplaySeesCalls() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        let screen = try Tmux(
            "\(executable("vuoro-display")) --server \(addr) --poll 1 --quiet --rotate 60 --queues health")
        #expect(try screen.waitFor("Terveysasema"))
        #expect(!(try screen.screen().contains("Laboratorio")))
        try issueAndCall("health", counter: "4", server: addr)
        #expect(try screen.waitFor("H001  →  huone 4"), screen.dump)
        await server.stop()
    }
}

/// With `--web-url`, the lobby screen tells visitors where their phone shows the queues, in each language.
@Suite(.serialized) struct DisplayWebAddressTests {
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func theScreenShowsThePagesAddress() async throws {
        let server = try await TestServer()
        let screen = try Tmux(
            "\(executable("vuoro-display")) --server 127.0.0.1:\(server.port) --quiet --rotate 1"
                + " --web-url https://jono.example.fi")
        #expect(try screen.waitFor("Jonotilanne puhelimeesi: jono.example.fi"), screen.dump)
        #expect(try screen.waitFor("Queues on your phone: jono.example.fi"), screen.dump)
        #expect(try screen.screen().contains("Kela"))
        await server.stop()
    }

    /// A phone held up to the lobby screen reads the address of the services page from its QR code (zbarimg
    /// reads it from the screen as tmux has it, colours and all). Where it would cover text, it is left out.
    @Test(
        .enabled(if: findProgram("tmux") != nil, "tmux is not installed"),
        .enabled(if: zbarimg != nil, "zbarimg (zbar-tools) is not installed"))
    func aPhoneReadsTheScreensQRCode() async throws {
        let server = try await TestServer()
        let url = "https://jono.example.fi/"
        let command =
            "\(executable("vuoro-display")) --server 127.0.0.1:\(server.port) --quiet --rotate 60 --web-url \(url)"
        let screen = try Tmux(command, columns: 100, rows: 24)
        #expect(try screen.waitFor("jono.example.fi"), screen.dump)
        try issueAndCall("kela", counter: "1", server: "127.0.0.1:\(server.port)")
        #expect(try screen.waitFor("K001  →  palvelupiste 1"), screen.dump)
        let captured = try run(findProgram("tmux")!, ["capture-pane", "-e", "-p", "-t", screen.name]).1
        let lines = captured.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let modules = try TerminalCells.modules(lines)
        #expect(modules.count == 30 && modules.first?.count == 29, "\(modules.count) rows")  // version 2, quiet 2
        #expect(try decodeQR(modules) == url, screen.dump)
        // At the right edge, one column in, and covering no text: the text of a line it shares ends two columns
        // before it, and the queues' figures are whole beside it.
        let plain = try screen.screen().split(separator: "\n", omittingEmptySubsequences: false).map(Array.init)
        var beside = 0
        for (row, line) in lines.enumerated() where line.contains("▀") {
            #expect(plain[row].firstIndex(of: "▀") == 100 - 29 - 1, "row \(row)")
            #expect(plain[row][68] == " " && plain[row][69] == " ", "row \(row): \(String(plain[row]))")
            if String(plain[row]).contains("odotus ~") { beside += 1 }
        }
        #expect(beside == 4, screen.dump)  // Kela, Terveysasema, Kansalaispalvelut, Laboratorio
        // A screen too narrow for it still shows the address, and no code.
        let small = try Tmux(command, columns: 60, rows: 24)
        #expect(try small.waitFor("jono.example.fi/"), small.dump)
        #expect(!(try small.screen().contains("▀")), small.dump)
        await server.stop()
    }
}

/// Before opening time the signs say when a queue opens, not only that it is closed.
@Suite(.serialized) struct OpeningSignTests {
    @Test func closedQueuesSayWhenTheyOpen() async throws {
        var config = CentreConfig.demo
        config.queues[0].hours = try OpeningHours.parse(weekly: [("mon-fri", "08:00-18:00")])
        // Monday 2026-11-23 07:00 in Helsinki.
        let server = try await TestServer(config: config, clock: ManualClock(1_795_410_000_000))
        let addr = "127.0.0.1:\(server.port)"
        let c = try server.client()
        let status = try c.list("STATUS")
        #expect(status.first == "kela open=0 waiting=0 wait=160 counters=3 opens=2026-11-23T08:00:00+02:00")
        #expect(status.dropFirst().allSatisfy { !$0.contains("opens=") })
        #expect(try c.list("QUEUES").first?.contains(" opens=2026-11-23T08:00:00+02:00") == true)
        let (_, snap, _) = try runClient("vuoro-display", ["--once"], server: addr)
        let s = String(decoding: snap, as: UTF8.self)
        // The display reads the day from its own clock: "ma" unless it runs on that Monday itself.
        var helsinki = Calendar(identifier: .gregorian)
        helsinki.timeZone = TimeZone(identifier: "Europe/Helsinki")!
        let c23 = helsinki.dateComponents([.year, .month, .day], from: Date())
        let day = (c23.year, c23.month, c23.day) == (2026, 11, 23) ? "" : "ma "
        #expect(s.contains("  Kela               0   jonossa   suljettu · avautuu \(day)08:00"), "\(s)")
        await server.stop()
    }
}

/// The small screen above one counter: the number called there, and nothing of the other counters.
@Suite(.serialized) struct CounterScreenTests {
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func showsOnlyItsOwnCounter() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        let c = try server.client()
        let (rc, once, _) = try runClient("vuoro-display", ["--counter", "3", "--once"], server: addr)
        #expect(rc == 0 && String(decoding: once, as: UTF8.self).hasSuffix("palvelupiste 3: -\n"))
        let screen = try Tmux("\(executable("vuoro-display")) --counter 3 --quiet --server \(addr)")
        #expect(try screen.waitFor("Palvelupiste 3"), screen.dump)
        for line in ["ISSUE kela", "ISSUE kela", "CALL 3", "CALL 1"] { _ = try c.request(line) }
        #expect(try screen.waitFor("palvelupiste 3: K001"), screen.dump)
        usleep(300_000)
        #expect(!(try screen.screen().contains("K002")), screen.dump)
        _ = try c.request("DONE 3")
        #expect(try screen.waitFor("palvelupiste 3: -"), screen.dump)
        _ = try c.request("PAUSE 3")
        #expect(try screen.waitFor("palvelupiste 3: tauolla"), screen.dump)
        let (rc2, _, err) = try runClient("vuoro-display", ["--counter", "33", "--once"], server: addr)
        #expect(rc2 == 1 && err == "vuoro-display: no counter '33'\n", "\(err)")
        let (rc3, _, _) = try runClient("vuoro-display", ["--counter", "3", "--queues", "kela"], server: addr)
        #expect(rc3 == 64)
        await server.stop()
    }

    /// A named counter (the demo's room 4) is called by its name: on its own screen, in the lobby and at the
    /// clerk's desk, in each screen's language.
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func aNamedCounterIsCalledByItsName() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        let c = try server.client()
        let (rc, once, _) = try runClient("vuoro-display", ["--counter", "4", "--once"], server: addr)
        #expect(rc == 0 && String(decoding: once, as: UTF8.self).hasSuffix("huone 4: -\n"), "\(once)")
        let above = try Tmux("\(executable("vuoro-display")) --counter 4 --quiet --server \(addr)")
        #expect(try above.waitFor("Huone 4"), above.dump)
        let desk = try Tmux("\(executable("vuoro-counter")) --counter 4 --server \(addr) --lang en")
        #expect(try desk.waitFor("Room 4   (open)"), desk.dump)
        for line in ["ISSUE health", "CALL 4", "ISSUE kela", "CALL 1"] { _ = try c.request(line) }
        #expect(try above.waitFor("huone 4: H001"), above.dump)
        // The lobby: the latest call and the one before it, each with its counter's name or word.
        let (_, snap, _) = try runClient("vuoro-display", ["--once"], server: addr)
        let s = String(decoding: snap, as: UTF8.self)
        #expect(s.contains("  K001  palvelupiste 1   Kela\n  H001  huone 4          Terveysasema"), "\(s)")
        try desk.keys("q")
        await server.stop()
    }
}

/// A configuration reload reaches the screens: the lobby display reads the names again (`EVENT reloaded`)
/// without a restart. It kept the old ones until someone restarted it.
@Suite(.serialized) struct ReloadTests {
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func theDisplayTakesNewNamesAtAReload() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = dir + "/centre.toml"
        func write(queue: String, counter: String) throws {
            try """
            site = "Test"
            languages = ["fi"]
            [[queue]]
            id = "kela"
            prefix = "K"
            name = "\(queue)"
            [[counter]]
            id = "1"
            queues = ["kela"]
            \(counter)
            """.write(toFile: config, atomically: true, encoding: .utf8)
        }
        try write(queue: "Kela", counter: "")
        let d = try Daemon(arguments: ["--config", config, "--state-dir", dir, "--listen", "127.0.0.1:0"])
        try d.waitUntilListening()
        let screen = try Tmux("\(executable("vuoro-display")) --quiet --server 127.0.0.1:\(d.port)")
        let c = try LineClient(port: d.port)
        #expect(try c.request("ISSUE kela").hasPrefix("OK K001"))
        #expect(try c.request("CALL 1").hasPrefix("OK K001"))
        #expect(try screen.waitFor("K001  →  palvelupiste 1   (Kela)"), screen.dump)
        try write(queue: "Kelan palvelut", counter: "name = \"huone 101\"")
        d.signal(SIGHUP)
        #expect(try screen.waitFor("K001  →  huone 101   (Kelan palvelut)"), screen.dump)
        // Still watching on the same connection: the next call shows.
        #expect(try c.request("ISSUE kela").hasPrefix("OK K002"))
        #expect(try c.request("CALL 1").hasPrefix("OK K002"))
        #expect(try screen.waitFor("K002  →  huone 101"), screen.dump)
        d.signal(SIGTERM)
        _ = d.finish()
    }
}

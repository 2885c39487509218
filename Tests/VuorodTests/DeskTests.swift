// The clerk's interactive desk (vuoro-counter) in a pseudo-terminal (tmux): reconnecting, calling a number,
// quitting and the daemon's refusals.
import Foundation
import Testing
import VuoroClient
import VuoroCore
import VuoroProtocol
import VuoroTestSupport

#if canImport(Glibc)
    import Glibc
#endif

@Suite(.serialized) struct DeskReconnectTests {
    /// The clerk's desk outlives a daemon restart, as the kiosk and the display do.
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func interactiveCounterReconnects() throws {
        try acrossADaemonRestart(
            { "\(executable("vuoro-counter")) --counter 1 --server \($0) --lang en" }, lost: "No connection to the server",
            before: { desk, _ in
                let shown = try desk.waitFor("Counter 1   (open)")
                #expect(shown, desk.dump)
            },
            after: { desk, port in
                #expect(try runClient("vuoro-ticket", ["kela"], server: "127.0.0.1:\(port)").0 == 0)
                #expect(try desk.waitFor("reconnected", seconds: 40), desk.dump)
                try desk.keys("n")
                #expect(try desk.waitFor("Serving K001"), desk.dump)
                try desk.keys("q")
            })
    }

    /// A double press of n (or a key held down) ended the visitor just called as done before they reached the
    /// counter. Within five seconds of a call, n asks to be pressed again.
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func aDoublePressDoesNotEndTheVisitorJustCalled() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        let c = try server.client()
        #expect(try c.request("ISSUE kela").hasPrefix("OK K001 "))
        #expect(try c.request("ISSUE kela").hasPrefix("OK K002 "))
        let desk = try Tmux("\(executable("vuoro-counter")) --counter 1 --server \(addr) --lang en")
        #expect(try desk.waitFor("Counter 1   (open)"), desk.dump)
        try desk.keys("n")
        try desk.keys("n")
        #expect(try desk.waitFor("K001 was just called. Press n again to end K001 and call the next."), desk.dump)
        #expect(try c.request("TICKET K001") == "OK K001 state=called queue=kela counter=1")
        #expect(try c.request("TICKET K002").hasPrefix("OK K002 state=waiting"))
        // Pressed again, it does what the clerk asked.
        try desk.keys("n")
        #expect(try desk.waitFor("K002 (Kela) called"), desk.dump)
        #expect(try c.request("TICKET K001") == "OK K001 state=done queue=kela counter=1")
        try desk.keys("q")
        await server.stop()
    }
}

@Suite(.serialized) struct DeskCallNumberTests {
    /// A visitor marked as a no-show comes back: the clerk types the number after `c` and calls it again. Before,
    /// a no-show was final and the visitor was sent to take a new number at the back of the queue.
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func aNoShowWhoComesBackIsCalledByNumber() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        let c = try server.client()
        #expect(try c.request("ISSUE kela").hasPrefix("OK K001"))
        #expect(try c.request("ISSUE kela").hasPrefix("OK K002"))
        #expect(try c.request("CALL 1").hasPrefix("OK K001"))
        #expect(try c.request("NOSHOW 1") == "OK K001 state=noshow")
        let desk = try Tmux("\(executable("vuoro-counter")) --counter 1 --server \(addr) --lang en")
        #expect(try desk.waitFor("c call number"), desk.dump)
        try desk.keys("c")
        #expect(try desk.waitFor("Call number: _"), desk.dump)
        for k in ["k", "1", "Enter"] { try desk.keys(k) }
        #expect(try desk.waitFor("K1: is not a ticket number"), desk.dump)
        try desk.keys("c")
        for k in ["k", "0", "0", "9", "Enter"] { try desk.keys(k) }
        #expect(try desk.waitFor("There has been no such number today (unknown-ticket)"), desk.dump)
        try desk.keys("c")
        for k in ["k", "0", "0", "1", "Enter"] { try desk.keys(k) }
        #expect(try desk.waitFor("K001 (Kela) called"), desk.dump)
        #expect(try desk.waitFor("Serving K001"), desk.dump)
        #expect(try c.request("TICKET K001") == "OK K001 state=called queue=kela counter=1")
        #expect(try c.request("TICKET K002").hasPrefix("OK K002 state=waiting"))
        try desk.keys("q")
        await server.stop()
    }
}

@Suite(.serialized) struct DeskBeforeTheDaemonTests {
    /// A clerk's PC that boots before the server: the desk waits and comes up by itself, as the kiosk and the
    /// display do, saying in its own language that it has no connection yet.
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func theDeskWaitsForTheDaemon() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let port = freeLoopbackPort()
        let desk = try Tmux("\(executable("vuoro-counter")) --counter 1 --server 127.0.0.1:\(port) --lang fi")
        #expect(try desk.waitFor("Ei yhteyttä palvelimeen (127.0.0.1:\(port))"), desk.dump)
        #expect(!(try desk.screen().contains("Connection refused")), desk.dump)
        let d = try Daemon(arguments: ["--state-dir", dir, "--listen", "127.0.0.1:\(port)"])
        try d.waitUntilListening()
        #expect(try desk.waitFor("Palvelupiste 1   (auki)", seconds: 20), desk.dump)
        try desk.keys("q")
        d.signal(SIGTERM)
        _ = d.finish()
    }
}

@Suite(.serialized) struct DeskCalledBackTests {
    /// A no-show called back with `c` is a new call: the clock shows 0:0x, not the time since the first call, and
    /// n just after it asks to be pressed again rather than ending the visitor who is walking up as done.
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func theGuardCountsFromTheLatestCall() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        let c = try server.client()
        #expect(try c.request("ISSUE kela").hasPrefix("OK K001"))
        #expect(try c.request("ISSUE kela").hasPrefix("OK K002"))
        let desk = try Tmux("\(executable("vuoro-counter")) --counter 1 --server \(addr) --lang en")
        #expect(try desk.waitFor("Counter 1   (open)"), desk.dump)
        try desk.keys("n")
        #expect(try desk.waitFor("Serving K001"), desk.dump)
        // Past the guard's five seconds the clerk marks K001 a no-show, and K001 comes back at once.
        usleep(6_000_000)
        #expect(try desk.waitFor("Serving K001   0:06", seconds: 3), desk.dump)
        try desk.keys("s")
        #expect(try desk.waitFor("K001 no-show"), desk.dump)
        try desk.keys("c")
        for k in ["k", "0", "0", "1", "Enter"] { try desk.keys(k) }
        #expect(try desk.waitFor("K001 (Kela) called"), desk.dump)
        #expect(try desk.waitFor("Serving K001   0:0"), desk.dump)
        try desk.keys("n")
        #expect(try desk.waitFor("K001 was just called. Press n again"), desk.dump)
        #expect(try c.request("TICKET K001") == "OK K001 state=called queue=kela counter=1")
        try desk.keys("q")
        await server.stop()
    }
}

@Suite(.serialized) struct DeskQuitTests {
    /// A clerk who closes the desk at the end of a shift left the counter open, counted in every estimate the
    /// kiosks printed: quitting now pauses it.
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func quittingTheDeskPausesTheCounter() async throws {
        let server = try await TestServer()
        let c = try server.client()
        #expect(try c.list("STATUS").first == "kela open=1 waiting=0 wait=160 counters=3")
        let desk = try Tmux("\(executable("vuoro-counter")) --counter 1 --server 127.0.0.1:\(server.port) --lang en")
        #expect(try desk.waitFor("q quit (pauses)"), desk.dump)
        try desk.keys("q")
        #expect(try desk.waitForEnd(), desk.dump)
        #expect(try c.list("COUNTERS").first == "1 state=paused ticket=- queues=kela")
        #expect(try c.list("STATUS").first == "kela open=1 waiting=0 wait=240 counters=2")
        await server.stop()
    }
}

@Suite(.serialized) struct DeskRefusalTests {
    /// The daemon's refusals a clerk meets are said in the desk's language, with the code for IT; they were the
    /// protocol's English words.
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func aRefusalIsSaidInTheDesksLanguage() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = dir + "/centre.toml"
        try """
        site = "Test"
        languages = ["fi", "en"]
        [[queue]]
        id = "kela"
        prefix = "K"
        [[counter]]
        id = "1"
        queues = ["kela"]
        [[counter]]
        id = "2"
        queues = ["kela"]
        [[token]]
        role = "counter"
        secret = "counter-two-secret"
        counters = ["2"]
        """.write(toFile: config, atomically: true, encoding: .utf8)
        chmod(config, 0o600)
        let d = try Daemon(arguments: ["--config", config, "--state-dir", dir, "--listen", "127.0.0.1:0"])
        try d.waitUntilListening()
        // Counter 2's token at counter 1's desk.
        let desk = try Tmux(
            "\(executable("vuoro-counter")) --counter 1 --server 127.0.0.1:\(d.port) --token counter-two-secret")
        #expect(try desk.waitFor("Palvelupiste 1   (auki)"), desk.dump)
        try desk.keys("n")
        #expect(
            try desk.waitFor("Tällä tunnuksella ei voi toimia tässä palvelupisteessä (not-allowed)"), desk.dump)
        try desk.keys("q")
        d.signal(SIGTERM)
        _ = d.finish()
    }
}

// The client programs run as built executables against a real daemon on a free port; the full-screen ones
// inside a pseudo-terminal (tmux), read back with capture-pane.
import Foundation
import Testing
import VuoroClient
import VuoroCore
import VuoroProtocol
import VuoroTestSupport

#if canImport(Glibc)
    import Glibc
#endif

func executable(_ name: String) -> String { packageRoot + "/.build/debug/" + name }

/// Runs a client to completion: exit status, standard output (bytes) and standard error.
func runClient(_ name: String, _ args: [String], server: String) throws -> (Int32, [UInt8], String) {
    var env = ProcessInfo.processInfo.environment
    env["VUORO_SERVER"] = server
    env.removeValue(forKey: "VUORO_TOKEN")
    let r = try runChild(executable(name), args, environment: env)
    return (r.status, r.stdout, String(decoding: r.stderr, as: UTF8.self))
}

/// A ticket issued by the kiosk program and called by the counter program, as a device would.
func issueAndCall(_ queue: String, counter: String, server: String) throws {
    #expect(try runClient("vuoro-ticket", [queue], server: server).0 == 0)
    #expect(try runClient("vuoro-counter", ["--counter", counter, "next"], server: server).0 == 0)
}

/// A tmux session running one command in a pseudo-terminal, 120×40 unless told.
final class Tmux {
    let name = "vuoro-\(UUID().uuidString.prefix(8))"
    init(_ command: String, columns: Int = 120, rows: Int = 40) throws {
        // Tests run in parallel: when another test's last session ends just then, its tmux server exits under
        // this command ("server exited unexpectedly"). A new server is started by trying again.
        var attempt = 0
        while true {
            let (rc, out) = try run(
                findProgram("tmux")!, ["new-session", "-d", "-s", name, "-x", "\(columns)", "-y", "\(rows)", command])
            if rc == 0 { return }
            attempt += 1
            guard out.contains("server exited unexpectedly"), attempt < 5 else {
                throw TestClientError.connect("tmux: \(out)")
            }
            usleep(200_000)
        }
    }
    func keys(_ k: String) throws { _ = try run(findProgram("tmux")!, ["send-keys", "-t", name, k]) }
    func screen() throws -> String { try run(findProgram("tmux")!, ["capture-pane", "-p", "-t", name]).1 }
    /// The screen as a failure message.
    var dump: Comment { "\((try? screen()) ?? "")" }
    /// Waits until the screen shows `text`.
    func waitFor(_ text: String, seconds: Double = 15) throws -> Bool {
        try waitUntil(seconds: seconds) { $0.contains(text) }
    }
    /// Waits until the screen no longer shows `text`.
    func waitForGone(_ text: String, seconds: Double = 15) throws -> Bool {
        try waitUntil(seconds: seconds) { !$0.contains(text) }
    }
    private func waitUntil(seconds: Double, _ holds: (String) -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if holds(try screen()) { return true }
            usleep(100_000)
        }
        return false
    }
    /// Waits until the program has ended (its session closes with it).
    func waitForEnd(seconds: Double = 15) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try run(findProgram("tmux")!, ["has-session", "-t", name]).0 != 0 { return true }
            usleep(100_000)
        }
        return false
    }
    deinit { _ = try? run(findProgram("tmux")!, ["kill-session", "-t", name]) }
}

/// A client program in tmux against a real daemon that is killed (SIGKILL) and started again on the same port
/// and state. `before` runs against the first daemon; the program must then show `lost`; `after` runs against the
/// second, which is stopped at the end. Both get the screen and the port.
func acrossADaemonRestart(
    _ command: (_ address: String) -> String, lost: String, before: (Tmux, Int) throws -> Void,
    after: (Tmux, Int) throws -> Void
) throws {
    let dir = TestServer.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var d = try Daemon(arguments: ["--state-dir", dir, "--listen", "127.0.0.1:0"])
    try d.waitUntilListening()
    let port = d.port
    let screen = try Tmux(command("127.0.0.1:\(port)"))
    try before(screen, port)
    d.signal(SIGKILL)
    _ = d.finish()
    #expect(try screen.waitFor(lost), screen.dump)
    d = try Daemon(arguments: ["--state-dir", dir, "--listen", "127.0.0.1:\(port)"])
    try d.waitUntilListening()
    try after(screen, port)
    d.signal(SIGTERM)
    _ = d.finish()
}

@Suite(.serialized) struct ClientTests {
    /// What an administrator checks first, and quotes in a report: every program says which release it is.
    @Test func everyProgramPrintsItsVersion() throws {
        for name in ["vuorod", "vuoroctl", "vuoro-ticket", "vuoro-display", "vuoro-counter"] {
            let (rc, out, err) = try runClient(name, ["--version"], server: "127.0.0.1:1")
            #expect(rc == 0, "\(name): \(err)")
            #expect(String(decoding: out, as: UTF8.self) == vuoroVersion + "\n", "\(name)")
        }
    }

    @Test func ticketInTextAndEscpos() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        let (rc, out, _) = try runClient("vuoro-ticket", ["health", "--lang", "sv"], server: addr)
        #expect(rc == 0)
        let text = String(decoding: out, as: UTF8.self)
        #expect(text.hasPrefix("Iso Omena Service Centre (demo)\nHälsostation\n\nH001\n\nPlats i kön: 1\n"))
        #expect(text.contains("Namn ropas aldrig upp."))

        let file = server.directory + "/slip.bin"
        let (rc2, _, _) = try runClient(
            "vuoro-ticket", ["kela", "--priority", "2", "--format", "escpos", "--output", file], server: addr)
        #expect(rc2 == 0)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        #expect(Array(bytes.prefix(8)) == [0x1B, 0x40, 0x1B, 0x74, 19, 0x1B, 0x61, 1])
        #expect(Array(bytes.suffix(4)) == [0x1D, 0x56, 0x42, 3])
        let number: [UInt8] = [0x1D, 0x21, 0x33] + Array("K001\n".utf8)
        #expect(bytes.indices.contains { Array(bytes[$0...].prefix(number.count)) == number })
        // Finnish by default, encoded in CP858: "Nimiä" has ä = 0x84.
        let nimia: [UInt8] = [0x4E, 0x69, 0x6D, 0x69, 0x84]
        #expect(bytes.indices.contains { Array(bytes[$0...].prefix(5)) == nimia })
        #expect(try server.client().request("TICKET K001").contains("priority=2"))
        await server.stop()
    }

    @Test func aCallIsSeenByTheDisplayAndVuoroctl() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        _ = try runClient("vuoro-ticket", ["lab"], server: addr)
        let (rc, out, _) = try runClient("vuoro-counter", ["--counter", "6", "next"], server: addr)
        #expect(rc == 0)
        #expect(String(decoding: out, as: UTF8.self) == "L001 queue=lab counter=6 waited=0\n")
        let (_, snap, _) = try runClient("vuoro-display", ["--once"], server: addr)
        let s = String(decoding: snap, as: UTF8.self)
        #expect(s.contains("  L001  näytteenotto 6   Laboratorio"), "\(s)")
        // The names' column is as wide as the longest shown, "Kansalaisneuvonta".
        #expect(s.contains("  Kela" + String(repeating: " ", count: 15) + "0   jonossa   odotus 3 min"), "\(s)")
        let (_, wing, _) = try runClient("vuoro-display", ["--once", "--queues", "kela"], server: addr)
        #expect(!String(decoding: wing, as: UTF8.self).contains("L001"))
        // A mistyped queue is named, rather than an empty screen.
        let (typoStatus, _, typo) = try runClient("vuoro-display", ["--once", "--queues", "kela,kelaa"], server: addr)
        #expect(typoStatus == 1)
        #expect(typo == "vuoro-display: no queue 'kelaa'; the queues are kela, health, citizen, lab\n")
        let (_, table, _) = try runClient("vuoroctl", ["counters"], server: addr)
        #expect(String(decoding: table, as: UTF8.self).contains("6        open   L001    lab"))
        let (_, json, _) = try runClient("vuoroctl", ["called", "--json"], server: addr)
        let parsed = try JSONSerialization.jsonObject(with: Data(json)) as? [[String: Any]]
        #expect(parsed?.first?["ticket"] as? String == "L001")
        #expect(parsed?.first?["calls"] as? Int == 1)
        // A counter's id is a string in JSON, as in `counters --json`, even when it looks like a number.
        #expect(parsed?.first?["counter"] as? String == "6")
        let (_, counters, _) = try runClient("vuoroctl", ["counters", "--json"], server: addr)
        let listed = try JSONSerialization.jsonObject(with: Data(counters)) as? [[String: Any]]
        #expect(listed?.first { $0["counter"] as? String == "6" }?["ticket"] as? String == "L001")
        let (rc3, out3, _) = try runClient("vuoroctl", ["close", "lab"], server: addr)
        #expect(rc3 == 0 && String(decoding: out3, as: UTF8.self) == "lab open=0\n")
        await server.stop()
    }

    /// IT staff follow what the displays are sent.
    @Test func vuoroctlFollowsTheEvents() async throws {
        let server = try await TestServer()
        var env = ProcessInfo.processInfo.environment
        env["VUORO_SERVER"] = "127.0.0.1:\(server.port)"
        let follower = try Child(
            executable("vuoroctl"), ["events", "--count", "3"], environment: env, stdout: .pipe, stderr: .pipe)
        var said = ""
        let deadline = Date().addingTimeInterval(20)
        while !said.contains("Ctrl-C stops"), Date() < deadline {
            said += String(decoding: follower.read(follower.stderr!, timeout: 0.2), as: UTF8.self)
        }
        #expect(said.contains("following the events of 127.0.0.1:\(server.port)"), "\(said)")
        let c = try server.client()
        _ = try c.request("ISSUE lab")
        _ = try c.request("CALL 6")
        let (status, out, _) = try follower.finish(timeout: 20)
        #expect(status == 0)
        #expect(
            String(decoding: out, as: UTF8.self).split(separator: "\n").map(String.init) == [
                "EVENT queue lab waiting=1 wait=480 open=1 counters=1",
                "EVENT called L001 queue=lab counter=6",
                "EVENT queue lab waiting=0 wait=240 open=1 counters=1",
            ])
        await server.stop()
    }

    /// The information desk: where a visitor's number stands, and cancelling it for one who leaves.
    @Test func vuoroctlLooksUpAndCancelsATicket() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        for _ in 0..<2 { _ = try runClient("vuoro-ticket", ["kela"], server: addr) }
        _ = try runClient("vuoro-counter", ["--counter", "1", "next"], server: addr)
        let (rc, out, err) = try runClient("vuoroctl", ["ticket", "k002"], server: addr)
        #expect(rc == 0, "\(err)")
        #expect(
            String(decoding: out, as: UTF8.self)
                == "TICKET  STATE    QUEUE  POSITION  WAIT\nK002    waiting  kela   1         160\n")
        let (_, json, _) = try runClient("vuoroctl", ["ticket", "K001", "--json"], server: addr)
        let called = try JSONSerialization.jsonObject(with: Data(json)) as? [[String: Any]]
        #expect(called?.first?["state"] as? String == "called" && called?.first?["counter"] as? String == "1")
        let (rc2, out2, _) = try runClient("vuoroctl", ["cancel", "K002"], server: addr)
        #expect(rc2 == 0 && String(decoding: out2, as: UTF8.self) == "K002 state=cancelled\n")
        let (rc3, _, again) = try runClient("vuoroctl", ["cancel", "K002"], server: addr)
        #expect(rc3 == 1 && again.contains("wrong-state K002 is cancelled"), "\(again)")
        let (rc4, _, unknown) = try runClient("vuoroctl", ["ticket", "K009"], server: addr)
        #expect(rc4 == 1 && unknown.contains("unknown-ticket"), "\(unknown)")
        let (rc5, _, bad) = try runClient("vuoroctl", ["ticket", "12"], server: addr)
        #expect(rc5 == 64 && bad.contains("'12' is not a ticket number such as K004"), "\(bad)")
        // Called to a named room: the information desk reads where to send the visitor.
        _ = try runClient("vuoro-ticket", ["health"], server: addr)
        _ = try runClient("vuoro-counter", ["--counter", "4", "next"], server: addr)
        let (_, room, _) = try runClient("vuoroctl", ["ticket", "H001"], server: addr)
        #expect(
            String(decoding: room, as: UTF8.self)
                == "TICKET  STATE   QUEUE   COUNTER  COUNTER_NAME\nH001    called  health  4        huone 4\n")
        await server.stop()
    }

    @Test func clearErrorsWhenNothingListensOrTheDaemonRefuses() async throws {
        for (name, args) in [
            ("vuoro-ticket", ["kela"]), ("vuoro-display", ["--once"]), ("vuoro-counter", ["--counter", "1", "next"]),
            ("vuoroctl", ["status"]),
        ] {
            let (rc, _, err) = try runClient(name, args, server: "127.0.0.1:1")
            #expect(rc == 1)
            #expect(err == "\(name): cannot reach vuorod at 127.0.0.1:1: Connection refused\n")
        }
        let server = try await TestServer()
        let (rc, _, err) = try runClient(
            "vuoro-counter", ["--counter", "1", "done"], server: "127.0.0.1:\(server.port)")
        #expect(rc == 1)
        #expect(err == "vuoro-counter: vuorod refused: no-current-ticket counter 1 serves no ticket\n")
        let (rc2, _, err2) = try runClient("vuoroctl", ["check-config", "/nonexistent.toml"], server: "x:1")
        #expect(rc2 == 2 && err2.contains("/nonexistent.toml: cannot be read"))
        // An empty token file is named, rather than sent as `AUTH ` for the daemon to refuse.
        let empty = server.directory + "/empty.token"
        try "\n".write(toFile: empty, atomically: true, encoding: .utf8)
        let (rc3, _, err3) = try runClient(
            "vuoroctl", ["status", "--token-file", empty], server: "127.0.0.1:\(server.port)")
        #expect(rc3 == 64 && err3.contains("--token-file \(empty) is empty"), "\(err3)")
        await server.stop()
    }

    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func displayFollowsCallsAndReconnects() throws {
        try acrossADaemonRestart(
            { "\(executable("vuoro-display")) --server \($0) --quiet --rotate 60" },
            lost: "Ei yhteyttä: tiedot voivat olla vanhentuneita",
            before: { screen, port in
                #expect(try screen.waitFor("Kela"))
                try issueAndCall("kela", counter: "2", server: "127.0.0.1:\(port)")
                #expect(try screen.waitFor("K001  →  palvelupiste 2"), screen.dump)
                #expect(try screen.screen().contains("███"))
            },
            after: { screen, port in
                try issueAndCall("lab", counter: "6", server: "127.0.0.1:\(port)")
                #expect(try screen.waitFor("L001  →  näytteenotto 6", seconds: 40), screen.dump)
                #expect(!(try screen.screen().contains("reconnecting")))
            })
    }

    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func interactiveCounterAndKiosk() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        let kiosk = try Tmux(
            "\(executable("vuoro-ticket")) --kiosk --cooldown 0 --server \(addr) --output \(server.directory)/kiosk.txt"
        )
        #expect(try kiosk.waitFor("Valitse palvelu"))
        // Each service with the wait a number taken now would have (kela: 160 s, three counters), names in a column.
        #expect(try kiosk.waitFor("1  Kela" + String(repeating: " ", count: 13) + "   odotus ~3 min"), kiosk.dump)
        try kiosk.keys("l")
        #expect(try kiosk.waitFor("Välj tjänst"))
        try kiosk.keys("1")
        #expect(try kiosk.waitFor("Ditt nummer"), kiosk.dump)
        #expect(try String(contentsOfFile: server.directory + "/kiosk.txt", encoding: .utf8).contains("K001"))

        // A refusal is shown to the visitor in the kiosk's language, and stays long enough to be read.
        let filler = try server.client()
        for _ in 0..<999 { #expect(try filler.request("ISSUE lab").hasPrefix("OK L")) }
        try kiosk.keys("l")
        try kiosk.keys("l")
        #expect(try kiosk.waitFor("Valitse palvelu"))
        try kiosk.keys("4")
        #expect(try kiosk.waitFor("Tähän palveluun ei juuri nyt voi ottaa numeroa"), kiosk.dump)
        usleep(2_500_000)
        #expect(try kiosk.screen().contains("(queue-full: every number of lab is waiting or called)"), kiosk.dump)

        let desk = try Tmux("\(executable("vuoro-counter")) --counter 1 --server \(addr) --lang en")
        #expect(try desk.waitFor("Counter 1"))
        try desk.keys("n")
        #expect(try desk.waitFor("Serving K001"), desk.dump)
        #expect(try desk.waitFor("K001 (Kela) called, waited 0:"), desk.dump)
        // The next visitor's estimate, 160 s, in whole minutes rounded up as on the slips and the displays.
        #expect(try desk.waitFor("Kela  waiting 0   wait ~3 min"), desk.dump)
        try desk.keys("t")
        #expect(try desk.waitFor("Transfer to"))
        try desk.keys("4")
        #expect(try desk.waitFor("K001 transferred to Laboratory, position 1"), desk.dump)
        #expect(try server.client().request("TICKET K001").hasPrefix("OK K001 state=waiting queue=lab"))
        try desk.keys("q")
        await server.stop()
    }
}

@Suite(.serialized) struct KioskRussianTests {
    /// A centre that adds Russian and Ukrainian for its information point's visitors: the kiosk speaks them, and
    /// the slip prints in the printer's Cyrillic code page, not question marks.
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func theKioskAndTheSlipInRussian() async throws {
        var config = CentreConfig.demo
        config.languages += ["ru", "uk"]
        config.queues[0].names["ru"] = "Кела"
        config.queues[0].names["uk"] = "Кела"
        let server = try await TestServer(config: config)
        let slips = server.directory + "/slips.bin"
        let kiosk = try Tmux(
            "\(executable("vuoro-ticket")) --kiosk --server 127.0.0.1:\(server.port) --lang ru --format escpos --output \(slips)"
        )
        #expect(try kiosk.waitFor("Выберите услугу"), kiosk.dump)
        #expect(try kiosk.screen().contains("1  Кела"), kiosk.dump)
        try kiosk.keys("1")
        #expect(try kiosk.waitFor("Ваш номер"), kiosk.dump)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: slips)))
        let expected = [0x1B, 0x74, 17] + CP866.encode("Кела")!
        #expect(bytes.indices.contains { bytes[$0...].starts(with: expected) }, "\(bytes)")
        #expect(bytes.indices.contains { bytes[$0...].starts(with: CP866.encode("Место в очереди: 1")!) })
        #expect(!bytes.contains(0x3F), "a question mark on the slip")
        try kiosk.keys("l")
        #expect(try kiosk.waitFor("Оберіть послугу"), kiosk.dump)
        try kiosk.keys("C-c")
        await server.stop()
    }
}

@Suite(.serialized) struct KioskOfflineTests {
    /// The daemon out of reach: the visitor reads, in the kiosk's language, that no numbers can be taken, rather
    /// than an empty screen and a connection error in English.
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func theKioskSaysNoNumbersCanBeTaken() throws {
        let kiosk = try Tmux("\(executable("vuoro-ticket")) --kiosk --server 127.0.0.1:1 --lang fi")
        #expect(try kiosk.waitFor("Numeroita ei juuri nyt voi ottaa. Kysy neuvontapisteestä."), kiosk.dump)
        #expect(try kiosk.screen().contains("retrying"), kiosk.dump)
        try kiosk.keys("C-c")
    }
}

@Suite(.serialized) struct KioskCooldownTests {
    /// A key pressed again and again (a double press, a child at play) printed a number each time, for visitors
    /// who never came. While the last number is shown, the queue keys issue nothing.
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func aKeyMashedIssuesOneTicket() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        let slips = server.directory + "/slips.txt"
        let kiosk = try Tmux(
            "\(executable("vuoro-ticket")) --kiosk --cooldown 2 --server \(addr) --output \(slips) --lang en")
        #expect(try kiosk.waitFor("Choose a service"))
        for _ in 0..<5 { try kiosk.keys("1") }
        try kiosk.keys("2")
        #expect(try kiosk.waitFor("Your number"), kiosk.dump)
        usleep(1_000_000)
        let c = try server.client()
        #expect(try c.request("TICKET K001").hasPrefix("OK K001 state=waiting"))
        #expect(try c.request("TICKET K002").hasPrefix("ERR unknown-ticket"))
        #expect(try c.request("TICKET H001").hasPrefix("ERR unknown-ticket"))
        // Once it has passed, the next visitor gets a number.
        usleep(1_500_000)
        try kiosk.keys("2")
        for _ in 0..<50 where try c.request("TICKET H001").hasPrefix("ERR") { usleep(100_000) }
        #expect(try c.request("TICKET H001").hasPrefix("OK H001 state=waiting"))
        #expect(try c.request("TICKET K002").hasPrefix("ERR unknown-ticket"))
        try kiosk.keys("C-c")
        await server.stop()
    }
}

@Suite(.serialized) struct PrinterFailureTests {
    /// A slip that cannot be printed cancels its ticket: no counter should call a number nobody holds.
    @Test func aFailedPrintCancelsTheTicket() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        let c = try server.client()
        // A device that refuses every write (ENOSPC).
        let (rc, _, err) = try runClient("vuoro-ticket", ["kela", "--output", "/dev/full"], server: addr)
        #expect(rc == 1)
        #expect(
            err
                == "vuoro-ticket: cannot print K001: cannot write to /dev/full: No space left on device; the ticket was cancelled\n"
        )
        #expect(try c.request("TICKET K001") == "OK K001 state=cancelled queue=kela")
        // A printer that is not plugged in: an error before any number is issued (none is used up or cancelled),
        // and no file where its device node would appear.
        let missing = "/dev/vuoro-test-printer-\(UUID().uuidString.prefix(8))"
        let (rc2, _, err2) = try runClient(
            "vuoro-ticket", ["kela", "--format", "escpos", "--output", missing], server: addr)
        #expect(rc2 == 1)
        #expect(
            err2 == "vuoro-ticket: cannot open \(missing): No such file or directory; no ticket was issued\n")
        #expect(!FileManager.default.fileExists(atPath: missing))
        if FileManager.default.fileExists(atPath: missing) { try? FileManager.default.removeItem(atPath: missing) }
        #expect(try c.request("TICKET K002").hasPrefix("ERR unknown-ticket"))
        #expect(try c.request("ISSUE kela").hasPrefix("OK K002 "))
        await server.stop()
    }

    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func theKioskSaysThePrinterFailed() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        let kiosk = try Tmux("\(executable("vuoro-ticket")) --kiosk --server \(addr) --output /dev/full")
        #expect(try kiosk.waitFor("Valitse palvelu"))
        try kiosk.keys("1")
        #expect(try kiosk.waitFor("Tulostin ei toimi. Kysy neuvontapisteestä."), kiosk.dump)
        #expect(!(try kiosk.screen().contains("Vuoronumerosi")), kiosk.dump)
        #expect(try server.client().request("TICKET K001") == "OK K001 state=cancelled queue=kela")
        try kiosk.keys("C-c")
        await server.stop()
    }

    /// A printer out of paper (or jammed, or its cover open) stops taking data. A blocking write froze the kiosk
    /// with a number issued that nobody held; now no number is issued while it takes nothing.
    @Test func aStalledPrinterGetsNoNumber() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        let printer = try StalledPrinter()
        printer.stall()
        let (rc, _, err) = try runClient(
            "vuoro-ticket", ["kela", "--format", "escpos", "--output", printer.path, "--print-timeout", "1"],
            server: addr)
        #expect(rc == 1)
        #expect(
            err
                == "vuoro-ticket: \(printer.path) took no data for 1 s (is the printer out of paper, jammed or its cover open?); no ticket was issued\n"
        )
        #expect(try server.client().request("TICKET K001").hasPrefix("ERR unknown-ticket"))
        // Paper again: the slip is printed, and its number is the first.
        _ = printer.drain()
        let (rc2, _, err2) = try runClient(
            "vuoro-ticket", ["kela", "--output", printer.path, "--print-timeout", "1"], server: addr)
        #expect(rc2 == 0, "\(err2)")
        #expect(String(decoding: printer.drain(), as: UTF8.self).contains("K001"))
        await server.stop()
    }

    /// Many kiosk printers are on the network, on their raw port: the slip goes there, and one that is switched off
    /// gets no number issued.
    @Test func aNetworkPrinterPrintsTheSlip() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        let printer = try NetworkPrinter()
        let (rc, _, err) = try runClient(
            "vuoro-ticket", ["lab", "--format", "escpos", "--output", "tcp:127.0.0.1:\(printer.port)"], server: addr)
        #expect(rc == 0, "\(err)")
        let slip = printer.receive()
        #expect(slip.starts(with: [0x1B, 0x40]), "ESC @ first")
        #expect(CP858.decode(slip).contains("L001"))
        let off = try NetworkPrinter().port
        let (rc2, _, err2) = try runClient(
            "vuoro-ticket", ["lab", "--output", "tcp:127.0.0.1:\(off)", "--print-timeout", "1"], server: addr)
        #expect(rc2 == 1)
        #expect(err2 == "vuoro-ticket: cannot reach tcp:127.0.0.1:\(off): Connection refused; no ticket was issued\n")
        #expect(try server.client().request("TICKET L002").hasPrefix("ERR unknown-ticket"))
        await server.stop()
    }

    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func theKioskWaitsOutAStalledPrinter() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        let printer = try StalledPrinter()
        printer.stall()
        let kiosk = try Tmux(
            "\(executable("vuoro-ticket")) --kiosk --server \(addr) --output \(printer.path) --print-timeout 1 --lang en",
            columns: 200)
        #expect(try kiosk.waitFor("Choose a service"))
        try kiosk.keys("1")
        #expect(try kiosk.waitFor("The printer is not working. Please ask at the information desk."), kiosk.dump)
        #expect(try kiosk.waitFor("no ticket was issued"), kiosk.dump)
        #expect(try server.client().request("TICKET K001").hasPrefix("ERR unknown-ticket"))
        // The kiosk still answers keys, and prints once the printer takes paper again.
        _ = printer.drain()
        try kiosk.keys("1")
        #expect(try kiosk.waitFor("Your number"), kiosk.dump)
        #expect(String(decoding: printer.drain(), as: UTF8.self).contains("K001"))
        try kiosk.keys("C-c")
        await server.stop()
    }

    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func theKioskIssuesNothingForAnUnpluggedPrinter() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        let missing = "/dev/vuoro-test-printer-\(UUID().uuidString.prefix(8))"
        let kiosk = try Tmux("\(executable("vuoro-ticket")) --kiosk --server \(addr) --output \(missing) --lang en")
        #expect(try kiosk.waitFor("Choose a service"))
        try kiosk.keys("1")
        #expect(try kiosk.waitFor("The printer is not working. Please ask at the information desk."), kiosk.dump)
        #expect(try kiosk.waitFor("no ticket was issued"), kiosk.dump)
        #expect(try server.client().request("TICKET K001").hasPrefix("ERR unknown-ticket"))
        try kiosk.keys("C-c")
        await server.stop()
    }
}

@Suite(.serialized) struct DeskReconnectTests {
    /// The clerk's desk outlives a daemon restart, as the kiosk and the display do.
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func interactiveCounterReconnects() throws {
        try acrossADaemonRestart(
            { "\(executable("vuoro-counter")) --counter 1 --server \($0) --lang en" }, lost: "reconnecting",
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

@Suite struct VuoroctlStatsTests {
    @Test func statsAsTableAndCSV() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        try issueAndCall("kela", counter: "1", server: addr)
        let (rc, out, err) = try runClient("vuoroctl", ["stats", "--csv"], server: addr)
        #expect(rc == 0, "\(err)")
        let lines = String(decoding: out, as: UTF8.self).split(separator: "\n")
        #expect(
            lines.first
                == "queue,issued,served,noshow,cancelled,transferred,expired,wait_mean,wait_median,wait_p90,service_mean,service_p90,over_target,estimate_error"
        )
        #expect(lines.dropFirst().first?.hasPrefix("kela,1,0,0,0,0,0,0,0,0,0,0,0,160") == true, "\(lines)")
        let (_, range, _) = try runClient(
            "vuoroctl", ["stats", "--date", "2026-11-22", "--to", "2026-11-23", "--by", "counter", "--csv"],
            server: addr)
        let r = String(decoding: range, as: UTF8.self).split(separator: "\n")
        #expect(r.count == 2 && r[1].hasPrefix("1,2026-11-23,1,"), "\(r)")
        // A day that does not exist is named before anything is asked.
        for (args, text) in [
            (["--date", "2026-11-31"], "--date: 2026-11-31 is not a day YYYY-MM-DD"),
            (["--date", "2026-11-01", "--to", "2026-02-29"], "--to: 2026-02-29 is not a day YYYY-MM-DD"),
            (["--date", "2026-11-30", "--to", "2026-11-01"], "--to 2026-11-01 is before --date 2026-11-30"),
        ] {
            let (bad, _, why) = try runClient("vuoroctl", ["stats"] + args, server: addr)
            #expect(bad == 64 && why.contains(text), "\(why)")
        }
        let (_, table, _) = try runClient("vuoroctl", ["stats"], server: addr)
        #expect(String(decoding: table, as: UTF8.self).hasPrefix("QUEUE  ISSUED  SERVED"))
        await server.stop()
    }
}

@Suite(.serialized) struct KioskRestartTests {
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func kioskSurvivesADaemonRestart() throws {
        try acrossADaemonRestart(
            { "\(executable("vuoro-ticket")) --kiosk --server \($0) --lang en" }, lost: "retrying",
            before: { kiosk, _ in
                let shown = try kiosk.waitFor("Choose a service")
                #expect(shown, kiosk.dump)
            },
            after: { kiosk, port in
                #expect(try kiosk.waitFor("2  Health centre"))
                #expect(!(try kiosk.screen().contains("retrying")))
                try kiosk.keys("2")
                #expect(try kiosk.waitFor("Your number"), kiosk.dump)
                #expect(try LineClient(port: port).request("TICKET H001").hasPrefix("OK H001 state=waiting"))
            })
    }
}

@Suite(.serialized) struct KioskVisitorTests {
    /// A public kiosk: a visitor's q or Esc does not end it (staff use Ctrl-C), and after a visitor switched
    /// language the next one finds the kiosk's own language again.
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func theKioskIsLeftAsTheNextVisitorNeedsIt() async throws {
        let server = try await TestServer()
        let kiosk = try Tmux(
            "\(executable("vuoro-ticket")) --kiosk --server 127.0.0.1:\(server.port) --language-reset 2")
        #expect(try kiosk.waitFor("Valitse palvelu"), kiosk.dump)
        #expect(!(try kiosk.screen().contains("quit")), kiosk.dump)
        try kiosk.keys("q")
        try kiosk.keys("Escape")
        try kiosk.keys("l")
        #expect(try kiosk.waitFor("Välj tjänst"), kiosk.dump)
        #expect(!(try kiosk.waitForEnd(seconds: 0.5)))
        // Two seconds without a key: back to Finnish.
        #expect(try kiosk.waitFor("Valitse palvelu", seconds: 10), kiosk.dump)
        try kiosk.keys("C-c")
        #expect(try kiosk.waitForEnd(), kiosk.dump)
        await server.stop()
    }
}

/// A centre like Iso Omena, with ten services and more under one roof, and names up to 27 letters long.
@Suite(.serialized) struct ElevenServicesTests {
    static let names = [
        ("kela", "K", "Kela"), ("health", "H", "Terveysasema"), ("citizen", "C", "Kansalaisneuvonta"),
        ("clinic", "N", "Äitiys- ja lastenneuvola"), ("lab", "L", "Laboratorio ja kuvantaminen"),
        ("mental", "M", "Mielenterveyspalvelut"), ("library", "B", "Kirjasto"),
        ("info", "I", "Maahanmuuttajien neuvonta"), ("dental", "D", "Suun terveydenhuolto"),
        ("social", "S", "Sosiaalipalvelut"), ("tax", "T", "Verotoimisto"),
    ]
    static let centre = CentreConfig(
        site: "Iso Omena", timeZone: "Europe/Helsinki", languages: ["fi", "sv", "en"],
        queues: names.map { QueueConfig(id: $0.0, prefix: $0.1, names: ["fi": $0.2]) },
        counters: [CounterConfig(id: "1", queues: names.map(\.0))])

    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func everyServiceCanBeChosenAndSeen() async throws {
        let server = try await TestServer(config: Self.centre)
        let addr = "127.0.0.1:\(server.port)"
        let c = try server.client()
        // The kiosk showed nine queues, on keys 1 to 9: the tenth and eleventh could not be chosen.
        let kiosk = try Tmux(
            "\(executable("vuoro-ticket")) --kiosk --cooldown 0 --server \(addr) --output \(server.directory)/slips.txt"
        )
        #expect(try kiosk.waitFor("a  Verotoimisto"), kiosk.dump)
        #expect(try kiosk.screen().contains("0  Sosiaalipalvelut"), kiosk.dump)
        try kiosk.keys("0")
        #expect(try kiosk.waitFor("Vuoronumerosi"), kiosk.dump)
        try kiosk.keys("a")
        for _ in 0..<50 where try c.request("TICKET T001").hasPrefix("ERR") { usleep(100_000) }
        #expect(try c.request("TICKET S001").hasPrefix("OK S001 state=waiting queue=social"))
        #expect(try c.request("TICKET T001").hasPrefix("OK T001 state=waiting queue=tax"))
        // A kiosk at one wing's door: its queues, in its order, and a mistyped one named.
        let wing = try Tmux("\(executable("vuoro-ticket")) --kiosk --server \(addr) --queues lab,health,helth")
        #expect(try wing.waitFor("1  Laboratorio ja kuvantaminen"), wing.dump)
        #expect(try wing.screen().contains("2  Terveysasema"), wing.dump)
        #expect(!(try wing.screen().contains("Kela")), wing.dump)
        #expect(try wing.waitFor("no queue 'helth'"), wing.dump)
        // The lobby display on a 24-row screen: every queue, the names in one column however long.
        let display = try Tmux("\(executable("vuoro-display")) --server \(addr)", columns: 90, rows: 24)
        #expect(try display.waitFor("Verotoimisto"), display.dump)
        let screen = try display.screen()
        #expect(screen.contains("   Kela" + String(repeating: " ", count: 25) + "0"), display.dump)
        #expect(screen.contains("   Laboratorio ja kuvantaminen  0"), display.dump)
        #expect(screen.contains("   Sosiaalipalvelut             1"), display.dump)
        // The clerk's transfer menu reaches the eleventh queue too.
        // It speaks the site's first language, Finnish here, and names the queues as the visitors see them.
        let desk = try Tmux("\(executable("vuoro-counter")) --counter 1 --server \(addr)")
        #expect(try desk.waitFor("Palvelupiste 1   (auki)"), desk.dump)
        #expect(try desk.screen().contains("n seuraava"), desk.dump)
        try desk.keys("n")
        #expect(try desk.waitFor("Vuorossa S001"), desk.dump)
        #expect(try desk.waitFor("S001 (Sosiaalipalvelut) kutsuttu, odotti 0:"), desk.dump)
        try desk.keys("t")
        #expect(try desk.waitFor("a  Verotoimisto"), desk.dump)
        try desk.keys("a")
        #expect(try desk.waitFor("S001 siirretty jonoon Verotoimisto, sija 1"), desk.dump)
        #expect(try c.request("TICKET S001").hasPrefix("OK S001 state=waiting queue=tax"))
        // "done" with no ticket: the desk says so in Finnish, under its own "Ei asiakasta" line.
        try desk.keys("d")
        var twice = false
        for _ in 0..<100 where !twice {
            twice = try desk.screen().components(separatedBy: "Ei asiakasta").count == 3
            if !twice { usleep(100_000) }
        }
        #expect(twice, desk.dump)
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

// The client programs run as built executables against a real daemon on a free port; the full-screen ones
// inside a pseudo-terminal (tmux), read back with capture-pane: the one-shot programs and vuoroctl.
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
        #expect(String(decoding: out, as: UTF8.self) == "L001 (Laboratorio) kutsuttu, odotti 0:00\n")
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
        #expect(err == "vuoro-counter: Ei asiakasta (no-current-ticket)\n")
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
        #expect(try kiosk.screen().contains("(queue-full)"), kiosk.dump)

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

@Suite struct VuoroctlStatsTests {
    @Test func statsAsTableAndCSV() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        try issueAndCall("kela", counter: "1", server: addr)
        let (rc, out, err) = try runClient("vuoroctl", ["stats", "--csv"], server: addr)
        #expect(rc == 0, "\(err)")
        let lines = String(decoding: out, as: UTF8.self).split(separator: "\n")
        let header: String =
            "queue,issued,served,noshow,cancelled,transferred_in,transferred_out,expired,wait_mean,wait_median,wait_p90,service_mean,service_p90,over_target,estimate_error,"
            + "booked,booked_late,booked_noshow,booked_wait_mean,booked_delay_mean,walkin_wait_mean"
        #expect(lines.first.map(String.init) == header)
        #expect(lines.dropFirst().first?.hasPrefix("kela,1,0,0,0,0,0,0,0,0,0,0,0,0,160") == true, "\(lines)")
        #expect(err == "vuoroctl: statistics of 2026-11-23, the service day now\n")
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
        let shown = String(decoding: table, as: UTF8.self).split(separator: "\n")
        #expect(shown.first == "Statistics of 2026-11-23, the service day now, by queue")
        #expect(shown.dropFirst().first?.hasPrefix("QUEUE  ISSUED  SERVED") == true, "\(shown)")
        // A day without tickets: the whole header, and says so.
        let (_, none, _) = try runClient("vuoroctl", ["--server", addr, "stats", "--date", "2026-11-01"], server: addr)
        let empty = String(decoding: none, as: UTF8.self).split(separator: "\n")
        #expect(empty.count == 3 && empty[1].hasSuffix("BOOKED_DELAY_MEAN  WALKIN_WAIT_MEAN"), "\(empty)")
        #expect(empty.last == "no tickets on 2026-11-01")
        let (_, noneCSV, noneErr) = try runClient("vuoroctl", ["stats", "--date", "2026-11-01", "--csv"], server: addr)
        #expect(String(decoding: noneCSV, as: UTF8.self).split(separator: ",").count == 21)
        #expect(noneErr == "vuoroctl: no tickets on 2026-11-01\n")
        await server.stop()
    }
}

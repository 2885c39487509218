// The kiosk that loses the reply to its ISSUE (the daemon crashed after its commit, a network cut): it sends the
// same ISSUE again on a new connection and prints the ticket the daemon issued, not a second one.
import Foundation
import Testing
import VuoroTestSupport

#if canImport(Glibc)
    import Glibc
#endif

@Suite(.serialized) struct LostReplyTests {
    @Test func aLostReplyIsAskedForAgainAndPrintedOnce() async throws {
        let server = try await TestServer()
        let proxy = try ReplyDroppingProxy(upstreamPort: server.port)
        let (rc, out, err) = try runClient("vuoro-ticket", ["kela", "--lang", "en"], server: "127.0.0.1:\(proxy.port)")
        #expect(rc == 0, "\(err)")
        #expect(proxy.droppedReplies.count == 1)
        #expect(proxy.droppedReplies.first?.hasPrefix("OK K001 queue=kela position=1 ") == true)
        #expect(String(decoding: out, as: UTF8.self).contains("\nK001\n"))
        let c = try server.client()
        #expect(try c.list("STATUS").first?.hasPrefix("kela open=1 waiting=1 ") == true)
        #expect(try c.request("TICKET K002").hasPrefix("ERR unknown-ticket"))
        await server.stop()
    }

    /// A daemon that is stopping (a restart for an upgrade) answers `ERR shutting-down`: the kiosk sends the
    /// same `ISSUE` to the daemon that comes back, rather than sending the visitor to the information desk.
    @Test func aDaemonStoppingIsAskedAgain() async throws {
        let server = try await TestServer()
        let proxy = try ReplyDroppingProxy(
            upstreamPort: server.port, instead: "ERR shutting-down vuorod is stopping")
        let (rc, out, err) = try runClient("vuoro-ticket", ["lab", "--lang", "en"], server: "127.0.0.1:\(proxy.port)")
        #expect(rc == 0, "\(err)")
        #expect(proxy.droppedReplies.count == 1)
        #expect(String(decoding: out, as: UTF8.self).contains("\nL001\n"))
        #expect(try server.client().list("STATUS").last?.hasPrefix("lab open=1 waiting=1 ") == true)
        await server.stop()
    }

    /// A kiosk upgraded before its daemon: a daemon older than 0.11 refuses `id=` and issues nothing, and the
    /// kiosk takes the number without a key (and prints no page for it) rather than none.
    @Test func anOlderDaemonGetsTheIssueWithoutItsKey() async throws {
        let server = try await TestServer()
        let proxy = try ReplyDroppingProxy(upstreamPort: server.port) { line in
            line.hasPrefix("ISSUE ") && line.contains(" id=") ? "ERR bad-argument unknown option 'id'=" : nil
        }
        let (rc, out, err) = try runClient(
            "vuoro-ticket", ["kela", "--lang", "en", "--web-url", "https://jono.example.fi"],
            server: "127.0.0.1:\(proxy.port)")
        #expect(rc == 0, "\(err)")
        let slip = String(decoding: out, as: UTF8.self)
        #expect(slip.contains("\nK001\n") && !slip.contains("jono.example.fi"), "\(slip)")
        #expect(try server.client().list("STATUS").first?.hasPrefix("kela open=1 waiting=1 ") == true)
        await server.stop()
    }

    /// No reply gets through within `--issue-retry`: the kiosk tells the visitor to ask at the information desk,
    /// and cancels the ticket the daemon did issue (`CANCEL id=`) as soon as it reaches it, so that no counter
    /// calls a number nobody holds.
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func theKioskCancelsATicketItGaveUpOn() async throws {
        let server = try await TestServer()
        let proxy = try ReplyDroppingProxy(upstreamPort: server.port, everyIssue: true)
        let kiosk = try Tmux(
            "\(executable("vuoro-ticket")) --kiosk --server 127.0.0.1:\(proxy.port) --output /dev/null --lang en"
                + " --issue-retry 1")
        #expect(try kiosk.waitFor("Choose a service"))
        try kiosk.keys("1")
        #expect(try kiosk.waitFor("No numbers can be taken just now"), kiosk.dump)
        let c = try server.client()
        var reply = ""
        for _ in 0..<50 {
            reply = try c.request("TICKET K001")
            if reply.contains("state=cancelled") { break }
            usleep(100_000)
        }
        #expect(reply.hasPrefix("OK K001 state=cancelled"), "\(reply)")
        #expect(proxy.droppedReplies.count >= 2, "sent again before giving up: \(proxy.droppedReplies)")
        #expect(try c.request("TICKET K002").hasPrefix("ERR unknown-ticket"))
        try kiosk.keys("C-c")
        await server.stop()
    }

    /// The one-shot program (the information desk printing a number for a visitor, a script) that gives up is not
    /// there to cancel the ticket later: it names the key, and `vuoroctl cancel --id` cancels the ticket.
    @Test func theOneShotProgramSaysHowToCancelWhatItGaveUpOn() async throws {
        let server = try await TestServer()
        let proxy = try ReplyDroppingProxy(upstreamPort: server.port, everyIssue: true)
        let (rc, out, err) = try runClient(
            "vuoro-ticket", ["kela", "--issue-retry", "1"], server: "127.0.0.1:\(proxy.port)")
        #expect(rc == 1 && out.isEmpty)
        let key = try #require(
            err.split(separator: "`vuoroctl cancel --id ").last?.prefix { $0 != "`" }.description, "\(err)")
        #expect(err.contains("a ticket may have been issued for id=\(key); nobody holds it"), "\(err)")
        let addr = "127.0.0.1:\(server.port)"
        let (rc2, out2, err2) = try runClient("vuoroctl", ["cancel", "--id", key], server: addr)
        #expect(rc2 == 0 && String(decoding: out2, as: UTF8.self) == "K001 state=cancelled\n", "\(err2)")
        let (rc3, _, err3) = try runClient("vuoroctl", ["cancel", "--id", key], server: addr)
        #expect(rc3 == 1 && err3.contains("wrong-state"), "\(err3)")
        let (rc4, _, err4) = try runClient("vuoroctl", ["cancel", "K001", "--id", key], server: addr)
        #expect(rc4 != 0 && err4.contains("give a ticket number or --id KEY, not both"), "\(err4)")
        let (rc5, _, err5) = try runClient("vuoroctl", ["cancel", "--id", "no spaces"], server: addr)
        #expect(rc5 != 0 && err5.contains("id must be 1 to 64"), "\(err5)")
        await server.stop()
    }

    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func theKioskPrintsTheTicketWhoseReplyWasLost() async throws {
        let server = try await TestServer()
        let proxy = try ReplyDroppingProxy(upstreamPort: server.port)
        let web = try #require(try await server.server.startWeb(host: "127.0.0.1", port: 0)).port!
        let slips = server.directory + "/slips.txt"
        let kiosk = try Tmux(
            "\(executable("vuoro-ticket")) --kiosk --cooldown 0 --server 127.0.0.1:\(proxy.port) --output \(slips)"
                + " --lang en --web-url http://127.0.0.1:\(web)")
        #expect(try kiosk.waitFor("Choose a service"))
        try kiosk.keys("1")
        #expect(try kiosk.waitFor("Your number"), kiosk.dump)
        #expect(try kiosk.waitFor("Follow your turn on your phone: the QR code on your ticket."), kiosk.dump)
        #expect(proxy.droppedReplies.count == 1)
        // The kiosk goes on with its new connection: the next visitor's number comes at once.
        try kiosk.keys("1")
        let c = try server.client()
        for _ in 0..<50 where try c.request("TICKET K002").hasPrefix("ERR") { usleep(100_000) }
        #expect(try c.list("STATUS").first?.hasPrefix("kela open=1 waiting=2 ") == true)
        let printed = try String(contentsOfFile: slips, encoding: .utf8)
        for _ in 0..<50 where !((try? String(contentsOfFile: slips, encoding: .utf8)) ?? "").contains("K002") {
            usleep(100_000)
        }
        let all = try String(contentsOfFile: slips, encoding: .utf8)
        #expect(printed.contains("\nK001\n"))
        // The slip's page is the ticket the daemon issued for the key sent twice.
        let prefix = "Follow your turn on your phone:\nhttp://127.0.0.1:\(web)"
        let path = try #require(printed.range(of: prefix).map { printed[$0.upperBound...].prefix { $0 != "\n" } })
        #expect(try httpRequest(port: web, String(path)).body.contains("<p class=\"number\">K001</p>"), "\(path)")
        #expect(all.contains("\nK002\n") && !all.contains("K003"), "\(all)")
        try kiosk.keys("C-c")
        await server.stop()
    }
}

// What a new user met on the first day (issue 18), each as a test: the messages a person reads when something is
// given wrong, said plainly and leaving nothing behind.
import Foundation
import Testing
import VuoroTestSupport

#if canImport(Glibc)
    import Glibc
#endif

@Suite(.serialized) struct FirstDayTests {
    /// A mistyped queue is named with the queues there are.
    @Test func aMistypedQueueListsTheQueues() async throws {
        let server = try await TestServer()
        let (rc, _, err) = try runClient("vuoro-ticket", ["kelaa"], server: "127.0.0.1:\(server.port)")
        #expect(rc == 1)
        #expect(err == "vuoro-ticket: no queue 'kelaa'; the queues are kela, health, citizen, lab\n", "\(err)")
        await server.stop()
    }

    /// An address without a port, and the web port given for the protocol's, are each named for what they are.
    @Test func addressesAreNamedForWhatTheyAre() async throws {
        let server = try await TestServer()
        let web = try #require(try await server.server.startWeb(host: "127.0.0.1", port: 0)).port!
        let (rc, _, err) = try runClient("vuoroctl", ["--server", "127.0.0.1", "status"], server: "x:1")
        #expect(rc == 64 && err.contains("--server 127.0.0.1: HOST:PORT needs a port, for example 127.0.0.1:7410"))
        let (rc2, _, err2) = try runClient("vuoroctl", ["status"], server: "127.0.0.1:\(web)")
        #expect(rc2 == 1)
        #expect(err2.contains("127.0.0.1:\(web) answers HTTP: that is a web port"), "\(err2)")
        // vuoroctl takes --server before its subcommand, and names the site that answered.
        let (rc3, out, err3) = try runClient(
            "vuoroctl", ["--server", "127.0.0.1:\(server.port)", "status"], server: "127.0.0.1:1")
        #expect(rc3 == 0, "\(err3)")
        let lines = String(decoding: out, as: UTF8.self).split(separator: "\n")
        #expect(lines.first == "Iso Omena Service Centre (demo) at 127.0.0.1:\(server.port), service day 2026-11-23")
        #expect(lines.dropFirst().first == "QUEUE    OPEN  WAITING  WAIT    COUNTERS  LONGEST  OPENS", "\(lines)")
        #expect(lines.contains("kela     yes   0        ~3 min  3         -"), "\(lines)")
        #expect(try server.client().request("CLOSE lab") == "OK lab open=0")
        let (_, closed, _) = try runClient("vuoroctl", ["status"], server: "127.0.0.1:\(server.port)")
        #expect(String(decoding: closed, as: UTF8.self).contains("lab      no    0        -       1         -"))
        await server.stop()
    }

    /// A port another daemon holds: said in one plain line, and nothing is created in the state directory.
    @Test func aTakenPortIsSaidPlainlyAndLeavesNothing() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try Daemon(arguments: ["--state-dir", dir + "/first", "--listen", "127.0.0.1:0"])
        try first.waitUntilListening()
        let second = try Daemon(arguments: ["--state-dir", dir + "/second", "--listen", "127.0.0.1:\(first.port)"])
        let (status, log) = second.finish()
        #expect(status == 1)
        #expect(log.contains("127.0.0.1:\(first.port) is already in use (another vuorod?)"), "\(log)")
        #expect(!log.contains("bind(descriptor"), "\(log)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/second"), "the state directory was created")
        first.signal(SIGTERM)
        _ = first.finish()
    }
}

// ISSUE with a key (`id=`), sent again after its reply was lost: the ticket issued for it, across a restart and
// a failed commit, and never a second ticket.
import CSQLite
import Testing
import VuoroStore
import VuoroTestSupport

@Suite struct IssueAgainTests {
    @Test func theSameKeyIsAnsweredWithTheSameTicketAcrossARestart() async throws {
        let server = try await TestServer()
        let kiosk = try server.client()
        #expect(try kiosk.request("ISSUE kela id=k1") == "OK K001 queue=kela position=1 wait=160")
        #expect(try kiosk.request("ISSUE kela id=k1") == "OK K001 queue=kela position=1 wait=160 again=1")
        #expect(try kiosk.request("ISSUE kela") == "OK K002 queue=kela position=2 wait=320")
        #expect(try kiosk.request("ISSUE lab id=k1").hasPrefix("ERR bad-argument id=k1 was used today"))
        // Sent twice in one write: both in one batch, one ticket.
        kiosk.sendRaw(Array("ISSUE kela id=k3\nISSUE kela id=k3\n".utf8))
        #expect(try kiosk.readLine() == "OK K003 queue=kela position=3 wait=480")
        #expect(try kiosk.readLine() == "OK K003 queue=kela position=3 wait=480 again=1")
        #expect(try kiosk.list("STATUS").first?.hasPrefix("kela open=1 waiting=3 ") == true)

        try await server.restart()
        let after = try server.client()
        #expect(try after.request("ISSUE kela id=k1") == "OK K001 queue=kela position=1 wait=160 again=1")
        #expect(try after.request("CALL 1").hasPrefix("OK K001 "))
        #expect(try after.request("ISSUE kela id=k1") == "OK K001 queue=kela position=0 wait=0 state=called again=1")
        #expect(try after.list("STATUS").first?.hasPrefix("kela open=1 waiting=2 ") == true)
        await server.stop()
    }

    @Test func cancelByKey() async throws {
        let server = try await TestServer()
        let kiosk = try server.client()
        #expect(try kiosk.request("ISSUE kela id=k1").hasPrefix("OK K001 "))
        #expect(try kiosk.request("CANCEL id=k1") == "OK K001 state=cancelled")
        #expect(try kiosk.request("CANCEL id=k1") == "ERR wrong-state K001 is cancelled")
        #expect(try kiosk.request("CANCEL id=k2") == "ERR unknown-ticket no ticket for id=k2 today")
        #expect(try kiosk.list("STATUS").first?.hasPrefix("kela open=1 waiting=0 ") == true)
        await server.stop()
    }

    /// A key whose ISSUE was not committed names no ticket: sent again once storage works, it gets one. While
    /// storage fails, a key that was committed is still answered, since that changes nothing.
    @Test func aKeyWhoseCommitFailedGetsATicketLater() async throws {
        let server = try await TestServer()
        let kiosk = try server.client()
        #expect(try kiosk.request("ISSUE kela id=k1").hasPrefix("OK K001 "))
        try await server.server.injectStorageFault(SQLiteError(code: SQLITE_FULL, message: "full", context: "test"))
        #expect(try kiosk.request("ISSUE kela id=k2").hasPrefix("ERR unavailable "))
        #expect(try kiosk.request("ISSUE kela id=k1").hasSuffix(" again=1"))
        try await server.server.injectStorageFault(nil)
        #expect(try kiosk.request("ISSUE kela id=k2") == "OK K002 queue=kela position=2 wait=320")
        #expect(try kiosk.request("ISSUE kela id=k2").hasSuffix(" again=1"))
        await server.stop()
    }
}

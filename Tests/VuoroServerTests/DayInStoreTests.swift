// The day's finished tickets live in the store, not in memory: after a restart (which reads only the live ones)
// everything about them is still answered as before: numbering goes on, TICKET and a resent ISSUE find them,
// CALLED lists the day's calls, the estimates keep the day's service times, STATS counts them.
import Foundation
import Testing
import VuoroCore
import VuoroTestSupport

@Suite struct DayInStoreTests {
    @Test func aRestartReadsOnlyTheLiveTicketsAndForgetsNothing() async throws {
        let server = try await TestServer()
        let c = try server.client()
        for i in 0..<30 {
            #expect(try c.request("ISSUE kela id=key-\(i)").hasPrefix("OK K"))
            server.clock.advance(seconds: 60)
            #expect(try c.request("CALL 1").hasPrefix("OK K"))
            server.clock.advance(seconds: 120 + Double(i))
        }
        #expect(try c.request("DONE 1").hasPrefix("OK K030 state=done"))
        #expect(try c.request("ISSUE kela id=key-live").hasPrefix("OK K031"))
        let before = (
            status: try c.list("STATUS"), called: try c.list("CALLED 5"), stats: try c.list("STATS"),
            done: try c.request("TICKET K007"), again: try c.request("ISSUE kela id=key-3")
        )
        #expect(before.done == "OK K007 state=done queue=kela counter=1")
        #expect(before.again == "OK K004 queue=kela position=0 wait=0 state=done again=1")
        try await server.restart()
        let d = try server.client()
        #expect(try d.list("STATUS") == before.status, "the estimates keep the day's service times")
        #expect(try d.list("CALLED 5") == before.called)
        #expect(try d.list("STATS") == before.stats)
        #expect(try d.request("TICKET K007") == before.done)
        #expect(try d.request("ISSUE kela id=key-3") == before.again)
        #expect(try d.request("ISSUE kela id=key-live").hasPrefix("OK K031 queue=kela position=1"))
        #expect(try d.request("ISSUE kela").hasPrefix("OK K032 "), "the numbering goes on")
        #expect(try d.request("CANCEL K030") == "ERR wrong-state K030 is done")
        await server.stop()
    }
}

/// A store of committed tickets, for the core's own tests of the archive.
final class MemoryArchive: TicketArchive {
    var tickets: [Int64: Ticket] = [:]
    func keep(_ changes: [Change]) {
        for case .ticket(let t) in changes { tickets[t.id] = t }
    }
    func ticket(id: Int64) -> Ticket? { tickets[id] }
    func latest(number: String, day: String) -> Ticket? {
        tickets.values.filter { $0.number == number && $0.day == day }.max { $0.id < $1.id }
    }
}

@Suite struct ArchiveTests {
    @Test func finishedTicketsAreLetGoOnceTakenAndReadBack() throws {
        let clock = ManualClock(1_795_420_800_000)
        let archive = MemoryArchive()
        let c = Centre(config: .demo, clock: clock, snapshot: Snapshot(), archive: archive)
        let first = try c.issue(queue: "kela", request: "k-1")
        _ = try c.issue(queue: "kela")
        _ = try c.call(counter: "1")
        _ = try c.finish(counter: "1", as: .noshow)
        #expect(c.ticket(id: first.ticket.id)?.state == .noshow, "held until its change is taken")
        archive.keep(c.takeChanges())
        #expect(c.ticket(id: first.ticket.id) == nil, "let go")
        #expect(c.todaysTickets.map(\.number) == ["K002"])
        #expect(try c.view("K001").ticket.state == .noshow, "read back")
        #expect(try c.issue(queue: "kela", request: "k-1").again)
        // A no-show who comes back is called from the archive, and held again.
        #expect(try c.call(counter: "1", ticket: "K001").ticket?.calls == 2)
        #expect(c.ticket(id: first.ticket.id)?.state == .called)
    }
}

// "I need more time": a waiting ticket steps back by its queue's places, at most twice, never once called.
import Testing
import VuoroCore

@Suite struct StepBackTests {
    func kelaTickets(_ c: Centre, _ clock: ManualClock, _ n: Int) throws -> [String] {
        try (0..<n).map { _ in
            clock.advance(seconds: 10)
            return try c.issue(queue: "kela").ticket.number
        }
    }

    @Test func aTicketMovesBackFivePlacesAndIsCalledThen() throws {
        let (c, clock) = makeCentre()
        let t = try kelaTickets(c, clock, 8)
        let s = try c.stepBack("K002")
        #expect(s.position == 7 && s.ticket.stepsBack == 1)
        #expect(try c.view("K007").position == 6, "those it let pass move up one")
        #expect(try c.view("K001").position == 1)
        // Called in its new order: K001, then K003 to K007, then K002.
        var called: [String] = []
        for _ in 0..<7 { called.append(try c.call(counter: "1").ticket!.number) }
        #expect(called == [t[0], t[2], t[3], t[4], t[5], t[6], t[1]])
    }

    @Test func nearTheBackItGoesToTheEnd() throws {
        let (c, clock) = makeCentre()
        _ = try kelaTickets(c, clock, 3)
        #expect(try c.stepBack("K002").position == 3)
        #expect(try c.view("K003").position == 2)
        // The last one stays last.
        #expect(try c.stepBack("K002").position == 3)
    }

    @Test func atMostTwiceAndNeverOnceCalled() throws {
        let (c, clock) = makeCentre()
        _ = try kelaTickets(c, clock, 10)
        _ = try c.stepBack("K001")
        _ = try c.stepBack("K001")
        #expect(throws: CentreError.stepLimit(number: "K001", times: 2)) { try c.stepBack("K001") }
        _ = c.takeChanges()
        _ = try c.call(counter: "1")  // K002, the first now
        #expect(throws: CentreError.wrongState(number: "K002", state: .called)) { try c.stepBack("K002") }
        #expect(throws: CentreError.unknownTicket("K099")) { try c.stepBack("K099") }
        #expect(c.takeChanges().count == 2, "only the call changed anything: its ticket and its counter")
    }

    /// Only within its priority: priority tickets ahead stay ahead, and its wait counts from its issue.
    @Test func withinItsPriorityAndItsWaitKept() throws {
        let (c, clock) = makeCentre()
        _ = try kelaTickets(c, clock, 2)
        clock.advance(seconds: 10)
        _ = try c.issue(queue: "kela", priority: 2)
        _ = try kelaTickets(c, clock, 6)
        let before = try c.view("K001").ticket.waitingSince
        #expect(try c.stepBack("K001").position == 7)
        #expect(try c.view("K003").position == 1, "the priority ticket stays first")
        #expect(try c.view("K001").ticket.waitingSince == before)
    }

    @Test func aQueueCanTurnItOff() throws {
        var config = testConfig()
        config.queues[0].stepBack = 0
        let (c, clock) = makeCentre(config)
        _ = try kelaTickets(c, clock, 3)
        #expect(throws: CentreError.badArgument("kela does not let tickets step back")) { try c.stepBack("K001") }
    }
}

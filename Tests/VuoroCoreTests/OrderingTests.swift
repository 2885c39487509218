// Which ticket a counter calls, positions, the priority streak rule and weights.
import Testing
import VuoroCore

@Suite struct OrderingTests {
    @Test func issueNumbersCountPerQueue() throws {
        let (c, _) = makeCentre()
        #expect(try c.issue(queue: "kela").ticket.number == "K001")
        #expect(try c.issue(queue: "kela").ticket.number == "K002")
        #expect(try c.issue(queue: "health").ticket.number == "H001")
    }

    @Test func priorityTicketGoesFirstAndHasPositionOne() throws {
        let (c, clock) = makeCentre()
        _ = try c.issue(queue: "kela")
        clock.advance(seconds: 1)
        _ = try c.issue(queue: "kela")
        clock.advance(seconds: 1)
        let p = try c.issue(queue: "kela", priority: 5)
        #expect(p.position == 1)
        #expect(try c.view("K001").position == 2)
        #expect(try c.view("K002").position == 3)
        #expect(try c.call(counter: "1").ticket?.number == "K003")
        #expect(try c.call(counter: "1").ticket?.number == "K001")
    }

    @Test func callWithinEqualPriorityTakesEarliestIssued() throws {
        let (c, clock) = makeCentre()
        for _ in 0..<3 {
            _ = try c.issue(queue: "kela")
            clock.advance(seconds: 10)
        }
        #expect(try c.call(counter: "1").ticket?.number == "K001")
        #expect(try c.call(counter: "2").ticket?.number == "K002")
        #expect(try c.view("K003").position == 1)
    }

    @Test func weightScalesSecondsWaitedAcrossQueues() throws {
        let (c, clock) = makeCentre()
        _ = try c.issue(queue: "kela")  // waits 100 s, weight 1: score 100
        clock.advance(seconds: 40)
        _ = try c.issue(queue: "health")  // waits 60 s, weight 2: score 120
        clock.advance(seconds: 60)
        #expect(try c.call(counter: "3").ticket?.number == "H001")
        #expect(try c.call(counter: "3").ticket?.number == "K001")
    }

    @Test func equalScoresFallBackToEarliestIssued() throws {
        let (c, clock) = makeCentre()
        _ = try c.serve(counter: "1", queues: ["kela", "lab"])  // both weight 1
        _ = try c.issue(queue: "lab")  // same instant, issued first
        _ = try c.issue(queue: "kela")
        clock.advance(seconds: 100)
        #expect(try c.call(counter: "1").ticket?.number == "L001")
        _ = try c.issue(queue: "kela")
        _ = try c.issue(queue: "lab")
        clock.advance(seconds: 100)
        #expect(try c.call(counter: "1").ticket?.number == "K001")
        #expect(try c.call(counter: "1").ticket?.number == "K002")
        #expect(try c.call(counter: "1").ticket?.number == "L002")
    }

    @Test func priorityStreakLetsNormalTicketThrough() throws {
        let (c, clock) = makeCentre(testConfig(streak: 2))
        _ = try c.issue(queue: "kela")  // K001 normal, the oldest
        for _ in 0..<4 {
            clock.advance(seconds: 1)
            _ = try c.issue(queue: "kela", priority: 3)
        }
        clock.advance(seconds: 1)
        #expect(try c.call(counter: "1").ticket?.number == "K002")
        #expect(try c.call(counter: "1").ticket?.number == "K003")
        // Two priority calls in a row while K001 waits: the next call ignores priority.
        #expect(try c.call(counter: "1").ticket?.number == "K001")
        #expect(try c.call(counter: "1").ticket?.number == "K004")
        // The streak is per counter.
        #expect(try c.call(counter: "2").ticket?.number == "K005")
    }

    @Test func streakRuleOffWithZero() throws {
        let (c, clock) = makeCentre(testConfig(streak: 0))
        _ = try c.issue(queue: "kela")
        for _ in 0..<5 {
            clock.advance(seconds: 1)
            _ = try c.issue(queue: "kela", priority: 1)
        }
        for n in ["K002", "K003", "K004", "K005", "K006", "K001"] {
            #expect(try c.call(counter: "1").ticket?.number == n)
        }
    }

    @Test func callEndsCurrentAsDoneAndTicketOptionTakesThatTicket() throws {
        let (c, clock) = makeCentre()
        _ = try c.issue(queue: "kela")
        _ = try c.issue(queue: "lab")
        clock.advance(seconds: 30)
        let first = try c.call(counter: "1")
        #expect(first.ticket?.number == "K001")
        #expect(first.waited == 30)
        clock.advance(seconds: 60)
        let second = try c.call(counter: "1", ticket: "L001")
        #expect(second.ticket?.number == "L001")
        #expect(second.finished?.number == "K001")
        #expect(c.lookup("K001")?.state == .done)
        #expect(try c.call(counter: "1").ticket == nil)
        #expect(c.lookup("L001")?.state == .done)
    }

    @Test func refusedRequestsChangeNothing() throws {
        let (c, _) = makeCentre()
        _ = try c.issue(queue: "kela")
        _ = try c.call(counter: "1")
        _ = c.takeChanges()
        #expect(throws: CentreError.unknownTicket("K099")) { try c.call(counter: "1", ticket: "K099") }
        #expect(throws: CentreError.wrongState(number: "K001", state: .called)) { try c.cancel("K001") }
        #expect(throws: CentreError.unknownQueue("nope")) { try c.issue(queue: "nope") }
        #expect(throws: CentreError.unknownCounter("77")) { try c.call(counter: "77") }
        #expect(throws: CentreError.noCurrentTicket("2")) { try c.finish(counter: "2", as: .done) }
        #expect(throws: CentreError.badArgument("priority must be 0 to 9")) { try c.issue(queue: "kela", priority: 10) }
        #expect(!c.hasChanges)
        #expect(c.lookup("K001")?.state == .called)
        #expect(c.currentTicket(of: "1")?.number == "K001")
    }
}

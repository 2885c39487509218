// ISSUE sent again with the same key after its reply was lost: the same ticket, nothing changed.
import Testing
import VuoroCore

@Suite struct RequestKeyTests {
    @Test func theSameKeyGetsTheSameTicketAndChangesNothing() throws {
        let (c, clock) = makeCentre()
        _ = c.takeChanges()  // the counters' first records
        let first = try c.issue(queue: "kela", lang: "sv", request: "k-1")
        #expect(!first.again)
        // The ticket, and its queue's numbering of the day.
        #expect(c.takeChanges() == [.ticket(first.ticket), .queueDay(QueueDay(queue: "kela", day: "2026-11-23", lastSeq: 1, services: []))])
        _ = try c.issue(queue: "kela")
        _ = c.takeChanges()
        clock.advance(seconds: 30)
        let again = try c.issue(queue: "kela", lang: "sv", request: "k-1")
        #expect(again.again)
        #expect(again.ticket == first.ticket)
        #expect(again.position == 1)
        #expect(!c.hasChanges)
        // A different key is a different visitor.
        #expect(try c.issue(queue: "kela", request: "k-2").ticket.number == "K003")
        #expect(c.figures("kela")?.waiting == 3)
    }

    @Test func aTicketThatNoLongerWaitsIsAnsweredAsItIs() throws {
        let (c, _) = makeCentre()
        _ = try c.issue(queue: "kela", request: "k-1")
        _ = try c.call(counter: "1")
        _ = c.takeChanges()
        let again = try c.issue(queue: "kela", request: "k-1")
        #expect(again.again && again.ticket.number == "K001" && again.ticket.state == .called)
        #expect(again.position == 0 && again.wait == 0)
        #expect(!c.hasChanges)
    }

    @Test func theSameKeyForAnotherRequestIsRefused() throws {
        let (c, _) = makeCentre()
        _ = try c.issue(queue: "kela", request: "k-1")
        _ = c.takeChanges()
        #expect(throws: CentreError.self) { try c.issue(queue: "lab", request: "k-1") }
        #expect(throws: CentreError.self) { try c.issue(queue: "kela", priority: 2, request: "k-1") }
        #expect(!c.hasChanges)
    }

    @Test func aClosedQueueStillAnswersWhatItIssued() throws {
        let (c, _) = makeCentre()
        let first = try c.issue(queue: "kela", request: "k-1")
        _ = try c.setClosed("kela", true)
        #expect(try c.issue(queue: "kela", request: "k-1").ticket == first.ticket)
        #expect(throws: CentreError.self) { try c.issue(queue: "kela", request: "k-2") }
    }

    /// A kiosk that gave up on an ISSUE cancels what it may have issued; only a waiting ticket is cancelled.
    @Test func aKeysTicketIsCancelledByItsKey() throws {
        let (c, _) = makeCentre()
        _ = try c.issue(queue: "kela", request: "k-1")
        _ = try c.issue(queue: "kela", request: "k-2")
        #expect(try c.cancel(request: "k-1").number == "K001")
        #expect(try c.view("K001").ticket.state == .cancelled)
        #expect(throws: CentreError.self) { try c.cancel(request: "k-1") }
        #expect(throws: CentreError.self) { try c.cancel(request: "k-9") }
        _ = try c.call(counter: "1")
        #expect(throws: CentreError.self) { try c.cancel(request: "k-2") }
        #expect(try c.view("K002").ticket.state == .called)
    }

    @Test func keysOutliveARestartAndEndWithTheDay() throws {
        let (c, clock) = makeCentre()
        let first = try c.issue(queue: "kela", request: "k-1")
        let rebuilt = Centre(config: c.config, clock: clock, snapshot: c.snapshot())
        #expect(try rebuilt.issue(queue: "kela", request: "k-1").ticket == first.ticket)
        clock.advance(seconds: 86_400)
        let next = try rebuilt.issue(queue: "kela", request: "k-1")
        #expect(!next.again && next.ticket.id != first.ticket.id)
    }
}

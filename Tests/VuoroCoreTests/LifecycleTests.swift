// Transfers, cancel, no-show, wrap-around of numbers, the day change and rebuilding from a snapshot.
import Testing
import VuoroCore

@Suite struct LifecycleTests {
    @Test func transferKeepsNumberAndWaitsFromTransfer() throws {
        let (c, clock) = makeCentre()
        _ = try c.issue(queue: "kela")
        _ = try c.issue(queue: "lab")
        _ = try c.issue(queue: "lab")
        _ = try c.call(counter: "1")
        clock.advance(seconds: 120)
        let t = try c.transfer(counter: "1", to: "lab", front: false)
        #expect(t.ticket.number == "K001")
        #expect(t.ticket.queue == "lab")
        #expect(t.position == 3)
        #expect(c.currentTicket(of: "1") == nil)
        clock.advance(seconds: 5)
        #expect(try c.call(counter: "9").ticket?.number == "L001")
        #expect(try c.call(counter: "9").ticket?.number == "L002")
        let k = try c.call(counter: "9")
        #expect(k.ticket?.number == "K001")
        #expect(k.waited == 5 + 0)  // waits from the transfer, not from the issue
    }

    /// The longest wait now in a queue: from issue, or from the transfer into it; priority tickets count too.
    @Test func longestWaitIsTheOldestWaitingTicket() throws {
        let (c, clock) = makeCentre()
        #expect(c.longestWait("kela") == nil)
        _ = try c.issue(queue: "kela")
        clock.advance(seconds: 60)
        _ = try c.issue(queue: "kela", priority: 3)
        _ = try c.issue(queue: "lab")
        clock.advance(seconds: 30)
        #expect(c.longestWait("kela") == 90)
        #expect(c.longestWait("lab") == 30)
        _ = try c.call(counter: "1")  // the priority ticket
        #expect(c.longestWait("kela") == 90)
        _ = try c.transfer(counter: "1", to: "lab", front: true)
        clock.advance(seconds: 5)
        #expect(c.longestWait("lab") == 35, "L001 since its issue; K002 only since its transfer")
        _ = try c.call(counter: "2")
        #expect(c.longestWait("kela") == nil)
    }

    @Test func transferToFrontGoesBeforeItsPriority() throws {
        let (c, clock) = makeCentre()
        _ = try c.issue(queue: "kela")
        _ = try c.issue(queue: "lab")
        _ = try c.issue(queue: "lab", priority: 2)
        _ = try c.call(counter: "1")
        clock.advance(seconds: 10)
        let t = try c.transfer(counter: "1", to: "lab", front: true)
        #expect(t.position == 2)  // after the priority ticket, before L001
        #expect(try c.view("L001").position == 3)
        #expect(try c.call(counter: "9").ticket?.number == "L002")
        #expect(try c.call(counter: "9").ticket?.number == "K001")
    }

    @Test func cancelNoshowAndStates() throws {
        let (c, _) = makeCentre()
        _ = try c.issue(queue: "kela")
        _ = try c.issue(queue: "kela")
        #expect(try c.cancel("K002").state == .cancelled)
        _ = try c.call(counter: "1")
        #expect(try c.finish(counter: "1", as: .noshow).state == .noshow)
        #expect(throws: CentreError.wrongState(number: "K002", state: .cancelled)) { try c.cancel("K002") }
        #expect(throws: CentreError.noCurrentTicket("1")) { try c.recall(counter: "1") }
        #expect(throws: CentreError.wrongState(number: "K002", state: .cancelled)) {
            try c.call(counter: "1", ticket: "K002")
        }
    }

    /// A visitor marked as a no-show who comes back is called again by number, at any counter, rather than sent to
    /// the kiosk and the back of the queue; the day's figures then count them as served.
    @Test func aNoShowWhoComesBackIsCalledAgain() throws {
        let (c, clock) = makeCentre()
        _ = try c.issue(queue: "kela")
        _ = try c.call(counter: "1")
        _ = try c.finish(counter: "1", as: .noshow)
        clock.advance(seconds: 120)
        let again = try c.call(counter: "2", ticket: "K001")
        #expect(again.ticket?.state == .called && again.ticket?.counter == "2" && again.ticket?.calls == 2)
        #expect(again.ticket?.finishedAt == nil)
        #expect(try c.view("K001").ticket.state == .called)
        _ = try c.finish(counter: "2", as: .done)
        let kela = DayStats.compute(c.todaysTickets, by: .queue, waitTarget: 1800, hourOf: { _ in 10 })
            .first { $0.key == "kela" }!
        #expect(kela.served == 1 && kela.noshow == 0)
        // Called, served or cancelled: only a no-show comes back.
        #expect(throws: CentreError.wrongState(number: "K001", state: .done)) {
            try c.call(counter: "1", ticket: "K001")
        }
    }

    @Test func numbersWrapAfter999SkippingOpenOnes() throws {
        let (c, _) = makeCentre()
        var last = ""
        for _ in 0..<999 { last = try c.issue(queue: "lab").ticket.number }
        #expect(last == "L999")
        #expect(throws: CentreError.queueFull("lab")) { try c.issue(queue: "lab") }
        _ = try c.cancel("L002")
        _ = try c.cancel("L005")
        #expect(try c.issue(queue: "lab").ticket.number == "L002")
        #expect(try c.issue(queue: "lab").ticket.number == "L005")
        #expect(throws: CentreError.queueFull("lab")) { try c.issue(queue: "lab") }
        // The number now means the most recent ticket with it.
        #expect(c.lookup("L002")?.state == .waiting)
    }

    @Test func midnightExpiresOpenTicketsAndRestartsNumbering() throws {
        let (c, clock) = makeCentre()
        _ = try c.issue(queue: "kela")
        _ = try c.issue(queue: "kela")
        _ = try c.call(counter: "1")
        let yesterday = c.today.date
        clock.time = c.today.end  // the first moment of the next service day
        _ = c.takeChanges()
        #expect(c.rollDayIfNeeded())
        let expired = c.takeChanges().compactMap { if case .ticket(let t) = $0 { t } else { nil } }
        #expect(Set(expired.map(\.number)) == ["K001", "K002"])
        #expect(expired.allSatisfy { $0.state == .expired && $0.day == yesterday })
        #expect(c.today.date == "2026-11-24")
        #expect(c.currentTicket(of: "1") == nil)
        #expect(try c.issue(queue: "kela").ticket.number == "K001")
        #expect(c.figures("kela")?.waiting == 1)
    }

    @Test func snapshotAcrossMidnightExpiresOnceAndContinuesDuringTheDay() throws {
        let (c, clock) = makeCentre()
        _ = try c.issue(queue: "kela")
        _ = try c.issue(queue: "kela")
        _ = try c.call(counter: "1")
        // Restart during the day: numbering continues, the call is still there.
        let same = Centre(config: c.config, clock: clock, snapshot: c.snapshot())
        #expect(!same.hasChanges)
        #expect(same.currentTicket(of: "1")?.number == "K001")
        #expect(try same.issue(queue: "kela").ticket.number == "K003")
        #expect(try same.view("K002").position == 1)
        // Down over midnight: open tickets of yesterday expire at start.
        clock.advance(seconds: 86_400)
        let next = Centre(config: c.config, clock: clock, snapshot: same.snapshot())
        let expired = next.takeChanges().compactMap { if case .ticket(let t) = $0 { t.number } else { nil } }
        #expect(Set(expired) == ["K001", "K002", "K003"])
        #expect(try next.issue(queue: "kela").ticket.number == "K001")
    }

    @Test func removedQueueServesItsTicketsButIssuesNone() throws {
        let (c, _) = makeCentre()
        _ = try c.issue(queue: "lab")
        var config = c.config
        config.queues.removeAll { $0.id == "lab" }
        config.counters.removeAll { $0.id == "9" }
        config.counters[0].queues = ["kela"]
        let next = Centre(config: config, clock: c.clock, snapshot: c.snapshot())
        #expect(next.isRemoved("lab"))
        #expect(throws: CentreError.unknownQueue("lab")) { try next.issue(queue: "lab") }
        _ = try next.serve(counter: "1", queues: ["kela", "lab"])
        #expect(try next.call(counter: "1").ticket?.number == "L001")
    }

    @Test func aCalledTicketEndsWhenItsCounterIsRemoved() throws {
        let (c, clock) = makeCentre()
        _ = try c.issue(queue: "kela")
        _ = try c.issue(queue: "kela")
        _ = try c.call(counter: "1")
        _ = try c.call(counter: "2")
        clock.advance(seconds: 60)
        var config = c.config
        config.counters.removeAll { $0.id == "2" }
        let next = Centre(config: config, clock: clock, snapshot: c.snapshot())
        let ended = try #require(next.endedAtRemovedCounters.first)
        #expect(next.endedAtRemovedCounters.count == 1)
        #expect(ended.number == "K002" && ended.state == .done && ended.finishedAt == clock.now())
        #expect(next.lookup("K002")?.state == .done)
        #expect(next.takeChanges().contains(.ticket(ended)))
        // The counter still configured keeps its ticket.
        #expect(next.currentTicket(of: "1")?.number == "K001")
        #expect(next.lookup("K001")?.state == .called)
    }
}

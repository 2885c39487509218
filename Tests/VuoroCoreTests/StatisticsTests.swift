// A day's statistics from its tickets, with a manual clock: counts, waits, service times, target, estimates.
import Testing
import VuoroCore

@Suite struct StatisticsTests {
    @Test func figuresPerQueueCounterAndHour() throws {
        let (c, clock) = makeCentre()
        // kela: K001 waits 60 s, served 120 s at counter 1; K002 waits 2000 s, a no-show at counter 2; K003 cancelled.
        let k1 = try c.issue(queue: "kela")
        #expect(k1.wait == 160)
        _ = try c.issue(queue: "kela")
        _ = try c.issue(queue: "kela")
        clock.advance(seconds: 60)
        _ = try c.call(counter: "1")
        clock.advance(seconds: 120)
        _ = try c.finish(counter: "1", as: .done)
        _ = try c.cancel("K003")
        clock.advance(seconds: 1820)
        _ = try c.call(counter: "2")
        _ = try c.finish(counter: "2", as: .noshow)
        // lab: L001 issued, called at counter 9 and sent to health.
        _ = try c.issue(queue: "lab")
        _ = try c.call(counter: "9")
        _ = try c.transfer(counter: "9", to: "health", front: false)

        let byQueue = DayStats.compute(
            c.todaysTickets, by: .queue, waitTarget: 1800, hourOf: { c.calendar.civil($0).hour })
        #expect(byQueue.map(\.key) == ["health", "kela", "lab"])
        let kela = byQueue[1]
        #expect(kela.issued == 3 && kela.served == 1 && kela.noshow == 1 && kela.cancelled == 1)
        #expect(kela.waitMean == 1030)  // (60 + 2000) / 2
        #expect(kela.waitMedian == 60 && kela.waitP90 == 2000)
        #expect(kela.serviceMean == 120 && kela.serviceP90 == 120)
        #expect(kela.overTarget == 1)
        // Estimates at ISSUE were 160 and 320 s; the real waits 60 and 2000 s.
        #expect(kela.estimateError == (100 + 1680) / 2)
        // L001 counts as issued by lab, whose number it carries, and as transferred into health, where it waits.
        let health = byQueue[0]
        #expect(health.issued == 0 && health.transferredIn == 1 && health.transferredOut == 0 && health.served == 0)
        let lab = byQueue[2]
        #expect(lab.issued == 1 && lab.transferredIn == 0 && lab.transferredOut == 1 && lab.served == 0)
        #expect(lab.waitMean == 0)

        let byCounter = DayStats.compute(
            c.todaysTickets, by: .counter, waitTarget: 1800, hourOf: { c.calendar.civil($0).hour })
        #expect(byCounter.map(\.key) == ["1", "2", "9"])
        #expect(byCounter[0].served == 1 && byCounter[1].noshow == 1)
        let byHour = DayStats.compute(
            c.todaysTickets, by: .hour, waitTarget: 1800, hourOf: { c.calendar.civil($0).hour })
        #expect(byHour.map(\.key) == ["10"])
        #expect(byHour[0].issued == 4)
        // Stored in the order of `fields`, read back the same.
        #expect(DayStats(key: "kela", values: kela.fields.map(\.1)) == kela)
    }
}

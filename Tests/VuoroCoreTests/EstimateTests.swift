// Wait estimates, pauses, opening hours and holidays.
import Testing
import VuoroCore

@Suite struct EstimateTests {
    @Test func estimateIsPositionTimesMeanOverOpenCounters() throws {
        let (c, clock) = makeCentre()
        // kela: 480 s configured, 3 counters serve it (1, 2, 3).
        #expect(try c.issue(queue: "kela").wait == 160)
        #expect(try c.issue(queue: "kela").wait == 320)
        _ = try c.pause(counter: "3")
        #expect(try c.view("K002").wait == 480)  // 2 × 480 / 2
        // A call reopens a paused counter.
        _ = try c.call(counter: "3")
        clock.advance(seconds: 300)
        _ = try c.finish(counter: "3", as: .done)
        // One service of 300 s and the configured 480 s in place of the four missing: a mean of 444 s. K002 at
        // position 1, 3 counters.
        #expect(try c.view("K002").wait == 148)
        // Serving other queues takes the counter out of kela's count at once, and back in.
        #expect(c.figures("kela")?.counters == 3)
        _ = try c.serve(counter: "3", queues: ["lab"])
        #expect(c.figures("kela")?.counters == 2)
        #expect(try c.view("K002").wait == 222)
        _ = try c.serve(counter: "3", queues: ["lab", "kela"])
        #expect(c.figures("kela")?.counters == 3)
    }

    @Test func meanUsesTheLastTwentyServices() throws {
        let (c, clock) = makeCentre()
        for i in 0..<25 {
            _ = try c.issue(queue: "lab")
            _ = try c.call(counter: "9")
            clock.advance(seconds: i < 5 ? 1000 : 100)
            _ = try c.finish(counter: "9", as: .done)
        }
        #expect(c.figures("lab")?.wait == 100)
    }

    @Test func theConfiguredTimeFillsInUntilFiveServices() throws {
        let (c, clock) = makeCentre()
        // lab: 240 s configured, one counter (9). Services of 0 s, then 60 s.
        var waits: [Int?] = []
        for seconds in [0, 60, 60, 60, 60, 60] {
            _ = try c.issue(queue: "lab")
            _ = try c.call(counter: "9")
            clock.advance(seconds: Double(seconds))
            _ = try c.finish(counter: "9", as: .done)
            waits.append(c.figures("lab")?.wait)
        }
        // (4 × 240 + 0) / 5, (3 × 240 + 60) / 5, ... then the mean of the services alone.
        #expect(waits == [192, 156, 120, 84, 48, 50])
    }

    @Test func openingTimeIsRightOnTheDaysTheClocksChange() throws {
        let hours = try OpeningHours.parse(weekly: [("mon-sun", "08:00-16:00")])
        // Helsinki: on 2026-03-29 the clocks go from 03:00 to 04:00, on 2026-10-25 from 04:00 back to 03:00.
        for (now, expected) in [
            (Millis(1_774_753_200_000), "2026-03-29T08:00:00+03:00"),  // 2026-03-29 06:00 local (03:00 UTC)
            (Millis(1_774_706_400_000), "2026-03-29T08:00:00+03:00"),  // 2026-03-28 16:00 local, after closing
            (Millis(1_792_900_800_000), "2026-10-25T08:00:00+02:00"),  // 2026-10-25 06:00 local (04:00 UTC)
            (Millis(1_792_846_800_000), "2026-10-25T08:00:00+02:00"),  // 2026-10-24 16:00 local, after closing
        ] {
            let (c, _) = makeCentre(testConfig(hours: hours), at: now)
            #expect(!c.isOpen("kela"))
            #expect(c.opensAt("kela", after: now).map { c.calendar.timestamp($0) } == expected)
        }
    }

    /// The signs say when a queue opens only within a week; a longer closure (the holidays) says just closed.
    @Test func theSignsNameAnOpeningWithinAWeekOnly() throws {
        let hours = try OpeningHours.parse(weekly: [("mon-fri", "08:00-16:00")])
        var config = testConfig(hours: hours)
        config.holidays = Set((23...30).map { "2026-11-\($0)" })
        let (c, clock) = makeCentre(config)  // Monday 2026-11-23 10:00, a holiday
        #expect(c.opensAt("kela", after: clock.now()).map { c.calendar.timestamp($0) } == "2026-12-01T08:00:00+02:00")
        #expect(c.opening("kela").open == false && c.opening("kela").opensAt == nil)
        config.holidays = ["2026-11-23"]
        let (d, _) = makeCentre(config)
        #expect(d.opening("kela").opensAt.map { d.calendar.timestamp($0) } == "2026-11-24T08:00:00+02:00")
        #expect(d.figures("kela")?.opensAt == d.opening("kela").opensAt)
    }

    @Test func noCountersStillDividesByOne() throws {
        var config = testConfig()
        config.counters = []
        let (c, _) = makeCentre(config)
        #expect(try c.issue(queue: "lab").wait == 240)
    }

    @Test func openingHoursCloseTheQueueAndSayWhenItOpens() throws {
        let hours = try OpeningHours.parse(weekly: [("mon-fri", "08:00-12:00,13:00-16:00"), ("sat", "10:00-14:00")])
        let (c, clock) = makeCentre(testConfig(hours: hours))
        #expect(try c.issue(queue: "kela").ticket.number == "K001")
        clock.advance(seconds: 2.5 * 3600)  // 12:30
        let result = Result { () throws(CentreError) in try c.issue(queue: "kela") }
        guard case .failure(let error) = result, case .queueClosed(let q, let opensAt) = error else {
            Issue.record("issued while closed: \(result)")
            return
        }
        #expect(q == "kela")
        #expect(opensAt.map { c.calendar.timestamp($0) } == "2026-11-23T13:00:00+02:00")
        #expect(c.figures("kela")?.open == false)
        // The figures the signs show say when, too; an open queue has none, nor one closed by hand.
        #expect(c.figures("kela")?.opensAt.map { c.calendar.timestamp($0) } == "2026-11-23T13:00:00+02:00")
        #expect(c.figures("lab")?.opensAt == nil)
        _ = try c.setClosed("lab", true)
        #expect(c.figures("lab")?.open == false && c.figures("lab")?.opensAt == nil)
        // Waiting tickets are still served while closed.
        #expect(try c.call(counter: "1").ticket?.number == "K001")
        clock.advance(seconds: 4 * 3600)  // 16:30 Monday: opens Tuesday 08:00
        #expect(
            throws: CentreError.queueClosed(
                "kela", opensAt: c.calendar.instant(daysAfter: 1, of: clock.now(), minute: 480))
        ) {
            try c.issue(queue: "kela")
        }
    }

    @Test func closeAndOpenByHandAndHolidays() throws {
        var config = testConfig()
        config.holidays = ["2026-12-24"]
        let (c, clock) = makeCentre(config)
        #expect(try c.setClosed("kela", true) == false)
        #expect(throws: CentreError.queueClosed("kela", opensAt: nil)) { try c.issue(queue: "kela") }
        #expect(try c.setClosed("kela", false) == true)
        clock.time = 1_798_104_000_000  // 2026-12-24 10:00 Helsinki
        #expect(!c.isOpen("kela"))
        #expect(c.opensAt("kela", after: clock.now()).map { c.calendar.timestamp($0) } == "2026-12-25T00:00:00+02:00")
    }

    /// Exceptional hours of single dates: the whole centre closes at 14:00 on Wednesday 2026-11-25, the lab opens
    /// on Saturday 2026-11-28 though its week has no Saturday, and Thursday 2026-11-26 is closed for kela alone.
    @Test func specialHoursReplaceTheWeeklyOnesForTheirDate() throws {
        let hours = try OpeningHours.parse(weekly: [("mon-fri", "08:00-18:00")])
        var config = testConfig(hours: hours)
        config.specialHours = ["2026-11-25": try OpeningHours.parsePeriods("08:00-14:00")]
        config.queues[0].specialHours = ["2026-11-26": []]
        config.queues[2].hours = hours
        config.queues[2].specialHours = ["2026-11-28": try OpeningHours.parsePeriods("10:00-13:00")]
        let (c, clock) = makeCentre(config)
        let wednesday13 = monday10 + 2 * 86_400_000 + 3 * 3_600_000
        #expect(c.isOpen("kela", at: wednesday13) && c.isOpen("lab", at: wednesday13))
        // 14:30 Wednesday: closed, though the week says 18:00; a queue without hours too.
        clock.time = wednesday13 + 90 * 60_000
        #expect(!c.isOpen("kela") && !c.isOpen("lab") && !c.isOpen("health"))
        let stamp = { (q: String) in c.opensAt(q, after: clock.now()).map { c.calendar.timestamp($0) } }
        #expect(stamp("health") == "2026-11-26T00:00:00+02:00")
        // Thursday is closed for kela alone: it opens Friday.
        #expect(stamp("kela") == "2026-11-27T08:00:00+02:00")
        #expect(stamp("lab") == "2026-11-26T08:00:00+02:00")
        // Friday 19:00: the lab's next opening is its special Saturday, kela's Monday.
        clock.time = monday10 + 4 * 86_400_000 + 9 * 3_600_000
        #expect(stamp("lab") == "2026-11-28T10:00:00+02:00")
        #expect(stamp("kela") == "2026-11-30T08:00:00+02:00")
        // A queue whose week has no hours at all opens on its special dates only, and after them never.
        config.queues[2].hours = try OpeningHours.parse(weekly: [])
        let (d, _) = makeCentre(config, at: clock.time)
        #expect(d.opensAt("lab", after: clock.time).map { d.calendar.timestamp($0) } == "2026-11-28T10:00:00+02:00")
        #expect(d.opensAt("lab", after: clock.time + 2 * 86_400_000) == nil)
    }

    @Test func hoursNotation() throws {
        #expect(try OpeningHours.parse(everyDay: "08:00-18:00").description == "08:00-18:00")
        let w = try OpeningHours.parse(weekly: [("mon-fri", "08:00-18:00"), ("sat", "10:00-14:00")])
        #expect(w.description == "mon-fri=08:00-18:00 sat=10:00-14:00")
        #expect(throws: HoursError.self) { try OpeningHours.parse(everyDay: "18:00-08:00") }
        #expect(throws: HoursError.self) { try OpeningHours.parse(everyDay: "8-18") }
        #expect(throws: HoursError.self) { try OpeningHours.parse(weekly: [("mon-funday", "08:00-18:00")]) }
        #expect(throws: HoursError.self) {
            try OpeningHours.parse(weekly: [("mon-fri", "08:00-18:00"), ("fri", "09:00-10:00")])
        }
    }

    @Test func timestampsAndDaysInTheSiteTimeZone() {
        let cal = ServiceCalendar(timeZoneIdentifier: "Europe/Helsinki")!
        #expect(cal.timestamp(monday10) == "2026-11-23T10:00:00+02:00")
        let day = cal.day(containing: monday10)
        #expect(day.date == "2026-11-23")
        #expect(cal.timestamp(day.start) == "2026-11-23T00:00:00+02:00")
        #expect(cal.timestamp(day.end) == "2026-11-24T00:00:00+02:00")
        // Summer time.
        #expect(cal.timestamp(1_779_096_303_000) == "2026-05-18T12:25:03+03:00")
    }
}

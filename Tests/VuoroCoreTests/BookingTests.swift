// Booked visits beside walk-ins, with the manual clock: appointments in, check-in early, on time and late, the
// call at the due time ahead of a long walk-in queue, estimates that leave room for bookings, parking a visitor
// and sending one to a named counter.
import Testing
import VuoroCore

@Suite struct BookingTests {
    /// 10:00 plus minutes, on the test Monday.
    func at(_ minutes: Int) -> Millis { monday10 + Millis(minutes) * 60_000 }

    func book(_ c: Centre, _ ref: String, _ queue: String = "kela", minutes: Int, counter: String? = nil) throws
        -> Appointment
    {
        try c.book(Appointment(ref: ref, day: "", queue: queue, due: at(minutes), counter: counter)).0
    }

    func walkIns(_ c: Centre, _ clock: ManualClock, _ n: Int, _ queue: String = "kela") throws -> [String] {
        try (0..<n).map { _ in
            clock.advance(seconds: 1)
            return try c.issue(queue: queue).ticket.number
        }
    }

    @Test func appointmentsAreCheckedAndRefusedClearly() throws {
        let hours = try OpeningHours.parse(everyDay: "08:00-16:00")
        let (c, _) = makeCentre(testConfig(hours: hours))
        _ = c.takeChanges()
        let a = try book(c, "AB12", minutes: 30)
        #expect(a.day == "2026-11-23" && a.due == at(30))
        #expect(c.takeChanges() == [.appointment(a)])
        // The same booking sent again changes nothing; another one under its reference needs `move`.
        #expect(try c.book(a).changed == false)
        #expect(c.takeChanges().isEmpty)
        var later = a
        later.due = at(90)
        #expect(throws: CentreError.bookingExists("AB12")) { try c.book(later) }
        #expect(try c.book(later, move: true).0.due == at(90))
        #expect(throws: CentreError.unknownQueue("nope")) {
            try c.book(Appointment(ref: "X111", day: "", queue: "nope", due: at(30)))
        }
        #expect(throws: CentreError.unknownCounter("77")) {
            try c.book(Appointment(ref: "X111", day: "", queue: "kela", due: at(30), counter: "77"))
        }
        #expect(throws: CentreError.self) { try c.book(Appointment(ref: "X111", day: "", queue: "kela", due: at(-5))) }
        // 17:00 is after the queue's hours.
        #expect(throws: CentreError.self) { try c.book(Appointment(ref: "X111", day: "", queue: "kela", due: at(420))) }
        #expect(throws: CentreError.self) {
            try c.book(Appointment(ref: "X111", day: "", queue: "kela", due: at(30), minutes: 0))
        }
        _ = c.takeChanges()
        #expect(c.bookings(day: "2026-11-23").map(\.ref) == ["AB12"])
        #expect(try c.unbook("AB12").ref == "AB12")
        #expect(c.takeChanges() == [.appointmentGone("AB12")])
        #expect(throws: CentreError.unknownBooking("AB12")) { try c.unbook("AB12") }
        #expect(c.bookings(day: "2026-11-23").isEmpty)
    }

    @Test func aDueBookingGoesAheadOfALongWalkInQueue() throws {
        let (c, clock) = makeCentre()
        _ = try book(c, "AB12", minutes: 30)
        let walkIns = try walkIns(c, clock, 20)
        clock.time = at(20)
        let checked = try c.checkIn("AB12")
        #expect(checked.arrival == .onTime && checked.ticket.due == at(30) && checked.ticket.number == "K021")
        #expect(checked.wait == 600, "ten minutes to its time")
        #expect(c.figures("kela")?.waiting == 21)
        // Before its time the walk-ins are called as before.
        #expect(try c.call(counter: "1").ticket?.number == walkIns[0])
        clock.time = at(30)
        #expect(try c.call(counter: "2").ticket?.number == "K021", "at its due time, ahead of 19 walk-ins")
        #expect(try c.call(counter: "1").ticket?.number == walkIns[1])
    }

    @Test func anEarlyCheckInIsNotCalledBeforeItsWindow() throws {
        let (c, clock) = makeCentre()
        _ = try book(c, "AB12", minutes: 60)
        let checked = try c.checkIn("AB12")
        #expect(checked.arrival == .early)
        #expect(try c.call(counter: "1").ticket == nil, "an idle counter does not take it 60 minutes early")
        clock.time = at(46)
        let walkIn = try walkIns(c, clock, 1)[0]
        #expect(try c.call(counter: "1").ticket?.number == walkIn, "within its window: after the walk-ins")
        #expect(try c.call(counter: "1").ticket?.number == checked.ticket.number, "and when none waits, early")
    }

    @Test func aLateCheckInBecomesAWalkInOrGoesToTheDesk() throws {
        let (c, clock) = makeCentre()
        _ = try book(c, "AB12", minutes: 5)
        _ = try book(c, "CD34", "health", minutes: 5)
        let walkIn = try walkIns(c, clock, 1)[0]
        clock.time = at(14)
        #expect(try c.checkIn("AB12").arrival == .onTime, "within the grace of ten minutes")
        _ = try book(c, "EF56", minutes: 15)
        clock.time = at(26)
        let late = try c.checkIn("EF56")
        #expect(late.arrival == .late && late.ticket.due == nil && late.ticket.booking == "EF56")
        #expect(late.position == 2, "behind the walk-in, as a walk-in")
        #expect(try c.call(counter: "1").ticket?.number == "K002", "the booking in its grace went first")
        #expect(try c.call(counter: "1").ticket?.number == walkIn)

        var config = testConfig()
        config.queues[1].bookingLate = .desk
        let d = Centre(config: config, clock: clock, snapshot: c.snapshot())
        _ = d.takeChanges()
        #expect(throws: CentreError.late(ref: "CD34", due: at(5))) { try d.checkIn("CD34") }
        #expect(d.takeChanges().isEmpty, "refused, nothing changed")
        // The information desk checks the visitor in anyway: due now, called next.
        let forced = try d.checkIn("CD34", force: true)
        #expect(forced.ticket.due == clock.now())
        #expect(try d.call(counter: "3").ticket?.number == forced.ticket.number)
        // A check-in again answers the same ticket.
        #expect(try d.checkIn("CD34").again)
        #expect(throws: CentreError.unknownBooking("ZZ99")) { try d.checkIn("ZZ99") }
    }

    @Test func aBookingForAnotherDayIsRefusedAtTheKiosk() throws {
        let (c, _) = makeCentre()
        _ = try book(c, "AB12", minutes: 24 * 60)
        #expect(throws: CentreError.wrongDay(ref: "AB12", day: "2026-11-24")) { try c.checkIn("AB12") }
    }

    @Test func walkInEstimatesLeaveRoomForBookedSlots() throws {
        let (c, clock) = makeCentre()
        _ = try walkIns(c, clock, 4)
        let without = c.figures("kela")!.wait
        // Two counters serve kela; five bookings of 20 minutes fall within the next hour.
        for i in 0..<5 {
            _ = try c.book(Appointment(ref: "B00\(i)", day: "", queue: "kela", due: at(5 + 10 * i), minutes: 20))
        }
        let with = c.figures("kela")!.wait
        // Five walk-in services over three counters, 800 s; the slots due within the wait lengthen it, and
        // those within the longer wait again, until three slots (10:05, 10:15, 10:25) fall within 2000 s.
        #expect(without == 800 && with == 2000, "\(with) against \(without)")
        // Bookings of another queue do not count.
        #expect(c.figures("lab")!.wait == 240)
    }

    @Test func aParkedVisitorIsListedAndCalledBack() throws {
        let (c, clock) = makeCentre()
        let t = try walkIns(c, clock, 3)
        _ = try c.call(counter: "1")
        let parked = try c.park(counter: "1")
        #expect(parked.state == .parked && c.currentTicket(of: "1") == nil)
        #expect(c.parked(at: "1").map(\.number) == [t[0]])
        #expect(try c.call(counter: "1").ticket?.number == t[1])
        clock.advance(seconds: 300)
        let back = try c.call(counter: "1", ticket: t[0])
        #expect(back.ticket?.state == .called && back.ticket?.calls == 2 && back.finished?.number == t[1])
        #expect(c.parked(at: "1").isEmpty)
        // Its wait ended at its first call: the time parked is service time, not waiting.
        #expect(back.waited == 2)
        #expect(throws: CentreError.noCurrentTicket("2")) { try c.park(counter: "2") }
    }

    @Test func aVisitorSentToACounterIsCalledThereFirst() throws {
        let (c, clock) = makeCentre()
        _ = try walkIns(c, clock, 1)
        let lab = try walkIns(c, clock, 2, "lab")
        _ = try c.call(counter: "3")
        let sent = try c.transfer(counter: "3", toCounter: "9")
        #expect(sent.ticket.forCounter == "9" && sent.ticket.queue == "lab" && sent.position == 1)
        #expect(c.figures("lab")?.waiting == 3)
        #expect(try c.call(counter: "9").ticket?.number == "K001", "ahead of the lab's walk-ins")
        #expect(try c.call(counter: "9").ticket?.number == lab[0])
        #expect(throws: CentreError.badArgument("the visitor is at counter 9 already")) {
            try c.transfer(counter: "9", toCounter: "9")
        }
        #expect(throws: CentreError.unknownCounter("77")) { try c.transfer(counter: "9", toCounter: "77") }
    }

    @Test func aBookingForARoomIsCalledOnlyThere() throws {
        let (c, clock) = makeCentre()
        _ = try book(c, "AB12", minutes: 5, counter: "2")
        _ = try c.checkIn("AB12")
        clock.time = at(5)
        let walkIn = try walkIns(c, clock, 1)[0]
        #expect(try c.call(counter: "1").ticket?.number == walkIn, "counter 1 does not take counter 2's booking")
        #expect(try c.call(counter: "2").ticket?.number == "K001")
    }

    @Test func parkedTicketsAndBookingsOutliveARestart() throws {
        let (c, clock) = makeCentre()
        _ = try walkIns(c, clock, 2)
        _ = try book(c, "AB12", minutes: 30)
        _ = try c.checkIn("AB12")
        _ = try c.call(counter: "1")
        _ = try c.park(counter: "1")
        _ = try c.call(counter: "2")
        _ = try c.transfer(counter: "2", toCounter: "3")
        let again = Centre(config: testConfig(), clock: clock, snapshot: c.snapshot())
        #expect(again.parked(at: "1").map(\.number) == ["K001"])
        #expect(again.figures("kela")?.waiting == 2, "the booking and the one sent to counter 3")
        #expect(try again.call(counter: "3").ticket?.number == "K002")
        clock.time = at(30)
        #expect(try again.call(counter: "2").ticket?.number == "K003")
        #expect(try again.call(counter: "1", ticket: "K001").ticket?.state == .called)
        #expect(again.appointment("AB12")?.ticket != nil)
    }

    @Test func statisticsSeparateBookedAndWalkInVisits() throws {
        let (c, clock) = makeCentre()
        _ = try book(c, "AB12", minutes: 10)
        _ = try book(c, "CD34", minutes: 20)
        _ = try walkIns(c, clock, 1)
        clock.time = at(5)
        _ = try c.checkIn("AB12")
        clock.time = at(12)
        #expect(try c.call(counter: "1").ticket?.number == "K002")
        _ = try c.call(counter: "2")
        let s = DayStats.compute(
            c.todaysTickets, appointments: c.bookings(day: c.today.date), by: .queue, waitTarget: 1800,
            hourOf: { _ in 10 })
        let kela = try #require(s.first)
        #expect(kela.booked == 1 && kela.bookedNoshow == 1, "CD34 was never checked in")
        #expect(kela.bookedWaitMean == 420 && kela.bookedDelayMean == 120)
        #expect(kela.walkinWaitMean == 719)
    }
}

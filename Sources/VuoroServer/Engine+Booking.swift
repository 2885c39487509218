// The booking verbs answered: appointments in and out, check-in, park, and sending a visitor to a counter.
import VuoroCore
import VuoroProtocol

extension Engine {
    /// Answers `BOOK`, `UNBOOK`, `BOOKINGS`, `CHECKIN`, `PARK` and `TRANSFER c counter=`; `who` names the asker
    /// in the log.
    func bookingAnswer(_ r: Request, by who: String) throws(CentreError) -> Reply {
        let stamp = centre.calendar.timestamp
        switch r {
        case .book(let b):
            guard let due = DueTime(b.due),
                let at = centre.calendar.instant(
                    date: due.date, hour: due.hour, minute: due.minute, second: due.second, offset: due.offset)
            else { throw .badArgument("due \(b.due) is not a time of the site's calendar") }
            let (a, changed) = try centre.book(
                Appointment(ref: b.ref, day: "", queue: b.queue, due: at, counter: b.counter, minutes: b.minutes),
                move: b.move)
            if changed {
                audit(
                    .info, "booking \(a.ref) for \(a.queue) at \(stamp(a.due)) kept, from \(who)",
                    ["booking": "\(a.ref)", "queue": "\(a.queue)"])
            }
            var info = bookingInfo(a)
            info.again = !changed
            return .booked(info)
        case .unbook(let ref):
            let a = try centre.unbook(ref)
            audit(.info, "booking \(ref) cancelled by \(who)", ["booking": "\(ref)", "queue": "\(a.queue)"])
            return .unbooked(ref: ref)
        case .bookings(let queue, let date):
            if let queue, centre.queueConfig(queue) == nil { throw .unknownQueue(queue) }
            let day = date ?? centre.today.date
            if day >= centre.today.date { return .bookings(centre.bookings(queue: queue, day: day).map(bookingInfo)) }
            do {
                let kept = try store.appointments(day: day).filter { queue == nil || $0.queue == queue }
                    .sorted { ($0.due, $0.ref) < ($1.due, $1.ref) }
                let tickets = Dictionary(try store.tickets(day: day).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
                return .bookings(kept.map { bookingInfo($0, ticket: $0.ticket.flatMap { tickets[$0] }) })
            } catch {
                return .error(ProtocolError(.unavailable, "bookings cannot be read: \(error)"))
            }
        case .checkIn(let ref, let lang, let id, let force):
            let c = try centre.checkIn(ref, lang: lang, request: id, force: force)
            let t = c.ticket
            if !c.again {
                batch.metrics.issued.append(t.queue)
                audit(
                    .info, "booking \(ref) checked in as \(t.number) (\(c.arrival.rawValue)\(force ? ", forced" : "")) by \(who)",
                    ["booking": "\(ref)", "ticket": "\(t.number)", "queue": "\(t.queue)"])
            }
            let from = c.arrival == .early ? t.due.map { $0 - centre.earlyWindow(t.queue) } : nil
            return .checkedIn(
                CheckInInfo(
                    number: t.number, queue: t.queue, position: c.position, wait: c.wait,
                    arrival: c.arrival.rawValue, booked: t.due.map(stamp), from: from.map(stamp),
                    counter: t.forCounter, again: c.again))
        case .park(let counter):
            let t = try centre.park(counter: counter)
            publisher.publish(.parked(ticket: t.number, queue: t.queue, counter: counter))
            audit(.info, "\(t.number) parked at counter \(counter)", ["ticket": "\(t.number)", "counter": "\(counter)"])
            return .parked(ticket: t.number, counter: counter)
        case .transferToCounter(let counter, let to):
            let from = centre.currentTicket(of: counter)?.queue
            let i = try centre.transfer(counter: counter, toCounter: to)
            let t = i.ticket
            publisher.publish(.transferred(ticket: t.number, queue: t.queue, from: from ?? "-", counter: counter, to: to))
            audit(
                .info, "\(t.number) sent from counter \(counter) to counter \(to)",
                ["ticket": "\(t.number)", "queue": "\(t.queue)", "counter": "\(counter)"])
            return .transferred(ticket: t.number, queue: t.queue, position: i.position, to: to)
        default:
            preconditionFailure("\(r.command) is not a booking verb")
        }
    }

    /// An appointment as `BOOK` and `BOOKINGS` give it: `booked`, or its ticket's state once checked in.
    func bookingInfo(_ a: Appointment) -> BookingInfo {
        bookingInfo(a, ticket: a.ticket.flatMap { centre.anyTicket(id: $0) })
    }

    func bookingInfo(_ a: Appointment, ticket t: Ticket?) -> BookingInfo {
        BookingInfo(
            ref: a.ref, queue: a.queue, due: centre.calendar.timestamp(a.due), counter: a.counter, minutes: a.minutes,
            state: t?.state.rawValue ?? "booked", ticket: t?.number)
    }
}

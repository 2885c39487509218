// Replies and events as values: each formats to its line and parses back to itself, and lines a client may meet
// (unknown fields at the end, unknown kinds, missing fields) are read or refused as protocol.md says.
import Testing
import VuoroProtocol

@Suite struct ReplyEventTests {
    static let replies: [(Request, Reply)] = [
        (.ping, .pong),
        (.issue(queue: "kela", priority: 0, lang: nil), .issued(IssuedTicket(number: "K001", queue: "kela", position: 1, wait: 160))),
        (.issue(queue: "kela", priority: 0, lang: nil),
         .issued(IssuedTicket(number: "K001", queue: "kela", position: 0, wait: 0, state: "called", again: true))),
        (.ticket("K001"), .ticket(TicketInfo(number: "K001", state: "waiting", queue: "kela", position: 2, wait: 320, priority: 2))),
        (.ticket("K001"), .ticket(TicketInfo(number: "K001", state: "called", queue: "kela", counter: "3"))),
        (.cancel("K002"), .ended(ticket: "K002", state: "cancelled")),
        (.call(counter: "3", ticket: nil), .called(nil)),
        (.call(counter: "3", ticket: nil), .called(Reply.Call(ticket: "K004", queue: "kela", counter: "3", waited: 312))),
        (.recall(counter: "3"), .recalled(ticket: "K004", queue: "kela", counter: "3", calls: 2)),
        (.transfer(counter: "3", queue: "lab", front: false), .transferred(ticket: "K004", queue: "lab", position: 1, to: nil)),
        (.transferToCounter(counter: "3", to: "6"), .transferred(ticket: "K004", queue: "lab", position: 2, to: "6")),
        (.park(counter: "3"), .parked(ticket: "K004", counter: "3")),
        (.book(Request.Booking(ref: "AB12", queue: "kela", due: "2026-12-04T10:30")),
         .booked(BookingInfo(ref: "AB12", queue: "kela", due: "2026-12-04T10:30:00+02:00", counter: "3", minutes: 20))),
        (.book(Request.Booking(ref: "AB12", queue: "kela", due: "2026-12-04T10:30")),
         .booked(BookingInfo(ref: "AB12", queue: "kela", due: "2026-12-04T10:30:00+02:00", again: true))),
        (.unbook("AB12"), .unbooked(ref: "AB12")),
        (.bookings(queue: nil, date: nil), .bookings([
            BookingInfo(ref: "AB12", queue: "kela", due: "2026-12-04T10:30:00+02:00"),
            BookingInfo(ref: "CD34", queue: "lab", due: "2026-12-04T10:45:00+02:00", counter: "6", state: "waiting", ticket: "L004"),
        ])),
        (.checkIn(ref: "AB12", lang: nil, id: nil, force: false), .checkedIn(CheckInInfo(
            number: "K005", queue: "kela", position: 1, wait: 600, arrival: "early", booked: "2026-12-04T10:30:00+02:00",
            from: "2026-12-04T10:15:00+02:00", counter: "3"))),
        (.checkIn(ref: "AB12", lang: nil, id: nil, force: false), .checkedIn(CheckInInfo(
            number: "K006", queue: "kela", position: 4, wait: 900, arrival: "late", again: true))),
        (.serve(counter: "3", queues: []), .serving(counter: "3", queues: ["kela", "health"])),
        (.pause(counter: "3"), .paused(counter: "3")),
        (.queues(lang: nil), .queues([
            QueueInfo(id: "kela", prefix: "K", open: true, name: "Kela"),
            QueueInfo(id: "lab", prefix: "L", open: false, name: "Laboratory \"L\"", opens: "2026-11-24T08:00:00+02:00",
                      hours: "mon-fri=08:00-16:00", removed: true),
        ])),
        (.status, .status([QueueFigures(id: "kela", open: true, waiting: 5, wait: 900, counters: 2, longest: 1260)])),
        (.counters(lang: nil), .counters([
            CounterInfo(id: "3", paused: false, ticket: "K004", queues: ["kela", "health"]),
            CounterInfo(id: "214", paused: true, ticket: nil, queues: ["health"], name: "huone 214", parked: ["H002", "H007"]),
        ])),
        (.called(10), .calls([CallInfo(ticket: "K004", queue: "kela", counter: "3", at: "2026-05-18T10:25:03+03:00", calls: 1)])),
        (.watch, .watching), (.open("kela"), .queueOpen(queue: "kela", open: true)), (.quit, .bye),
        (.auth("x"), .role(.counter)),
        (.site, .site(SiteInfo(name: "Iso Omena", timeZone: "Europe/Helsinki", languages: ["fi", "sv"], day: "2026-11-23"))),
        (.backup("a.db"), .backup(path: "/var/lib/vuoro/backups/a.db")),
        (.stats(date: nil, by: "queue"), .stats([StatsLine(key: "kela", figures: [("issued", 3), ("served", 2)])])),
        (.kiosk(name: "a", paper: "low"), .kiosk(name: "ovi-2", paper: "low")),
        (.kiosks, .kiosks([KioskInfo(name: "ovi-2", paper: "low", seen: "2026-11-23T10:00:30+02:00", ago: 45)])),
        (.ping, .error(ProtocolError(.unknownCommand, "no command 'FROB'"))),
    ]

    @Test func everyReplyRoundTrips() {
        for (request, reply) in Self.replies {
            #expect(Reply.parse(reply.lines(), for: request) == reply, "\(reply.lines())")
        }
    }

    @Test func everyEventRoundTrips() {
        let events: [Event] = [
            .called(ticket: "K004", queue: "kela", counter: "3"),
            .recalled(ticket: "K004", queue: "kela", counter: "3", calls: 2),
            .finished(ticket: "K004", state: "done", queue: "kela", counter: "3"),
            .finished(ticket: "K005", state: "cancelled", queue: "kela", counter: nil),
            .transferred(ticket: "K004", queue: "health", from: "kela", counter: "3"),
            .transferred(ticket: "K004", queue: "lab", from: "kela", counter: "3", to: "6"),
            .parked(ticket: "K004", queue: "kela", counter: "3"),
            .queue(QueueFigures(id: "kela", open: false, waiting: 4, wait: 720, counters: 2, opens: "2026-11-24T08:00:00+02:00")),
            .counter(id: "3", paused: true, queues: ["kela", "health"]), .day("2026-11-24"), .reloaded,
        ]
        for e in events { #expect(Event.parse(e.format()) == e, "\(e.format())") }
    }

    /// New fields may come at the end of a line: a client of this release reads on.
    @Test func unknownFieldsAreIgnoredAndMissingOnesRefused() {
        #expect(Event.parse("EVENT called K004 queue=kela counter=3 at=2026-11-23T10:00:00+02:00")
            == .called(ticket: "K004", queue: "kela", counter: "3"))
        #expect(Event.parse("EVENT called K004 queue=kela") == nil, "no counter")
        #expect(Event.parse("EVENT booked A12") == nil, "a kind this release does not know")
        #expect(Event.parse("OK PONG") == nil)
        #expect(Reply.parse(["OK K001 queue=kela position=1 wait=160 lane=x"], for: .issue(queue: "kela", priority: 0, lang: nil))
            == .issued(IssuedTicket(number: "K001", queue: "kela", position: 1, wait: 160)))
        #expect(Reply.parse(["OK 2", "kela open=1 waiting=0 wait=1 counters=1"], for: .status) == nil, "a line short")
        #expect(Reply.parse(["HTTP/1.1 400 Bad Request"], for: .status) == nil)
        #expect(Reply.parse(["ERR nonsense-code x"], for: .ping) == nil, "an error code that does not exist")
    }
}

// A ticket: a number handed to a visitor, and everything the centre needs to serve it. Never a name.

/// Where a ticket is in its life.
public enum TicketState: String, Sendable, CaseIterable {
    case waiting, called, done, noshow, cancelled, expired
    /// Put aside by its counter (`PARK`): the visitor fetches a document and is called back with `CALL c ticket=`.
    case parked

    /// Waiting, called or parked: the ticket still holds its number.
    public var isOpen: Bool { self == .waiting || self == .called || self == .parked }
}

/// One ticket. Times are instants in milliseconds; `rank` orders waiting tickets of one priority in their queue.
public struct Ticket: Equatable, Sendable {
    /// Unique for ever, increasing in issue order.
    public var id: Int64
    /// The service day it was issued on, `YYYY-MM-DD`.
    public var day: String
    /// The prefix of the issuing queue and three digits: `K004`.
    public var number: String
    /// The queue that issued it (its number belongs to that queue's sequence).
    public var origin: QueueID
    /// The three digits of the number.
    public var seq: Int
    /// The queue it is in now; changes on transfer.
    public var queue: QueueID
    public var priority: Int
    public var lang: String?
    public var state: TicketState
    public var issuedAt: Millis
    /// Since when it waits in its current queue: issue or last transfer.
    public var waitingSince: Millis
    /// Order among waiting tickets of its queue and priority: lower goes first.
    public var rank: Millis
    /// First call of the current service (nil while never called).
    public var calledAt: Millis?
    /// The latest call or recall, which orders `CALLED`.
    public var announcedAt: Millis?
    /// The counter that called it last.
    public var counter: CounterID?
    /// The queue it was in when called last.
    public var calledQueue: QueueID?
    /// Calls of the current service: 1 after `CALL`, +1 per `RECALL`.
    public var calls: Int
    public var finishedAt: Millis?
    public var transfers: Int
    /// The wait in seconds estimated when it was issued.
    public var estimate: Int
    /// The key the issuing client sent with `ISSUE` (`id=`), so that the request sent again after a lost reply
    /// gets this ticket rather than a second one. Opaque and random: never anything about the visitor.
    public var request: String?
    /// Times the visitor stepped back ("I need more time"), at most the centre's `maxStepsBack`.
    public var stepsBack: Int
    /// Orders waiting tickets of one rank: `id × 1024` at issue, so that a ticket stepping back fits between two
    /// that were issued in the same millisecond.
    public var place: Int64
    /// A booked visit's due time (set at check-in, cleared when it is sent on to another queue): called at it, ahead
    /// of walk-ins. nil for a walk-in.
    public var due: Millis?
    /// The booking's reference, for a ticket a check-in issued: it counts as a booked visit in the statistics.
    public var booking: String?
    /// The counter whose own line it waits in (`TRANSFER c counter=`, or a booking for a counter or room): called
    /// there before that counter's queues, and by no other counter.
    public var forCounter: CounterID?

    public init(
        id: Int64, day: String, number: String, origin: QueueID, seq: Int, queue: QueueID, priority: Int,
        lang: String?, state: TicketState, issuedAt: Millis, waitingSince: Millis, rank: Millis,
        calledAt: Millis? = nil, announcedAt: Millis? = nil, counter: CounterID? = nil, calledQueue: QueueID? = nil,
        calls: Int = 0, finishedAt: Millis? = nil, transfers: Int = 0, estimate: Int = 0,
        request: String? = nil, stepsBack: Int = 0, place: Int64? = nil, due: Millis? = nil, booking: String? = nil,
        forCounter: CounterID? = nil
    ) {
        self.due = due
        self.booking = booking
        self.forCounter = forCounter
        self.stepsBack = stepsBack
        self.place = place ?? id * Ticket.placeSpacing
        self.id = id
        self.day = day
        self.number = number
        self.origin = origin
        self.seq = seq
        self.queue = queue
        self.priority = priority
        self.lang = lang
        self.state = state
        self.issuedAt = issuedAt
        self.waitingSince = waitingSince
        self.rank = rank
        self.calledAt = calledAt
        self.announcedAt = announcedAt
        self.counter = counter
        self.calledQueue = calledQueue
        self.calls = calls
        self.finishedAt = finishedAt
        self.transfers = transfers
        self.estimate = estimate
        self.request = request
    }

    /// Room between two tickets' places for those that step back between them.
    public static let placeSpacing: Int64 = 1024

    public static func number(prefix: String, seq: Int) -> String {
        prefix + (seq < 10 ? "00" : seq < 100 ? "0" : "") + String(seq)
    }
}

/// A counter's state that outlives a restart.
public struct CounterRecord: Equatable, Sendable {
    public var id: CounterID
    public var queues: [QueueID]
    public var paused: Bool
    /// The ticket it serves now.
    public var current: Int64?
    /// Consecutive calls of priority tickets.
    public var streak: Int
    /// Set by `SERVE`: `queues` was chosen at run time and outlives restarts and reloads; otherwise the
    /// configuration's queues apply.
    public var explicit: Bool
    public init(id: CounterID, queues: [QueueID], paused: Bool, current: Int64?, streak: Int, explicit: Bool = false) {
        self.id = id
        self.queues = queues
        self.explicit = explicit
        self.paused = paused
        self.current = current
        self.streak = streak
    }
}

/// One change the store must commit before its request is acknowledged.
public enum Change: Equatable, Sendable {
    /// Insert or replace the ticket with this id.
    case ticket(Ticket)
    case counter(CounterRecord)
    /// A queue closed (or reopened) by `CLOSE`/`OPEN`.
    case queueClosed(QueueID, Bool)
    /// Insert or replace a kiosk's last report.
    case kiosk(KioskRecord)
    /// A kiosk forgotten.
    case kioskGone(String)
    /// Insert or replace an appointment.
    case appointment(Appointment)
    /// An appointment cancelled (`UNBOOK`): deleted.
    case appointmentGone(String)
    /// A queue's numbering and service times of the day.
    case queueDay(QueueDay)
}

/// What the store holds that the domain needs at start: the live tickets (waiting, called, parked; any day),
/// counters, closed queues, and the day's indexes (its ISSUE keys, latest calls, each queue's numbering and
/// service times). Finished tickets stay in the store.
public struct Snapshot: Equatable, Sendable {
    public var tickets: [Ticket]
    public var counters: [CounterRecord]
    public var closedQueues: Set<QueueID>
    /// The highest ticket id ever used (0 when none).
    public var maxTicketID: Int64
    public var kiosks: [KioskRecord]
    /// Appointments of today and later.
    public var appointments: [Appointment]
    public var queueDays: [QueueDay]
    /// The day's latest calls, newest first.
    public var recentCalls: [RecentCall]
    /// The day's `ISSUE` keys.
    public var requests: RequestIndex
    public init(
        tickets: [Ticket] = [], counters: [CounterRecord] = [], closedQueues: Set<QueueID> = [], maxTicketID: Int64 = 0,
        kiosks: [KioskRecord] = [], appointments: [Appointment] = [], queueDays: [QueueDay] = [],
        recentCalls: [RecentCall] = [], requests: RequestIndex = RequestIndex()
    ) {
        self.appointments = appointments
        self.queueDays = queueDays
        self.recentCalls = recentCalls
        self.requests = requests
        self.kiosks = kiosks
        self.tickets = tickets
        self.counters = counters
        self.closedQueues = closedQueues
        self.maxTicketID = maxTicketID
    }
}

// A booked visit as a booking system hands it over: an opaque reference, a queue and a due time. Never a name,
// an identity code, a phone number or an e-mail address.

/// One appointment.
public struct Appointment: Equatable, Sendable {
    /// The reference printed on the visitor's confirmation (upper case): what the kiosk is given at check-in.
    public var ref: String
    /// The service day of its due time, `YYYY-MM-DD`.
    public var day: String
    public var queue: QueueID
    public var due: Millis
    /// The counter or room it is booked to (a room is configured as a counter); nil: any counter of the queue.
    public var counter: CounterID?
    /// Its length in minutes; nil: the queue's service time.
    public var minutes: Int?
    /// The ticket its check-in issued; nil until checked in.
    public var ticket: Int64?
    public var checkedInAt: Millis?

    public init(
        ref: String, day: String, queue: QueueID, due: Millis, counter: CounterID? = nil, minutes: Int? = nil,
        ticket: Int64? = nil, checkedInAt: Millis? = nil
    ) {
        self.ref = ref
        self.day = day
        self.queue = queue
        self.due = due
        self.counter = counter
        self.minutes = minutes
        self.ticket = ticket
        self.checkedInAt = checkedInAt
    }

    /// Whether two appointments book the same visit (what a booking system sending it again would send).
    public func sameBooking(as b: Appointment) -> Bool {
        ref == b.ref && queue == b.queue && due == b.due && counter == b.counter && minutes == b.minutes
    }
}

/// How a check-in stood against its appointment's due time.
public enum Arrival: String, Equatable, Sendable {
    /// Before the early window: checked in, called no sooner than the window opens.
    case early
    /// Within the early window or the grace after the due time: called at the due time.
    case onTime = "on-time"
    /// After the grace: a walk-in number (or, by configuration, the information desk).
    case late
}

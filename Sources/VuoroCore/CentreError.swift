// Every way a request can be refused by the centre's rules; the server maps each to one protocol error code.

public enum CentreError: Error, Equatable, Sendable {
    case unknownQueue(String)
    case unknownCounter(String)
    case unknownTicket(String)
    /// The queue issues no tickets now; `opensAt` is its next opening, when known.
    case queueClosed(QueueID, opensAt: Millis?)
    /// Every number of the queue's day is waiting or called.
    case queueFull(QueueID)
    case noCurrentTicket(CounterID)
    /// The ticket is not in a state that allows this.
    case wrongState(number: String, state: TicketState)
    case badArgument(String)
    /// The ticket has stepped back as often as the centre allows.
    case stepLimit(number: String, times: Int)
    /// No appointment has this reference (today, for a check-in).
    case unknownBooking(String)
    /// `BOOK` of a reference already booked differently, without `move`.
    case bookingExists(String)
    /// A check-in after the grace where the queue sends late visitors to the information desk.
    case late(ref: String, due: Millis)
    /// A check-in on another day than the appointment's.
    case wrongDay(ref: String, day: String)
}

// The stable error codes of `ERR <code> <text>`, and the error value the server answers with.

/// A stable error code. Clients branch on these; the text after them is for people.
public enum ErrorCode: String, CaseIterable, Sendable {
    case unknownCommand = "unknown-command"
    case badArgument = "bad-argument"
    case unknownQueue = "unknown-queue"
    case unknownCounter = "unknown-counter"
    case unknownTicket = "unknown-ticket"
    case queueClosed = "queue-closed"
    case queueFull = "queue-full"
    case noCurrentTicket = "no-current-ticket"
    case wrongState = "wrong-state"
    case lineTooLong = "line-too-long"
    case unavailable = "unavailable"
    case shuttingDown = "shutting-down"
    case tooManyConnections = "too-many-connections"
    case authFailed = "auth-failed"
    case notAllowed = "not-allowed"
    case stepLimit = "step-limit"
    case unknownBooking = "unknown-booking"
    case bookingExists = "booking-exists"
    /// A check-in after the grace, where late visitors go to the information desk.
    case late = "late"
    case wrongDay = "wrong-day"
}

/// An `ERR` reply.
public struct ProtocolError: Error, Equatable, Sendable {
    public var code: ErrorCode
    public var text: String
    public init(_ code: ErrorCode, _ text: String) {
        self.code = code
        self.text = text
    }
    /// `ERR <code> <text>` without the line ending.
    public var line: String { "ERR \(code.rawValue) \(text)" }
}

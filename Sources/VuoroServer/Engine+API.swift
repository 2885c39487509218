// The booking API's requests applied on the engine's loop: the bearer token checked against the configured
// tokens, then the same rules as BOOK, UNBOOK and BOOKINGS, committed before the answer.
import VuoroCore
import VuoroHTTP
import VuoroProtocol

extension Engine {
    func answerAPI(_ call: Result<APICall, APIError>, bearer: String?, address: String, peer: String) -> HTTPAnswer {
        loop.preconditionInEventLoop()
        let challenge = [(name: "WWW-Authenticate", value: "Bearer realm=\"vuoro\"")]
        var who = "the booking API at \(peer)"
        if !options.access.isOpen {
            guard let bearer, let token = options.access.token(for: bearer) else {
                if bearer != nil, authThrottle.failed(address) {
                    logger.warning("booking API: a bearer token no token has, from \(peer)")
                }
                return APIRoutes.error(401, "unauthorized", "send Authorization: Bearer <a booking token>", headers: challenge)
            }
            authThrottle.succeeded(address)
            guard token.role == .booking || token.role == .admin else {
                return APIRoutes.error(403, "forbidden", "the API needs a token of the booking or admin role")
            }
            who = "a \(token.role) token at \(peer)"
        } else {
            authThrottle.succeeded(address)
        }
        let c: APICall
        switch call {
        case .failure(let e): return APIRoutes.error(e.status, e.code, e.message, field: e.field)
        case .success(let v): c = v
        }
        guard !storage.lost else { return APIRoutes.error(503, "unavailable", "the state cannot be read from storage") }
        do {
            switch c {
            case .list(let queue, let date):
                guard case .bookings(let list) = try bookingAnswer(.bookings(queue: queue, date: date), by: who) else {
                    return APIRoutes.error(503, "unavailable", "the appointments cannot be read")
                }
                return APIRoutes.json(
                    200,
                    .object([
                        ("date", .string(date ?? centre.today.date)), ("appointments", .array(list.map(Engine.json))),
                    ]))
            case .get(let ref):
                guard let a = centre.appointment(ref) else {
                    return APIRoutes.error(404, "unknown-booking", "no appointment \(ref) today or later")
                }
                return APIRoutes.json(200, Engine.json(bookingInfo(a)))
            case .put(let b):
                let before = centre.appointment(b.ref)
                if let before, before.ticket != nil {
                    return APIRoutes.error(409, "checked-in", "\(b.ref) is checked in already; it can no longer change")
                }
                guard case .booked(let info) = try bookingAnswer(.book(b), by: who) else {
                    return APIRoutes.error(503, "unavailable", "the appointment was not kept")
                }
                return committed(APIRoutes.json(before == nil ? 201 : 200, Engine.json(info)))
            case .delete(let ref):
                if let a = centre.appointment(ref), let id = a.ticket {
                    let number = centre.anyTicket(id: id)?.number ?? "a ticket"
                    return APIRoutes.error(
                        409, "checked-in", "\(ref) is checked in as \(number); its ticket is ended at the counter")
                }
                _ = try bookingAnswer(.unbook(ref), by: who)
                return committed(.response(HTTPResponse(status: 204, contentType: "application/json", body: [])))
            }
        } catch {
            let e = Engine.protocolError(error, calendar: centre.calendar)
            let status = e.code == .unknownBooking ? 404 : 400
            let field: String? =
                switch e.code {
                case .unknownQueue: "queue"
                case .unknownCounter: "counter"
                case .badArgument where e.text.contains("past") || e.text.contains("closed at") || e.text.contains("ahead"):
                    "due"
                case .badArgument where e.text.contains("minutes"): "minutes"
                default: nil
                }
            return APIRoutes.error(status, e.code.rawValue, e.text, field: field)
        }
    }

    /// Commits now: the answer says the change is on the disk, or 503 and nothing changed.
    private func committed(_ answer: HTTPAnswer) -> HTTPAnswer {
        flush()
        return storage.failing ? APIRoutes.error(503, "unavailable", "storage failed; nothing was changed") : answer
    }

    static func json(_ b: BookingInfo) -> JSON {
        var fields: [(String, JSON)] = [("ref", .string(b.ref)), ("queue", .string(b.queue)), ("due", .string(b.due))]
        if let c = b.counter { fields.append(("counter", .string(c))) }
        if let m = b.minutes { fields.append(("minutes", .number(m))) }
        fields.append(("state", .string(b.state)))
        if let t = b.ticket { fields.append(("ticket", .string(t))) }
        return .object(fields)
    }
}

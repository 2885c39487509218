// The booking systems' HTTP JSON API on a listener of its own (`--api`): appointments in, moved, cancelled and
// listed, under a bearer token of the booking or admin role. The same rules as BOOK, UNBOOK and BOOKINGS, applied
// and committed on the engine's loop. api/openapi.yaml describes it; the tests check the server against it.
import Foundation
import NIOCore
import VuoroCore
import VuoroHTTP
import VuoroProtocol

/// Answers `/api/v1/appointments` and `/api/v1/appointments/{ref}`.
final class APIRoutes: HTTPRoutes, Sendable {
    let engine: Engine
    /// An appointment's JSON is a few hundred bytes: a body past this is refused (413).
    let limits = HTTPLimits(bodyBytes: 2048)

    init(engine: Engine) { self.engine = engine }

    /// The fields an appointment's body may have.
    static let fields: Set<String> = ["queue", "due", "counter", "minutes"]

    /// Fields an integration might send by mistake: each is refused by name, so that nothing about a visitor is
    /// ever taken in (any other unknown field is refused too).
    static let personal: Set<String> = [
        "name", "first_name", "firstname", "last_name", "lastname", "surname", "full_name", "fullname", "given_name",
        "family_name", "hetu", "henkilotunnus", "ssn", "personal_id", "personal_identity_code", "identity_code",
        "national_id", "social_security_number", "birth_date", "birthdate", "date_of_birth", "dob", "phone",
        "phone_number", "telephone", "mobile", "gsm", "email", "e_mail", "mail", "address", "street_address",
        "patient", "customer", "client",
    ]

    func answer(_ request: HTTPRequest, peer: String, on loop: EventLoop) -> EventLoopFuture<HTTPAnswer> {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].isEmpty, parts[1] == "api", parts[2] == "v1", parts[3] == "appointments",
            parts.count <= 5
        else { return loop.makeSucceededFuture(APIRoutes.error(404, "not-found", "no such address")) }
        let ref = parts.count == 5 ? percentDecoded(parts[4]) : nil
        let call: Result<APICall, APIError>
        switch (request.method, parts.count == 5) {
        case ("GET", false), ("HEAD", false): call = APIRoutes.listing(request)
        case ("GET", true), ("HEAD", true): call = APIRoutes.reference(ref).map(APICall.get)
        case ("PUT", true): call = APIRoutes.reference(ref).flatMap { APIRoutes.booking($0, request) }.map(APICall.put)
        case ("DELETE", true): call = APIRoutes.reference(ref).map(APICall.delete)
        case (_, false):
            return loop.makeSucceededFuture(
                APIRoutes.error(405, "method-not-allowed", "use GET", headers: [("Allow", "GET, HEAD")]))
        default:
            return loop.makeSucceededFuture(
                APIRoutes.error(
                    405, "method-not-allowed", "use GET, PUT or DELETE", headers: [("Allow", "GET, HEAD, PUT, DELETE")]))
        }
        let bearer = APIRoutes.bearer(request)
        // Failed tokens are counted per address, as failed AUTH are: guessing is slowed the same way.
        let address = peer.hasPrefix("[") ? String(peer.dropFirst().prefix { $0 != "]" }) : String(peer.prefix { $0 != ":" })
        let engine = self.engine
        let wait = engine.authThrottle.wait(for: address)
        return loop.scheduleTask(in: wait) { () -> EventLoopFuture<HTTPAnswer> in
            engine.loop.submit { engine.answerAPI(call, bearer: bearer, address: address, peer: peer) }
        }.futureResult.flatMap { $0 }
    }

    /// `Authorization: Bearer <secret>`.
    static func bearer(_ request: HTTPRequest) -> String? {
        guard let h = request.header("authorization") else { return nil }
        let parts = h.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmingCharacters(in: .whitespaces)
    }

    static func reference(_ raw: String?) -> Result<String, APIError> {
        guard let raw else { return .failure(APIError(400, "bad-reference", "the reference is not readable")) }
        if BookingReference.looksLikeIdentityCode(raw) {
            return .failure(APIError(400, "personal-data", "a reference must not be a personal identity code"))
        }
        guard let ref = BookingReference.parse(raw) else {
            return .failure(
                APIError(400, "bad-reference", "a reference is 4 to \(BookingReference.limit) letters A-Z, digits and '-'"))
        }
        return .success(ref)
    }

    static func listing(_ request: HTTPRequest) -> Result<APICall, APIError> {
        for (k, _) in request.query where k != "date" && k != "queue" {
            return .failure(APIError(400, "bad-argument", "unknown query parameter '\(k)': date and queue are known"))
        }
        let date = request.queryValue("date")
        if let date, !isCalendarDate(date) {
            return .failure(APIError(400, "bad-argument", "date \(date) is not a day YYYY-MM-DD"))
        }
        return .success(.list(queue: request.queryValue("queue")?.lowercased(), date: date))
    }

    /// The body of a `PUT`: a JSON object of `queue`, `due` and optionally `counter` and `minutes`, nothing else.
    static func booking(_ ref: String, _ request: HTTPRequest) -> Result<Request.Booking, APIError> {
        let type = request.header("content-type")?.lowercased() ?? ""
        guard type.hasPrefix("application/json") else {
            return .failure(APIError(415, "unsupported-media-type", "send the appointment as application/json"))
        }
        guard let value = try? JSONSerialization.jsonObject(with: Data(request.body)),
            let object = value as? [String: Any]
        else { return .failure(APIError(400, "bad-json", "the body is not a JSON object")) }
        for key in object.keys.sorted() where !fields.contains(key) {
            if personal.contains(key.lowercased()) {
                return .failure(
                    APIError(
                        400, "personal-data",
                        "'\(key)' is refused: vuoro takes no personal data, only queue, due, counter and minutes",
                        field: key))
            }
            return .failure(
                APIError(400, "unknown-field", "unknown field '\(key)': queue, due, counter and minutes are known", field: key))
        }
        guard let queue = object["queue"] as? String, !queue.isEmpty, queue.utf8.count <= 64 else {
            return .failure(APIError(400, "bad-argument", "queue is missing or not a queue's id", field: "queue"))
        }
        guard let due = object["due"] as? String, isLocalTime(due) else {
            return .failure(
                APIError(400, "bad-argument", "due must be a time such as 2026-12-04T10:30:00+02:00", field: "due"))
        }
        var counter: String?
        if let c = object["counter"], !(c is NSNull) {
            guard let s = c as? String, !s.isEmpty, s.utf8.count <= 64 else {
                return .failure(APIError(400, "bad-argument", "counter must be a counter's id", field: "counter"))
            }
            counter = s.lowercased()
        }
        var minutes: Int?
        if let m = object["minutes"], !(m is NSNull) {
            // A JSON true is a number to Foundation too: its type code is `c`.
            guard !(m is Bool), let n = m as? NSNumber, String(cString: n.objCType) != "c",
                n.doubleValue == Double(n.intValue),
                (1...480).contains(n.intValue)
            else { return .failure(APIError(400, "bad-argument", "minutes must be 1 to 480", field: "minutes")) }
            minutes = n.intValue
        }
        return .success(
            Request.Booking(ref: ref, queue: queue.lowercased(), due: due, counter: counter, minutes: minutes, move: true))
    }

    static func error(
        _ status: Int, _ code: String, _ message: String, field: String? = nil,
        headers: [(name: String, value: String)] = []
    ) -> HTTPAnswer {
        var fields: [(String, JSON)] = [("error", .string(code)), ("message", .string(message))]
        if let field { fields.append(("field", .string(field))) }
        return json(status, .object(fields), headers: headers)
    }

    static func json(_ status: Int, _ body: JSON, headers: [(name: String, value: String)] = []) -> HTTPAnswer {
        .response(
            HTTPResponse(
                status: status, contentType: "application/json", body: Array((body.serialized() + "\n").utf8),
                headers: headers))
    }
}

/// What an API request asks of the engine.
enum APICall: Sendable {
    case list(queue: String?, date: String?)
    case get(String)
    /// Create or move (a `PUT` replaces).
    case put(Request.Booking)
    case delete(String)
}

/// A request the API refuses before it reaches the engine.
struct APIError: Error, Sendable {
    var status: Int
    var code: String
    var message: String
    var field: String?
    init(_ status: Int, _ code: String, _ message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }
}

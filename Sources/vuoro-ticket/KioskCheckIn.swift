// A booked visitor at the kiosk: the reference typed after `v`, or scanned (a scanner types it with Enter), is
// checked in; the slip says the booked time, the number and where to wait.
import Foundation
import VuoroClient
import VuoroProtocol

extension Kiosk {
    /// Seconds without a key after which a half-typed reference is dropped, for the next visitor.
    static let typingTimeout = 30.0

    /// `first` and the keys that follow it at once (a scanner's input): up to Enter, at most a line.
    static func burst(after first: Character, term: Terminal) -> [Character] {
        var keys = [first]
        while first != "\r" && first != "\n", keys.count < 80, let more = term.waitForKey(seconds: 0.03) {
            keys.append(more)
            if more == "\r" || more == "\n" || more == Terminal.interrupt { break }
        }
        return keys
    }

    /// Applies keys to the reference being typed; returns a reference to check in when Enter completes one. A
    /// burst that ends with Enter is a scan, checked in at once; other bursts are noise and are dropped.
    static func reference(_ keys: [Character], model m: inout KioskModel) -> String? {
        let now = Date()
        if m.typing == nil {
            if keys.count == 1 {
                m.typing = ("", now)  // `v`: the visitor types the reference now
                m.refusal = nil
                return nil
            }
            guard keys.last == "\r" || keys.last == "\n" else { return nil }
            m.typing = ("", now)
        }
        var text = m.typing!.text
        for k in keys {
            switch k {
            case "\r", "\n":
                m.typing = nil
                guard let ref = BookingReference.parse(text) else {
                    m.refusal = ("bad-argument", text, now, true)
                    return nil
                }
                return ref
            case "\u{1B}":
                m.typing = nil
                return nil
            case "\u{7F}", "\u{08}":
                text = String(text.dropLast())
            default:
                if k.isASCII && (k.isLetter || k.isNumber || k == "-") && text.count < BookingReference.limit {
                    text.append(Character(k.uppercased()))
                }
            }
        }
        m.typing = (text, now)
        return nil
    }

    /// Checks the reference in and prints the slip. The same `CHECKIN` is sent again after a lost reply (the
    /// daemon answers the ticket it issued for that reference); a slip that cannot be printed keeps its ticket,
    /// whose number the screen shows.
    mutating func checkIn(_ ref: String, on c: inout ClientConnection, model m: inout KioskModel) throws {
        let out: SlipOutput?
        do {
            out = try output.map { try SlipOutput($0, timeout: printTimeout) }
        } catch {
            out = nil
            Kiosk.log("check-in \(ref) without a slip: \(error)")
        }
        let key = newRequestKey()
        let deadline = monotonicSeconds() + issueRetry
        var events: [Event] = []
        var reply: Reply?
        while reply == nil {
            do {
                reply = try c.call(.checkIn(ref: ref, lang: m.code, id: key, force: false), onEvent: { events.append($0) })
            } catch ClientError.refused(let code, let text) {
                m.refusal = (code, text, Date(), true)
                Kiosk.log("check-in \(ref): \(code) \(text)")
                return
            } catch let e as ClientError where e.isWorthSendingAgain && monotonicSeconds() < deadline {
                usleep(250_000)
                if let again = try? connection.connect() { c = again }
            }
        }
        for e in events { m.apply(e) }
        guard case .checkedIn(let ci) = reply! else { throw ClientError.unexpected("not a check-in") }
        let site = try c.site()
        var slip = TicketSlip(
            site: site.name, queueName: m.name(ci.queue), number: ci.number, position: ci.position, wait: ci.wait,
            issuedAt: Date(), timeZone: TimeZone(identifier: site.timeZone) ?? .current, lang: m.code)
        let clock = { (t: String) in String(t.dropFirst(11).prefix(5)) }
        slip.booked = ci.booked.map(clock)
        slip.from = ci.from.map(clock)
        slip.missed = ci.booked == nil
        if let counter = ci.counter {
            let counters = try c.counters(lang: m.code)
            slip.waitAt = counters.first { $0.id == counter }?.name ?? counter
        }
        if !ci.again, let base = webURL { slip.url = (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/t/" + key }
        let words = Kiosk.booking[m.code] ?? Kiosk.booking["en"]!
        m.checkedIn =
            ci.booked == nil
            ? words.late
            : (ci.from.map { words.early.replacingOccurrences(of: "#", with: clock($0)) }
                ?? words.onTime.replacingOccurrences(of: "#", with: slip.booked ?? ""))
        m.shown = (ci.number, Date())
        m.refusal = nil
        guard let out else {
            if output != nil { m.refusal = ("printer", "no printer", Date(), false) }
            return
        }
        do {
            try out.write(format == .escpos ? slip.escpos(qr: qr) : Array((slip.text + TicketSlip.textCut).utf8))
            watch.check(out, format: format)
        } catch {
            watch.cannotPrint()
            m.refusal = ("printer", "\(error)", Date(), false)
            Kiosk.log("cannot print the check-in of \(ref) (\(ci.number), kept): \(error)")
        }
    }
}

// The printed ticket: its words in the visitor's language, as plain text or as ESC/POS bytes for an
// 80 mm thermal printer (Epson TM-T88 class).
import Foundation
import VuoroProtocol

/// What one printed ticket shows.
public struct TicketSlip: Equatable, Sendable {
    public var site: String
    public var queueName: String
    public var number: String
    public var position: Int
    /// Estimated wait in seconds.
    public var wait: Int
    public var issuedAt: Date
    public var timeZone: TimeZone
    public var lang: String
    /// The ticket's own web page (`--web-url` and its key), printed as a QR code and as text; nil for none.
    public var url: String?
    /// A checked-in booking: its time (`10:30`), called at it rather than by position.
    public var booked: String?
    /// A booking checked in before its early window: the first time it may be called.
    public var from: String?
    /// Where a booking waits to be called: its counter's or room's name.
    public var waitAt: String?
    /// A booking checked in too late, given a walk-in's number.
    public var missed = false

    public init(
        site: String, queueName: String, number: String, position: Int, wait: Int, issuedAt: Date,
        timeZone: TimeZone, lang: String, url: String? = nil
    ) {
        self.url = url
        self.site = site
        self.queueName = queueName
        self.number = number
        self.position = position
        self.wait = wait
        self.issuedAt = issuedAt
        self.timeZone = timeZone
        self.lang = lang
    }

    /// The slip's sentences per language; English for a language without its own.
    struct Words {
        let position: String
        let wait: String
        let minutes: String
        let privacy: [String]
        /// Above the QR code of the ticket's web page.
        let follow: String
        /// A booking's slip: its time, the earliest call, where to wait, a time missed.
        var booked = "Booked", from = "Called from", waitAt = "You will be called to:", missed = ""
    }

    static let words: [String: Words] = {
        var all = base
        all["fi"]!.booked = "Varattu aika"
        all["fi"]!.from = "Kutsutaan aikaisintaan"
        all["fi"]!.waitAt = "Sinut kutsutaan:"
        all["fi"]!.missed = "Varattu aikasi meni jo: numerosi on jonossa."
        all["sv"]!.booked = "Bokad tid"
        all["sv"]!.from = "Ropas tidigast"
        all["sv"]!.waitAt = "Du ropas upp till:"
        all["sv"]!.missed = "Din bokade tid har gått: ditt nummer står i kön."
        all["en"]!.booked = "Booked"
        all["en"]!.from = "Called at the earliest"
        all["en"]!.waitAt = "You will be called to:"
        all["en"]!.missed = "Your booked time has passed: your number is in the queue."
        all["ru"]!.booked = "Запись на"
        all["ru"]!.from = "Вызов не ранее"
        all["ru"]!.waitAt = "Вас вызовут:"
        all["ru"]!.missed = "Время записи прошло: ваш номер в очереди."
        all["uk"]!.booked = "Запис на"
        all["uk"]!.from = "Виклик не раніше"
        all["uk"]!.waitAt = "Вас викличуть:"
        all["uk"]!.missed = "Час запису минув: ваш номер у черзі."
        return all
    }()

    static let base: [String: Words] = [
        "fi": Words(
            position: "Paikka jonossa", wait: "Arvioitu odotus", minutes: "min",
            privacy: ["Numerosi näkyy näytöillä.", "Nimiä ei koskaan kuuluteta."],
            follow: "Seuraa vuoroasi puhelimella:"),
        "sv": Words(
            position: "Plats i kön", wait: "Beräknad väntetid", minutes: "min",
            privacy: ["Ditt nummer visas på skärmarna.", "Namn ropas aldrig upp."],
            follow: "Följ din tur i telefonen:"),
        "en": Words(
            position: "Position in queue", wait: "Estimated wait", minutes: "min",
            privacy: ["Your number is shown on the screens.", "Names are never called out."],
            follow: "Follow your turn on your phone:"),
        "ru": Words(
            position: "Место в очереди", wait: "Примерное ожидание", minutes: "мин",
            privacy: ["Ваш номер показывается на экранах.", "Имена никогда не объявляются."],
            follow: "Следите за очередью на телефоне:"),
        "uk": Words(
            position: "Місце в черзі", wait: "Орієнтовне очікування", minutes: "хв",
            privacy: ["Ваш номер показується на екранах.", "Імена ніколи не оголошуються."],
            follow: "Стежте за чергою на телефоні:"),
    ]

    var w: Words { TicketSlip.words[lang] ?? TicketSlip.words["en"]! }

    /// The wait in whole minutes, rounded up, at least 1.
    var waitText: String { "\(waitMinutes(wait)) \(w.minutes)" }

    var dateText: String {
        let f = DateFormatter()
        f.timeZone = timeZone
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.string(from: issuedAt)
    }

    /// What the slip says under the number: a booking's time (and its earliest call, and where it waits), else
    /// the position and the wait (and a booking's missed time).
    var details: [String] {
        if let booked {
            var out = ["\(w.booked): \(booked)"]
            if let from { out.append("\(w.from) \(from)") }
            if let waitAt { out.append("\(w.waitAt) \(waitAt)") }
            return out.flatMap { TicketSlip.wrap($0, width: TicketSlip.columns) }
        }
        var out = ["\(w.position): \(position)", "\(w.wait): \(waitText)"]
        if missed { out += TicketSlip.wrap(w.missed, width: TicketSlip.columns) }
        return out
    }

    /// Plain UTF-8: the same lines the printer prints.
    public var text: String {
        var lines = [site, queueName, "", number, ""] + details + [dateText, ""]
        lines += w.privacy
        if let url { lines += ["", w.follow, url] }
        return lines.joined(separator: "\n") + "\n"
    }

    /// After a text slip: where the paper would be cut, so that slips written one after another to a file (or a
    /// plain printer) stay apart.
    public static let textCut = "\n" + String(repeating: "- ", count: 16) + "\n\n"

    /// Characters on a line of an 80 mm roll in the printer's standard font; half of them at double width.
    public static let columns = 48

    /// `s` in lines of at most `width` characters, broken at spaces; a word longer than a line is split. The
    /// printer would break a long line wherever its paper ends, in the middle of a word ("Laboratorio ja
    /// kuvantamin" / "en" at double width).
    public static func wrap(_ s: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in s.split(separator: " ") {
            var word = Substring(word)
            if !current.isEmpty && current.count + 1 + word.count <= width {
                current += " " + word
                continue
            }
            if !current.isEmpty { lines.append(current) }
            while word.count > width {
                lines.append(String(word.prefix(width)))
                word = word.dropFirst(width)
            }
            current = String(word)
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }

    /// A line in the code page that holds it: PC858 (ESC t 19) for Finnish, Swedish, English and the like, PC866
    /// (ESC t 17) for Russian or Ukrainian; PC858 with `?` for what neither holds.
    static func encoded(_ s: String) -> (page: UInt8, bytes: [UInt8]) {
        if !CP858.covers(s), let cyrillic = CP866.encode(s) { return (17, cyrillic) }
        return (19, CP858.encode(s))
    }

    /// How a slip's QR code reaches the paper.
    public enum QRPrint: String, Sendable, CaseIterable {
        /// Encoded here and sent as a raster image (`GS v 0`): every ESC/POS printer with raster graphics.
        case image
        /// The printer's own QR command (`GS ( k`): Epson TM-T88IV and later; fewer bytes.
        case printer
    }

    /// Dots per module of the printed image: 6, about 28 mm square for a ticket's address of 40 characters (version
    /// 3 with its quiet zone, 37 modules); fewer for a longer one, within 384 of the 576 dots of an 80 mm roll.
    static func rasterDots(_ code: QRCode) -> Int { max(2, min(6, 384 / (code.size + 8))) }

    /// ESC/POS `GS ( k`: a QR code of `data`, model 2, modules of 6 dots (about 25 mm for a web address of 40
    /// characters on a 180 dpi printer), error correction M; the printer encodes it. Centred like the slip.
    static func qrCode(_ data: [UInt8]) -> [UInt8] {
        let n = data.count + 3
        return [0x1D, 0x28, 0x6B, 4, 0, 0x31, 0x41, 50, 0]  // model 2
            + [0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x43, 6]  // module size
            + [0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x45, 49]  // error correction M
            + [0x1D, 0x28, 0x6B, UInt8(n & 0xFF), UInt8(n >> 8), 0x31, 0x50, 0x30] + data  // store
            + [0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x51, 0x30, 0x0A]  // print
    }

    /// ESC/POS with the QR code, if any, as an image.
    public var escpos: [UInt8] { escpos(qr: .image) }

    /// ESC/POS: initialise, PC858, centred; the number at quadruple size; then feed and cut. A line in Cyrillic
    /// switches the printer to PC866 first, and the next Latin one back. The QR code of the ticket's page as `qr`
    /// says.
    public func escpos(qr: QRPrint) -> [UInt8] {
        var b: [UInt8] = [0x1B, 0x40, 0x1B, 0x74, 19, 0x1B, 0x61, 1]
        var page: UInt8 = 19
        func line(_ s: String) {
            let e = TicketSlip.encoded(s)
            // ASCII reads the same in both: no switch for a number or a time.
            if e.page != page && !s.unicodeScalars.allSatisfy(\.isASCII) {
                b += [0x1B, 0x74, e.page]
                page = e.page
            }
            b += e.bytes + [0x0A]
        }
        b += [0x1B, 0x45, 1]  // bold
        for l in TicketSlip.wrap(site, width: TicketSlip.columns) { line(l) }
        b += [0x1B, 0x45, 0]
        b += [0x1D, 0x21, 0x11]  // double
        for l in TicketSlip.wrap(queueName, width: TicketSlip.columns / 2) { line(l) }
        b += [0x1D, 0x21, 0x33]  // quadruple
        line(number)
        b += [0x1D, 0x21, 0x00]
        for d in details { line(d) }
        line(dateText)
        b += [0x0A]
        for p in w.privacy { line(p) }
        if let url {
            b += [0x0A]
            line(w.follow)
            if qr == .image, let code = QRCode(url) {
                b += code.escposRaster(dots: TicketSlip.rasterDots(code)) + [0x0A]
            } else {
                b += TicketSlip.qrCode(Array(url.utf8))
            }
            b += [0x1B, 0x21, 0x01]  // the small font: the address fits on one line
            for l in TicketSlip.wrap(url, width: 64) { line(l) }
            b += [0x1B, 0x21, 0x00]
        }
        b += [0x1D, 0x56, 0x42, 3]  // feed 3 and cut
        return b
    }
}

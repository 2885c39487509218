// vuoro-ticket: the kiosk. Issues a ticket and prints it, as text or ESC/POS for a thermal printer.
import ArgumentParser
import Foundation
import VuoroClient
import VuoroProtocol

#if canImport(Glibc)
    import Glibc
#endif

enum SlipFormat: String, ExpressibleByArgument, CaseIterable {
    case text, escpos
}

extension TicketSlip.QRPrint: ExpressibleByArgument {}

@main
struct VuoroTicket: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vuoro-ticket",
        abstract: "Issue a queue ticket and print it: the kiosk of a service centre.",
        discussion: """
            Examples:
              Print a Kela ticket in Swedish, as text:
                vuoro-ticket kela --lang sv
              Print a laboratory ticket on an 80 mm thermal printer:
                vuoro-ticket lab --format escpos --output /dev/usb/lp0
              A full-screen kiosk, where keys choose queues:
                vuoro-ticket --kiosk --output /dev/usb/lp0
            """,
        version: vuoroVersion)

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The queue to take a ticket in, for example kela.")
    var queue: String?

    @Option(help: "Priority 0 (normal) to 9; higher is served first.")
    var priority: Int = 0

    @Option(help: "Language of the ticket: one of the site's languages, for example fi, sv or en.")
    var lang: String?

    @Option(help: "text (UTF-8) or escpos (bytes for an Epson TM-T88 class printer).")
    var format: SlipFormat = .text

    @Option(
        help: """
            File, printer device or network printer to write to: /dev/usb/lp0, or tcp:10.0.0.9:9100 for a printer's \
            raw port (default standard output).
            """)
    var output: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            """
            Seconds the printer may take to accept a slip. One that takes none for that long (out of paper, \
            jammed, its cover open) gets no number issued, or has its ticket cancelled when it stops mid-slip.
            """, valueName: "seconds"))
    var printTimeout: Double = 5

    @Option(
        help: ArgumentHelp(
            """
            With --kiosk: seconds after a ticket in which the queue keys issue nothing, so that a double press or \
            a child at play does not print a roll of numbers nobody will answer.
            """, valueName: "seconds"))
    var cooldown: Double = 3

    @Flag(
        help: """
            Run as a full-screen kiosk: list the open queues, print a ticket per key pressed. Visitors cannot \
            end it; staff stop it with Ctrl-C.
            """)
    var kiosk = false

    @Option(
        help: ArgumentHelp(
            "With --kiosk: only these queues, in this order, for a kiosk at one wing's door.", valueName: "q1,q2"))
    var queues: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "With --kiosk: seconds without a key press after which the kiosk returns to its start language.",
            valueName: "seconds"))
    var languageReset: Int = 60

    @Option(
        name: .long,
        help: ArgumentHelp(
            """
            Seconds to keep sending an ISSUE whose reply did not come (a daemon restarting, a network cut), with \
            its key, so that the daemon answers the ticket it issued rather than a second one. After that the \
            kiosk gives up, and cancels that ticket (CANCEL id=) once it reaches the daemon again.
            """, valueName: "seconds"))
    var issueRetry: Double = 15

    @Option(
        name: .long,
        help: ArgumentHelp(
            """
            The address at which visitors' phones reach vuorod's web pages (vuorod --web, often behind the \
            centre's web server): each slip then has a QR code of its ticket's page, BASE/t/KEY, which shows the \
            ticket's place in its queue as it moves.
            """, valueName: "base"))
    var webURL: String?

    @Option(
        name: .customLong("qr"),
        help: ArgumentHelp(
            """
            How an escpos slip's QR code is printed: image (drawn by vuoro-ticket, for any ESC/POS printer with \
            raster graphics) or printer (the printer's own QR command, GS ( k: Epson TM-T88IV and later).
            """, valueName: "image|printer"))
    var qr: TicketSlip.QRPrint = .image

    @Option(
        help: ArgumentHelp(
            """
            The kiosk's name in its reports to vuorod (KIOSK, listed by vuoroctl kiosks): 1 to 32 of A-Z a-z 0-9 \
            - _ . (default: the host name).
            """, valueName: "name"))
    var name: String?

    @Option(
        help: ArgumentHelp(
            """
            With --kiosk: seconds between the kiosk's reports to vuorod while it prints nothing; each one asks \
            the printer for its paper (ESC/POS DLE EOT 4) first.
            """, valueName: "seconds"))
    var reportEvery: Double = 60

    func validate() throws {
        if let webURL, !(webURL.hasPrefix("https://") || webURL.hasPrefix("http://")) || webURL.contains(" ") {
            throw ValidationError("--web-url must be an http:// or https:// address, such as https://jono.example.fi")
        }
        if !kiosk && queue == nil { throw ValidationError("name a queue, or use --kiosk") }
        if kiosk && queue != nil { throw ValidationError("--kiosk chooses queues by key: name none") }
        guard (0...9).contains(priority) else { throw ValidationError("--priority must be 0 to 9") }
        if queues != nil && !kiosk { throw ValidationError("--queues is for --kiosk; name one queue otherwise") }
        guard printTimeout > 0, printTimeout <= 600 else {
            throw ValidationError("--print-timeout must be above 0 and at most 600 seconds")
        }
        guard issueRetry >= 0, issueRetry <= 600 else {
            throw ValidationError("--issue-retry must be 0 to 600 seconds")
        }
        guard cooldown >= 0, cooldown <= 60 else { throw ValidationError("--cooldown must be 0 to 60 seconds") }
        guard reportEvery >= 1, reportEvery <= 3600 else {
            throw ValidationError("--report-every must be 1 to 3600 seconds")
        }
        if let name, (try? Request.kioskName(name)) == nil {
            throw ValidationError("--name must be 1 to 32 of A-Z a-z 0-9 - _ .")
        }
        guard languageReset > 0 else { throw ValidationError("--language-reset must be above 0 seconds") }
    }

    func run() throws {
        // A printer that hangs up (a network printer restarting, a FIFO's reader gone) is a failed write, with its
        // ticket cancelled, not a kiosk killed by SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        try runClient("vuoro-ticket") {
            if kiosk {
                var kiosk = Kiosk(
                    connection: connection, format: format, output: output, startLanguage: lang,
                    languageReset: Double(languageReset), printTimeout: printTimeout, issueRetry: issueRetry,
                    cooldown: cooldown,
                    webURL: webURL, qr: qr,
                    only: queues?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() },
                    watch: PaperWatch(name: name ?? PaperWatch.hostName(), every: reportEvery))
                try kiosk.run()
            } else {
                var c = try connection.connect()
                // The printer first: one that is unplugged gets no number issued for it.
                let out = try SlipOutput(output, timeout: printTimeout)
                let slip: TicketSlip
                do {
                    slip = try issue(
                        on: &c, reconnect: connection.connect, queue: queue!.lowercased(), priority: priority,
                        lang: lang, webURL: webURL, retryFor: issueRetry)
                } catch let e as IssueUnanswered {
                    throw GaveUp(unanswered: e)
                }
                try printOrCancel(slip, format: format, qr: qr, to: out, on: c)
            }
        }
    }
}

/// An `ISSUE` that got no answer within `--issue-retry`: the daemon may have issued a ticket for `key`, which
/// nobody holds. The kiosk cancels it (`CANCEL id=`) once it reaches the daemon again.
struct IssueUnanswered: ReportedError {
    let key: String
    let reason: ClientError
    var description: String { "\(reason.description); a ticket may have been issued for id=\(key)" }
}

/// The one-shot program gave up on its `ISSUE`: unlike the kiosk, it is not there to cancel the ticket later, so
/// it says how.
struct GaveUp: ReportedError {
    let unanswered: IssueUnanswered
    var description: String {
        "\(unanswered.description); nobody holds it: once vuorod answers, `vuoroctl cancel --id \(unanswered.key)` cancels it"
    }
}

/// Issues a ticket and gathers what its slip shows. The `ISSUE` carries a key of its own (`id=`): when the
/// connection is lost before the reply (the daemon restarting, say), the kiosk connects again and sends the same
/// `ISSUE`, for up to `retryFor` seconds (a daemon that crashed is back within systemd's `RestartSec=2` and its
/// start), and the daemon answers with the ticket it issued for that key, if it did, rather than a second one
/// that nobody would hold. `c` is then the new connection. Past `retryFor`, throws `IssueUnanswered`.
func issue(
    on c: inout ClientConnection, reconnect: () throws -> ClientConnection, queue: String, priority: Int,
    lang: String?, webURL: String?, retryFor: Double, onEvent: ((Event) -> Void)? = nil
) throws -> TicketSlip {
    let key = newRequestKey()
    let deadline = monotonicSeconds() + retryFor
    while true {
        do {
            var (slip, keyTaken) = try issue(
                on: c, queue: queue, priority: priority, lang: lang, key: key, onEvent: onEvent)
            // The key also names the ticket's web page.
            if keyTaken, let base = webURL {
                slip.url = (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/t/" + key
            }
            return slip
        } catch let e as ClientError where e.isWorthSendingAgain {
            guard monotonicSeconds() < deadline else { throw IssueUnanswered(key: key, reason: e) }
            usleep(250_000)
            if let again = try? reconnect() { c = again }
        }
    }
}

/// A random key for one `ISSUE`: 64 bits, hexadecimal. Unique among a day's tickets with room to spare.
func newRequestKey() -> String {
    let hex = String(UInt64.random(in: .min ... .max), radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}

/// One try: the slip, and whether the daemon took the key.
func issue(
    on c: ClientConnection, queue: String, priority: Int, lang: String?, key: String,
    onEvent: ((Event) -> Void)? = nil
) throws -> (TicketSlip, keyTaken: Bool) {
    let site = try c.site(onEvent: onEvent)
    let language = lang ?? site.languages.first ?? "en"
    let queues = try c.queues(lang: language, onEvent: onEvent)
    guard let info = queues.first(where: { $0.id == queue }) else {
        throw UnknownQueue(queue: queue, known: queues.filter { !$0.removed }.map(\.id))
    }
    var keyTaken = true
    let reply: Reply
    do {
        reply = try c.call(.issue(queue: queue, priority: priority, lang: language, id: key), onEvent: onEvent)
    } catch ClientError.refused("bad-argument", let text) where text.hasPrefix("unknown option 'id'=") {
        // A daemon older than 0.11 (kiosks upgraded first) refused the key and issued nothing: a ticket without
        // one, and without its page, rather than none.
        reply = try c.call(.issue(queue: queue, priority: priority, lang: language), onEvent: onEvent)
        keyTaken = false
    }
    guard case .issued(let i) = reply else { throw ClientError.unexpected("not an issued ticket") }
    let slip = TicketSlip(
        site: site.name, queueName: info.name, number: i.number, position: i.position, wait: i.wait,
        issuedAt: Date(), timeZone: TimeZone(identifier: site.timeZone) ?? .current, lang: language)
    return (slip, keyTaken)
}

/// A queue the daemon does not have, named with those it has.
struct UnknownQueue: ReportedError {
    let queue: String
    let known: [String]
    var description: String { unknownQueues([queue], known: known) ?? "no queue '\(queue)'" }
}

/// The slip could not be printed; its ticket was cancelled, so that no counter calls a number nobody holds.
struct PrintFailed: ReportedError {
    let number: String
    let reason: String
    let cancelled: Bool
    var description: String {
        "cannot print \(number): \(reason); " + (cancelled ? "the ticket was cancelled" : "cancelling it failed too")
    }
}

/// Prints the slip; when that fails, cancels its ticket and says so.
func printOrCancel(
    _ slip: TicketSlip, format: SlipFormat, qr: TicketSlip.QRPrint, to out: SlipOutput, on c: ClientConnection
) throws {
    do {
        // Text slips end with a cut line, so that slips written one after another to a file stay apart.
        try out.write(format == .escpos ? slip.escpos(qr: qr) : Array((slip.text + TicketSlip.textCut).utf8))
    } catch {
        let cancelled = (try? c.call(.cancel(slip.number))) != nil
        throw PrintFailed(number: slip.number, reason: error.description, cancelled: cancelled)
    }
}

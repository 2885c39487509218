// vuoro-counter: the clerk's program. One action per run, or interactive with one key per action.
import ArgumentParser
import Foundation
import VuoroClient
import VuoroProtocol

@main
struct VuoroCounter: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vuoro-counter",
        abstract: "Call and serve tickets at one counter.",
        discussion: """
            Actions: next, recall, done, noshow, transfer QUEUE [--front], send COUNTER, park, serve Q1,Q2, pause, \
            call TICKET, checkin REFERENCE. Without an action it runs interactively: n next, r recall, d done, \
            s no-show, t transfer, o send to a counter, a park (put aside), c call a number, i check a booking in, \
            p pause, q quit.

            Examples:
              vuoro-counter --counter 3 next
              vuoro-counter --counter 3 transfer lab --front
              vuoro-counter --counter 3 send 6          (to counter 6's own line)
              vuoro-counter --counter 3 park            (the visitor fetches a document; call K004 brings them back)
              vuoro-counter --counter 9 checkin AB12CD  (the information desk checks a booked visitor in)
              vuoro-counter --counter 3 serve kela,health
              vuoro-counter --counter 3          (interactive)
            """,
        version: vuoroVersion)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "This counter's id, as in the configuration.")
    var counter: String

    @Flag(help: "With transfer: put the ticket before every waiting ticket of its priority.")
    var front = false

    @Option(help: "Language of the interactive desk: fi, sv or en (default: the site's first language).")
    var lang: String?

    @Flag(
        help: """
            Interactive desk: also show kiosks that need staff (paper low or out, or not heard from for 3 minutes), \
            as reported to vuorod: for the information desk, or whoever looks after the kiosks.
            """)
    var watchKiosks = false

    @Argument(help: "The action and its argument; none for interactive use.")
    var action: [String] = []

    func request() throws -> Request? {
        guard let verb = action.first?.lowercased() else { return nil }
        let arg = action.count > 1 ? action[1] : nil
        let expected = ["transfer", "serve", "call", "send", "checkin"].contains(verb) ? 2 : 1
        guard action.count == expected else {
            throw ValidationError(expected == 2 ? "\(verb) takes one argument" : "\(verb) takes no argument")
        }
        if front && verb != "transfer" { throw ValidationError("--front goes with transfer") }
        let c = counter.lowercased()
        switch verb {
        case "next": return .call(counter: c, ticket: nil)
        case "call": return .call(counter: c, ticket: arg!.uppercased())
        case "recall": return .recall(counter: c)
        case "done": return .done(counter: c)
        case "noshow", "no-show": return .noshow(counter: c)
        case "transfer": return .transfer(counter: c, queue: arg!.lowercased(), front: front)
        case "serve": return .serve(counter: c, queues: arg!.lowercased().split(separator: ",").map(String.init))
        case "pause": return .pause(counter: c)
        case "park": return .park(counter: c)
        case "send": return .transferToCounter(counter: c, to: arg!.lowercased())
        case "checkin":
            do {
                return .checkIn(ref: try Request.reference(arg!), lang: nil, id: nil, force: false)
            } catch {
                throw ValidationError(error.text)
            }
        default:
            throw ValidationError(
                "unknown action '\(verb)': next, recall, done, noshow, transfer, send, park, serve, pause, call or checkin")
        }
    }

    func validate() throws {
        _ = try request()
        if let lang, Desk.texts[lang.lowercased()] == nil { throw ValidationError("--lang must be fi, sv or en") }
    }

    func run() throws {
        try runClient("vuoro-counter") {
            guard let r = try request() else {
                // The desk connects by itself, and waits for a daemon that is not up yet (a PC that boots first).
                try Desk(
                    conn: nil, connect: { try connection.connect() }, counter: counter.lowercased(),
                    lang: lang?.lowercased(), watchKiosks: watchKiosks, address: connection.address
                ).run()
                return
            }
            let c = try connection.connect()
            // Said in the desk's language, with the queues' names as visitors see them.
            let languages = try c.site().languages
            let code = lang?.lowercased() ?? languages.first { Desk.texts[$0] != nil } ?? "en"
            let nameLang = languages.contains(code) ? code : nil
            var names: [String: String] = [:]
            for q in try c.queues(lang: nameLang) { names[q.id] = q.name }
            let tx = Desk.texts[code] ?? Desk.texts["en"]!
            do {
                print(Desk.describe(try c.call(r), tx, names))
            } catch ClientError.refused(let code, let text) {
                let said = code == "no-current-ticket" ? tx.noTicket : tx.errors[code] ?? text
                throw DeskRefusal(description: "\(said) (\(code))")
            }
        }
    }
}

/// A refusal of the daemon, said in the desk's language with its code.
struct DeskRefusal: ReportedError {
    let description: String
}

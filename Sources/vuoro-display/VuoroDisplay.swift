// vuoro-display: the lobby screen. Which number goes to which counter, and how long each queue waits.
import ArgumentParser
import Foundation
import VuoroClient
import VuoroProtocol

@main
struct VuoroDisplay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vuoro-display",
        abstract: "The lobby screen: the latest calls in big digits, and each queue's waiting figures.",
        discussion: """
            Updates are pushed by vuorod (WATCH); --poll asks every few seconds instead, for networks that drop \
            idle connections. A lost connection is retried with backoff. Labels rotate through the site's \
            languages.

            Examples:
              vuoro-display                          full screen, all queues
              vuoro-display --queues kela,health     a screen in one wing
              vuoro-display --counter 3              the screen above counter 3: its number only
              vuoro-display --once                   one plain-text snapshot, for scripts
            """,
        version: vuoroVersion)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: ArgumentHelp("Show only these queues, comma-separated.", valueName: "q1,q2"))
    var queues: String?

    @Option(help: ArgumentHelp("Poll STATUS and CALLED every SECONDS instead of WATCH.", valueName: "seconds"))
    var poll: Double?

    @Option(
        help: ArgumentHelp(
            "A screen above this counter: only the number called to it, in the largest letters.", valueName: "id"))
    var counter: String?

    @Flag(help: "Print one plain-text snapshot and exit.")
    var once = false

    @Flag(help: "No terminal bell on a new call.")
    var quiet = false

    @Option(help: "Seconds between language changes of the labels.")
    var rotate: Double = 8

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The address of the visitors' web pages (as the kiosks' --web-url): shown under the queues.",
            valueName: "base"))
    var webURL: String?

    func validate() throws {
        if let poll, poll < 0.5 { throw ValidationError("--poll must be at least 0.5 seconds") }
        guard rotate >= 1 else { throw ValidationError("--rotate must be at least 1 second") }
        if counter != nil && queues != nil { throw ValidationError("--counter shows one counter: no --queues") }
    }

    var subset: Set<String>? { queues.map { Set($0.lowercased().split(separator: ",").map(String.init)) } }

    func run() throws {
        try runClient("vuoro-display") {
            var model = DisplayModel()
            model.only = subset
            model.counter = counter?.lowercased()
            model.webURL = webURL
            if once {
                let c = try connection.connect()
                try model.load(from: c)
                if let problem = model.problem { throw DisplayError(description: problem) }
                print(model.snapshot(lang: model.languages.first ?? "en").joined(separator: "\n"))
                return
            }
            var screen = Screen(connection: connection, model: model, poll: poll, quiet: quiet, rotate: rotate)
            try screen.run()
        }
    }
}

struct DisplayError: ReportedError {
    let description: String
}

/// The full-screen loop: (re)connects with backoff, follows events or polls, redraws.
struct Screen {
    let connection: ConnectionOptions
    var model: DisplayModel
    let poll: Double?
    let quiet: Bool
    let rotate: Double

    mutating func run() throws {
        let term = Terminal()
        term.enterFullScreen()
        defer { term.leaveFullScreen() }
        let started = Date()
        var backoff = 1.0
        var highlightUntil = Date.distantPast
        var status: String? = "connecting to \(connection.address)"
        var conn: ClientConnection?
        var lastPoll = Date.distantPast
        while true {
            let langs = model.languages.isEmpty ? ["en"] : model.languages
            let lang = langs[Int(Date().timeIntervalSince(started) / rotate) % langs.count]
            draw(on: term, lang: lang, highlight: Date() < highlightUntil, status: status)
            do {
                if conn == nil {
                    let c = try connection.connect()
                    // Watching before reading: a call made meanwhile comes as an event, and is not missed.
                    if poll == nil { try c.call(.watch) }
                    try model.load(from: c)
                    conn = c
                    status = model.problem
                    backoff = 1
                    lastPoll = Date()
                }
                if let poll {
                    if Date().timeIntervalSince(lastPoll) >= poll {
                        let before = model.newest
                        try model.load(from: conn!)
                        lastPoll = Date()
                        if let now = model.newest, now != before { announce(&highlightUntil, on: term) }
                    }
                    if Terminal.quits(term.waitForKey(seconds: 0.5)) { return }
                } else {
                    if Terminal.quits(term.waitForKey(seconds: 0.5, orReadable: conn!.descriptor)) { return }
                    while let line = try conn!.readLine(wait: 0.01) {
                        if let event = Event.parse(line), model.apply(event) { announce(&highlightUntil, on: term) }
                    }
                    // New names, queues or counters: read again, still watching.
                    while model.needsReload { try model.load(from: conn!) }
                }
            } catch {
                conn = nil
                // Visitors read that the screen may be out of date; staff read why.
                let offline = SignWords.offline[lang] ?? SignWords.offline["en"]!
                let retry = SignWords.retry[lang] ?? SignWords.retry["en"]!
                status = "\(offline) · " + retry.replacingOccurrences(of: "#", with: String(Int(backoff)))
                // The reason is for IT: standard error (the journal under the unit), not the lobby's screen.
                if isatty(2) == 0 { FileHandle.standardError.write(Data("vuoro-display: \(error)\n".utf8)) }
                draw(on: term, lang: lang, highlight: false, status: status)
                if Terminal.quits(term.waitForKey(seconds: backoff)) { return }
                backoff = min(30, backoff * 2)
            }
        }
    }

    /// The screen at the terminal's size, with the QR code of the services page where it fits.
    func draw(on term: Terminal, lang: String, highlight: Bool, status: String?) {
        let size = term.size
        let lines = model.screen(
            width: size.columns, height: size.rows, lang: lang, highlight: highlight, status: status)
        term.draw(lines, overlay: model.codeOverlay(lines, width: size.columns, height: size.rows))
    }

    func announce(_ until: inout Date, on term: Terminal) {
        until = Date().addingTimeInterval(4)
        if !quiet { term.write("\u{7}") }
    }
}

// What the kiosk tells the daemon about itself (`KIOSK`): that it is alive, and its printer's paper.
import Foundation
import VuoroClient
import VuoroProtocol

/// The kiosk's printer as last seen, and when the daemon was last told.
struct PaperWatch {
    let name: String
    /// Seconds between reports while no slip is printed.
    let every: Double
    /// "ok", "low", "out" or "unknown" (`KIOSK`'s `paper=`).
    private(set) var paper = "unknown"
    private var reported: (paper: String, at: Date)?
    /// Status queries left unanswered in a row: after three the printer is taken not to answer them, and is not
    /// asked again (each would hold the kiosk for half a second).
    private var unanswered = 0

    init(name: String, every: Double) {
        self.name = name
        self.every = every
    }

    /// Asks the printer on `out`, just opened (it takes data), for its paper, unless it has shown that it does
    /// not answer: then, or for a text output, its paper is unknown.
    mutating func check(_ out: SlipOutput, format: SlipFormat) {
        guard format == .escpos, unanswered < 3 else {
            paper = "unknown"
            return
        }
        if let p = out.paperStatus() {
            paper = p
            unanswered = 0
        } else {
            unanswered += 1
            if unanswered >= 3 { paper = "unknown" }
        }
    }

    /// A printer that cannot be opened, or takes no data, cannot print: as good as out of paper for a visitor.
    mutating func cannotPrint() { paper = "out" }

    /// Opens the printer briefly to ask it, between visitors.
    mutating func probe(_ output: String?, format: SlipFormat) {
        guard let output else { return }
        do {
            check(try SlipOutput(output, timeout: 0.5), format: format)
        } catch {
            cannotPrint()
        }
    }

    /// Time to ask the printer and report again; never once the daemon has refused reports (the printer is then
    /// asked only when a visitor presses).
    var isDue: Bool { daemonTakesReports && (reported.map { Date().timeIntervalSince($0.at) >= every } ?? true) }

    /// False once the daemon refused a report: one older than 0.12 (`unknown-command`), or a token whose role may
    /// not report. The kiosk issues all the same, and does not ask again.
    private(set) var daemonTakesReports = true

    /// Reports to the daemon when the paper changed, or when due.
    mutating func report(on c: ClientConnection, onEvent: ((Event) -> Void)? = nil) throws {
        guard daemonTakesReports, isDue || reported?.paper != paper else { return }
        do {
            try c.call(.kiosk(name: name, paper: paper), onEvent: onEvent)
        } catch ClientError.refused(let code, _) where code == "unknown-command" || code == "not-allowed" {
            daemonTakesReports = false
            return
        }
        reported = (paper, Date())
    }

    /// The host name, as a kiosk's name: 1 to 32 of `A-Z a-z 0-9 - _ .`, other characters as `-`.
    static func hostName() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        gethostname(&buf, buf.count)
        let raw = String(cString: buf)
        let cleaned = String(
            raw.unicodeScalars.prefix(32).map { c in
                c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || "-_.".unicodeScalars.contains(c))
                    ? Character(c) : "-"
            })
        return cleaned.isEmpty ? "kiosk" : cleaned
    }
}

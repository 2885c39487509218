// The full-screen kiosk in a pseudo-terminal (tmux): languages, the daemon out of reach, a mashed key, restarts,
// the next visitor, and a centre of eleven services.
import Foundation
import Testing
import VuoroClient
import VuoroCore
import VuoroProtocol
import VuoroTestSupport

#if canImport(Glibc)
    import Glibc
#endif

@Suite(.serialized) struct KioskRussianTests {
    /// A centre that adds Russian and Ukrainian for its information point's visitors: the kiosk speaks them, and
    /// the slip prints in the printer's Cyrillic code page, not question marks.
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func theKioskAndTheSlipInRussian() async throws {
        var config = CentreConfig.demo
        config.languages += ["ru", "uk"]
        config.queues[0].names["ru"] = "Кела"
        config.queues[0].names["uk"] = "Кела"
        let server = try await TestServer(config: config)
        let slips = server.directory + "/slips.bin"
        let kiosk = try Tmux(
            "\(executable("vuoro-ticket")) --kiosk --server 127.0.0.1:\(server.port) --lang ru --format escpos --output \(slips)"
        )
        #expect(try kiosk.waitFor("Выберите услугу"), kiosk.dump)
        #expect(try kiosk.screen().contains("1  Кела"), kiosk.dump)
        try kiosk.keys("1")
        #expect(try kiosk.waitFor("Ваш номер"), kiosk.dump)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: slips)))
        let expected = [0x1B, 0x74, 17] + CP866.encode("Кела")!
        #expect(bytes.indices.contains { bytes[$0...].starts(with: expected) }, "\(bytes)")
        #expect(bytes.indices.contains { bytes[$0...].starts(with: CP866.encode("Место в очереди: 1")!) })
        #expect(!bytes.contains(0x3F), "a question mark on the slip")
        try kiosk.keys("l")
        #expect(try kiosk.waitFor("Оберіть послугу"), kiosk.dump)
        try kiosk.keys("C-c")
        await server.stop()
    }
}

@Suite(.serialized) struct KioskOfflineTests {
    /// The daemon out of reach: the visitor reads, in the kiosk's language, that no numbers can be taken, rather
    /// than an empty screen and a connection error in English.
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func theKioskSaysNoNumbersCanBeTaken() throws {
        let kiosk = try Tmux("\(executable("vuoro-ticket")) --kiosk --server 127.0.0.1:1 --lang fi")
        #expect(try kiosk.waitFor("Numeroita ei juuri nyt voi ottaa. Kysy neuvontapisteestä."), kiosk.dump)
        #expect(try kiosk.screen().contains("Ei yhteyttä palvelimeen, yritetään uudelleen"), kiosk.dump)
        #expect(!(try kiosk.screen().contains("Connection refused")), kiosk.dump)
        try kiosk.keys("C-c")
    }
}

@Suite(.serialized) struct KioskCooldownTests {
    /// A key pressed again and again (a double press, a child at play) printed a number each time, for visitors
    /// who never came. While the last number is shown, the queue keys issue nothing.
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func aKeyMashedIssuesOneTicket() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        let slips = server.directory + "/slips.txt"
        let kiosk = try Tmux(
            "\(executable("vuoro-ticket")) --kiosk --cooldown 2 --server \(addr) --output \(slips) --lang en")
        #expect(try kiosk.waitFor("Choose a service"))
        for _ in 0..<5 { try kiosk.keys("1") }
        try kiosk.keys("2")
        #expect(try kiosk.waitFor("Your number"), kiosk.dump)
        // The keys that did nothing say why, and the current language is marked.
        #expect(try kiosk.waitFor("One moment: your number was just printed."), kiosk.dump)
        #expect(try kiosk.screen().contains("language: fi / sv / [en]"), kiosk.dump)
        usleep(1_000_000)
        let c = try server.client()
        #expect(try c.request("TICKET K001").hasPrefix("OK K001 state=waiting"))
        #expect(try c.request("TICKET K002").hasPrefix("ERR unknown-ticket"))
        #expect(try c.request("TICKET H001").hasPrefix("ERR unknown-ticket"))
        // Once it has passed, the next visitor gets a number.
        usleep(1_500_000)
        try kiosk.keys("2")
        for _ in 0..<50 where try c.request("TICKET H001").hasPrefix("ERR") { usleep(100_000) }
        #expect(try c.request("TICKET H001").hasPrefix("OK H001 state=waiting"))
        #expect(try c.request("TICKET K002").hasPrefix("ERR unknown-ticket"))
        // A closed service's key says it is closed, in the visitor's language, and issues nothing.
        #expect(try c.request("CLOSE lab") == "OK lab open=0")
        #expect(try kiosk.waitFor("(closed)"), kiosk.dump)
        usleep(2_100_000)
        try kiosk.keys("4")
        #expect(try kiosk.waitFor("Laboratory is closed"), kiosk.dump)
        #expect(try c.request("TICKET L001").hasPrefix("ERR unknown-ticket"))
        // Text slips written one after another to a file stay apart.
        let text = try String(contentsOfFile: slips, encoding: .utf8)
        #expect(text.contains("K001") && text.contains("H001"))
        #expect(text.components(separatedBy: TicketSlip.textCut).count == 3, "\(text)")
        try kiosk.keys("C-c")
        await server.stop()
    }
}

@Suite(.serialized) struct KioskRestartTests {
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func kioskSurvivesADaemonRestart() throws {
        try acrossADaemonRestart(
            { "\(executable("vuoro-ticket")) --kiosk --server \($0) --lang en" }, lost: "No connection to the server, trying again",
            before: { kiosk, _ in
                let shown = try kiosk.waitFor("Choose a service")
                #expect(shown, kiosk.dump)
            },
            after: { kiosk, port in
                #expect(try kiosk.waitFor("2  Health centre"))
                #expect(try kiosk.waitForGone("No connection to the server", seconds: 40), kiosk.dump)
                try kiosk.keys("2")
                #expect(try kiosk.waitFor("Your number"), kiosk.dump)
                #expect(try LineClient(port: port).request("TICKET H001").hasPrefix("OK H001 state=waiting"))
            })
    }
}

@Suite(.serialized) struct KioskVisitorTests {
    /// A public kiosk: a visitor's q or Esc does not end it (staff use Ctrl-C), and after a visitor switched
    /// language the next one finds the kiosk's own language again.
    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func theKioskIsLeftAsTheNextVisitorNeedsIt() async throws {
        let server = try await TestServer()
        let kiosk = try Tmux(
            "\(executable("vuoro-ticket")) --kiosk --server 127.0.0.1:\(server.port) --language-reset 2")
        #expect(try kiosk.waitFor("Valitse palvelu"), kiosk.dump)
        #expect(!(try kiosk.screen().contains("quit")), kiosk.dump)
        try kiosk.keys("q")
        try kiosk.keys("Escape")
        try kiosk.keys("l")
        #expect(try kiosk.waitFor("Välj tjänst"), kiosk.dump)
        #expect(!(try kiosk.waitForEnd(seconds: 0.5)))
        // Two seconds without a key: back to Finnish.
        #expect(try kiosk.waitFor("Valitse palvelu", seconds: 10), kiosk.dump)
        try kiosk.keys("C-c")
        #expect(try kiosk.waitForEnd(), kiosk.dump)
        await server.stop()
    }
}

/// A centre like Iso Omena, with ten services and more under one roof, and names up to 27 letters long.
@Suite(.serialized) struct ElevenServicesTests {
    static let names = [
        ("kela", "K", "Kela"), ("health", "H", "Terveysasema"), ("citizen", "C", "Kansalaisneuvonta"),
        ("clinic", "N", "Äitiys- ja lastenneuvola"), ("lab", "L", "Laboratorio ja kuvantaminen"),
        ("mental", "M", "Mielenterveyspalvelut"), ("library", "B", "Kirjasto"),
        ("info", "I", "Maahanmuuttajien neuvonta"), ("dental", "D", "Suun terveydenhuolto"),
        ("social", "S", "Sosiaalipalvelut"), ("tax", "T", "Verotoimisto"),
    ]
    static let centre = CentreConfig(
        site: "Iso Omena", timeZone: "Europe/Helsinki", languages: ["fi", "sv", "en"],
        queues: names.map { QueueConfig(id: $0.0, prefix: $0.1, names: ["fi": $0.2]) },
        counters: [CounterConfig(id: "1", queues: names.map(\.0))])

    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func everyServiceCanBeChosenAndSeen() async throws {
        let server = try await TestServer(config: Self.centre)
        let addr = "127.0.0.1:\(server.port)"
        let c = try server.client()
        // The kiosk showed nine queues, on keys 1 to 9: the tenth and eleventh could not be chosen.
        let kiosk = try Tmux(
            "\(executable("vuoro-ticket")) --kiosk --cooldown 0 --server \(addr) --output \(server.directory)/slips.txt"
        )
        #expect(try kiosk.waitFor("a  Verotoimisto"), kiosk.dump)
        #expect(try kiosk.screen().contains("0  Sosiaalipalvelut"), kiosk.dump)
        try kiosk.keys("0")
        #expect(try kiosk.waitFor("Vuoronumerosi"), kiosk.dump)
        try kiosk.keys("a")
        for _ in 0..<50 where try c.request("TICKET T001").hasPrefix("ERR") { usleep(100_000) }
        #expect(try c.request("TICKET S001").hasPrefix("OK S001 state=waiting queue=social"))
        #expect(try c.request("TICKET T001").hasPrefix("OK T001 state=waiting queue=tax"))
        // A kiosk at one wing's door: its queues, in its order.
        let wing = try Tmux("\(executable("vuoro-ticket")) --kiosk --server \(addr) --queues lab,health")
        #expect(try wing.waitFor("1  Laboratorio ja kuvantaminen"), wing.dump)
        #expect(try wing.screen().contains("2  Terveysasema"), wing.dump)
        #expect(!(try wing.screen().contains("Kela")), wing.dump)
        // A mistyped one: the kiosk does not start (visitors never see an error in English), and says which
        // queues there are.
        let typo = try Tmux(
            "\(executable("vuoro-ticket")) --kiosk --server \(addr) --queues lab,health,helth; echo exit $?; sleep 60")
        #expect(try typo.waitFor("exit 1"), typo.dump)
        #expect(
            try typo.screen().contains("vuoro-ticket: --queues: no queue 'helth'; the queues are"), typo.dump)
        // The lobby display on a 24-row screen: every queue, the names in one column however long.
        let display = try Tmux("\(executable("vuoro-display")) --server \(addr)", columns: 90, rows: 24)
        #expect(try display.waitFor("Verotoimisto"), display.dump)
        let screen = try display.screen()
        #expect(screen.contains("   Kela" + String(repeating: " ", count: 25) + "0"), display.dump)
        #expect(screen.contains("   Laboratorio ja kuvantaminen  0"), display.dump)
        #expect(screen.contains("   Sosiaalipalvelut             1"), display.dump)
        // The clerk's transfer menu reaches the eleventh queue too.
        // It speaks the site's first language, Finnish here, and names the queues as the visitors see them.
        let desk = try Tmux("\(executable("vuoro-counter")) --counter 1 --server \(addr)")
        #expect(try desk.waitFor("Palvelupiste 1   (auki)"), desk.dump)
        #expect(try desk.screen().contains("n seuraava"), desk.dump)
        try desk.keys("n")
        #expect(try desk.waitFor("Vuorossa S001"), desk.dump)
        #expect(try desk.waitFor("S001 (Sosiaalipalvelut) kutsuttu, odotti 0:"), desk.dump)
        try desk.keys("t")
        #expect(try desk.waitFor("a  Verotoimisto"), desk.dump)
        try desk.keys("a")
        #expect(try desk.waitFor("S001 siirretty jonoon Verotoimisto, sija 1"), desk.dump)
        #expect(try c.request("TICKET S001").hasPrefix("OK S001 state=waiting queue=tax"))
        // "done" with no ticket: the desk says so in Finnish, under its own "Ei asiakasta" line.
        try desk.keys("d")
        var twice = false
        for _ in 0..<100 where !twice {
            twice = try desk.screen().components(separatedBy: "Ei asiakasta").count == 3
            if !twice { usleep(100_000) }
        }
        #expect(twice, desk.dump)
        await server.stop()
    }
}

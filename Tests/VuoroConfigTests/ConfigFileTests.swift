import Foundation
// The TOML configuration: a good file, and each kind of mistake named with its key.
import Testing
import VuoroConfig
import VuoroCore
import VuoroProtocol

@Suite struct ConfigFileTests {
    let good = """
        site = "Iso Omena Service Centre"
        timezone = "Europe/Helsinki"
        languages = ["fi", "sv", "en"]
        max_priority_streak = 3
        holidays = ["2026-12-24"]

        [[queue]]
        id = "kela"
        prefix = "K"
        name = { fi = "Kela", sv = "FPA", en = "Kela" }
        weight = 1.0
        service_time = 480
        hours = "08:00-18:00"

        [[queue]]
        id = "health"
        prefix = "H"
        name = "Terveysasema"
        weight = 2
        hours = { mon-fri = "08:00-16:00", sat = "10:00-14:00" }
        last_ticket_before_close = 15

        [[counter]]
        id = "3"
        queues = ["kela", "health"]

        [[counter]]
        id = 4
        queues = ["health"]
        name = { fi = "huone 4", sv = "rum 4", en = "room 4" }
        """

    @Test func readsAGoodFile() throws {
        let c = try ConfigFile.parse(good, file: "good.toml").centre
        #expect(c.site == "Iso Omena Service Centre")
        #expect(c.queues.map(\.id) == ["kela", "health"])
        #expect(c.queues[0].names["sv"] == "FPA")
        #expect(c.queues[1].names == ["fi": "Terveysasema", "sv": "Terveysasema", "en": "Terveysasema"])
        #expect(c.queues[1].weight == 2.0)
        #expect(c.queues[1].serviceTime == 300)
        #expect(c.queues[1].hours?.description == "mon-fri=08:00-16:00 sat=10:00-14:00")
        #expect(c.queues[1].lastTicketBeforeClose == 15)
        #expect(c.counters.map(\.id) == ["3", "4"])
        #expect(c.counters[0].names.isEmpty)
        #expect(c.counters[1].name(in: "sv", languages: c.languages) == "rum 4")
        #expect(c.counters[0].name(in: "sv", languages: c.languages) == nil)
        #expect(c.holidays == ["2026-12-24"])
        #expect(c.backups == 7)
    }

    func failure(_ text: String) -> ConfigError? {
        do {
            _ = try ConfigFile.parse(text, file: "bad.toml")
            return nil
        } catch { return error }
    }

    @Test(arguments: [
        ("prefix = \"K\"", "prefix = \"k\"", "queue[1].prefix"),
        ("prefix = \"H\"", "prefix = \"K\"", "queue[2].prefix"),
        ("id = \"health\"", "id = \"kela\"", "queue[2].id"),
        ("weight = 1.0", "weight = \"heavy\"", "queue[1].weight"),
        ("service_time = 480", "service_time = 4.5", "queue[1].service_time"),
        ("hours = \"08:00-18:00\"", "hours = \"18:00-08:00\"", "queue[1].hours"),
        ("sat = \"10:00-14:00\"", "caturday = \"10:00-14:00\"", "queue[2].hours"),
        ("timezone = \"Europe/Helsinki\"", "timezone = \"Europe/Espoo\"", "timezone"),
        ("max_priority_streak = 3", "max_priority_strek = 3", "max_priority_strek"),
        ("max_priority_streak = 3", "backups = -1", "backups"),
        ("max_priority_streak = 3", "listen = []", "listen"),
        ("max_priority_streak = 3", "special_hours = { \"2026-02-30\" = \"08:00-14:00\" }", "special_hours.2026-02-30"),
        ("max_priority_streak = 3", "special_hours = { \"2026-12-31\" = \"14:00-08:00\" }", "special_hours.2026-12-31"),
        ("max_priority_streak = 3", "special_hours = { \"2026-12-24\" = \"08:00-12:00\" }", "special_hours.2026-12-24"),
        ("max_priority_streak = 3", "special_hours = \"2026-12-31\"", "special_hours"),
        ("service_time = 480", "special_hours = { \"2026-12-31\" = \"8-14\" }", "queue[1].special_hours.2026-12-31"),
        ("max_priority_streak = 3", "listen = \"0.0.0.0:7411\"", "listen"),
        ("max_priority_streak = 3", "listen = [\"0.0.0.0:7411\", \"port 80\"]", "listen[2]"),
        ("max_priority_streak = 3", "backups = \"nightly\"", "backups"),
        ("max_priority_streak = 3", "web = \"unix:/run/vuoro/web.sock\"", "web"),
        ("max_priority_streak = 3", "web = [\"127.0.0.1:7480\"]", "web"),
        ("queues = [\"health\"]", "queues = [\"dentist\"]", "counter[2].queues"),
        ("id = 4", "id = 3", "counter[2].id"),
        ("holidays = [\"2026-12-24\"]", "holidays = [\"24.12.2026\"]", "holidays[1]"),
        ("holidays = [\"2026-12-24\"]", "holidays = [\"2026-12-24\", \"2027-02-29\"]", "holidays[2]"),
        ("site = \"Iso Omena Service Centre\"", "", "site"),
        ("sv = \"rum 4\"", "de = \"Raum 4\"", "counter[2].name.de"),
        ("sv = \"rum 4\"", "sv = \" \"", "counter[2].name.sv"),
        ("sv = \"rum 4\"", "sv = \"rum 4 i andra våningen, vid hissen\"", "counter[2].name.sv"),
        ("sv = \"rum 4\"", "sv = \"rum\\n4\"", "counter[2].name.sv"),
        ("name = { fi = \"huone 4\", sv = \"rum 4\", en = \"room 4\" }", "name = 4", "counter[2].name"),
        ("name = \"Terveysasema\"", "name = \"\"", "queue[2].name.en"),
    ])
    func namesTheKeyOfEachMistake(from: String, to: String, key: String) throws {
        #expect(good.contains(from))
        let e = try #require(failure(good.replacingOccurrences(of: from, with: to)))
        #expect(e.file == "bad.toml")
        #expect(e.key == key, "\(e)")
        #expect(!e.reason.isEmpty)
    }

    @Test func readsSpecialHours() throws {
        let text = good.replacingOccurrences(
            of: "max_priority_streak = 3",
            with: "special_hours = { \"2026-12-31\" = \"08:00-14:00\", \"2026-06-19\" = \"closed\" }"
        ).replacingOccurrences(
            of: "service_time = 480", with: "service_time = 480\nspecial_hours = { \"2026-12-19\" = \"10:00-14:00\" }")
        let c = try ConfigFile.parse(text, file: "good.toml").centre
        #expect(c.specialHours == ["2026-12-31": [OpenPeriod(start: 480, end: 840)], "2026-06-19": []])
        #expect(c.queues[0].specialHours == ["2026-12-19": [OpenPeriod(start: 600, end: 840)]])
    }

    @Test func readsWhereToListen() throws {
        let text = good.replacingOccurrences(
            of: "max_priority_streak = 3", with: "listen = [\"0.0.0.0:7411\", \"unix:/run/vuoro/a.sock\"]")
        let c = try ConfigFile.parse(text, file: "good.toml")
        #expect(c.listen == [.tcp(host: "0.0.0.0", port: 7411), .unix(path: "/run/vuoro/a.sock")])
        #expect(try ConfigFile.parse(good, file: "good.toml").listen == [])
        #expect(try ConfigFile.parse(good, file: "good.toml").web == nil)
        let web = good.replacingOccurrences(of: "max_priority_streak = 3", with: "web = \"127.0.0.1:7480\"")
        #expect(try ConfigFile.parse(web, file: "good.toml").web == .tcp(host: "127.0.0.1", port: 7480))
    }

    /// One name for every language, as for queues.
    @Test func aCounterNameCanBeOneString() throws {
        let c = try ConfigFile.parse(
            good.replacingOccurrences(
                of: "name = { fi = \"huone 4\", sv = \"rum 4\", en = \"room 4\" }", with: "name = \"B214\""),
            file: "good.toml"
        ).centre
        #expect(c.counters[1].names == ["fi": "B214", "sv": "B214", "en": "B214"])
    }

    @Test func readsAccessAndTokens() throws {
        let c = try ConfigFile.parse(
            good
                + "\n[access]\ndefault_role = \"kiosk\"\n[[token]]\nrole = \"counter\"\nsecret = \"abcdefghijkl\"\ncounters = [\"3\"]\n",
            file: "t.toml")
        #expect(c.access.defaultRole == .kiosk)
        #expect(c.access.tokens == [AccessToken(role: .counter, secret: "abcdefghijkl", counters: ["3"])])
        #expect(c.access.token(for: "abcdefghijkl")?.role == .counter)
        #expect(c.access.token(for: "abcdefghijk") == nil)
        #expect(c.access.token(for: "abcdefghijklm") == nil)
    }

    @Test(arguments: [
        ("[access]\ndefault_role = \"boss\"", "access.default_role"),
        ("[access]\nrole = \"kiosk\"", "access.role"),
        ("[[token]]\nrole = \"king\"\nsecret = \"abcdefghijkl\"", "token[1].role"),
        ("[[token]]\nrole = \"kiosk\"\nsecret = \"short\"", "token[1].secret"),
        ("[[token]]\nrole = \"kiosk\"", "token[1].secret"),
        ("[[token]]\nrole = \"kiosk\"\nsecret = \"abcdefghijkl\"\nsecret_file = \"/x\"", "token[1].secret"),
        ("[[token]]\nrole = \"kiosk\"\nsecret_file = \"/nonexistent/t\"", "token[1].secret_file"),
        ("[[token]]\nrole = \"counter\"\nsecret = \"abcdefghijkl\"\ncounters = [\"99\"]", "token[1].counters"),
        (
            "[[token]]\nrole = \"kiosk\"\nsecret = \"abcdefghijkl\"\n[[token]]\nrole = \"admin\"\nsecret = \"abcdefghijkl\"",
            "token[2].secret"
        ),
    ])
    func refusesBadAccess(extra: String, key: String) throws {
        let e = try #require(failure(good + "\n" + extra + "\n"))
        #expect(e.key == key, "\(e)")
    }

    @Test func syntaxErrorsGiveTheLine() throws {
        let e = try #require(failure("site = \"x\"\n[[queue]\nid = 1"))
        #expect(e.description.hasPrefix("bad.toml: line 2"))
    }

    @Test func exampleConfigurationIsValid() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let c = try ConfigFile.load(path: root.appendingPathComponent("config/vuoro.example.toml").path).centre
        #expect(c.queues.map(\.prefix) == ["K", "H", "C", "L"])
        #expect(c.queues[0].hours?.description == "mon-fri=08:00-18:00 sat=10:00-14:00")
    }

    @Test func missingFileIsNamed() throws {
        do {
            _ = try ConfigFile.load(path: "/nonexistent/vuoro.toml")
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.description == "/nonexistent/vuoro.toml: cannot be read")
        }
    }
}

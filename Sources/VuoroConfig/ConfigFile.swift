// Reads a centre's TOML configuration, naming the file, the key and the reason for anything refused.
import Foundation
import TOMLKit
import VuoroCore
import VuoroProtocol

/// Everything a configuration file sets: the centre, and who may do what.
public struct Configuration: Equatable, Sendable {
    public var centre: CentreConfig
    public var access: AccessConfig
    /// The files that hold token secrets: the configuration itself when a token has `secret`, and every
    /// `secret_file`.
    public var secretFiles: [String] = []
    /// Where to listen (`listen = ["0.0.0.0:7411"]`); empty when the file does not say. `--listen` wins.
    public var listen: [ListenAddress] = []
    /// Where to serve the visitors' web pages (`web = "127.0.0.1:7480"`); nil when the file does not say.
    /// `--web` wins.
    public var web: ListenAddress?
    /// Where backups go (`backup_dir = "/var/backups/vuoro"`); nil: `backups/` in the state directory.
    /// `--backup-dir` wins.
    public var backupDirectory: String?
    /// Who runs the daemon, as Web Push services are told (VAPID's subject): `mailto:it@example.fi`.
    public var pushContact: String?
    /// Where to serve the booking systems' HTTP API (`api = "127.0.0.1:7490"`); nil when the file does not say.
    /// `--api` wins.
    public var api: ListenAddress?
    public init(centre: CentreConfig, access: AccessConfig = AccessConfig()) {
        self.centre = centre
        self.access = access
    }
}

/// A configuration refused: which file, which key, and why.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let key: String
    public let reason: String
    public var description: String { key.isEmpty ? "\(file): \(reason)" : "\(file): \(key): \(reason)" }
}

/// Parses configuration files into a `CentreConfig`.
public enum ConfigFile {
    /// A warning for each file of token secrets that every user of the machine may read.
    public static func exposedSecrets(_ config: Configuration) -> [String] {
        config.secretFiles.compactMap { path in
            guard let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int,
                mode & 0o004 != 0
            else { return nil }
            return "\(path) holds token secrets and every user of this machine may read it (mode "
                + String(mode & 0o777, radix: 8)
                + "); keep secrets readable by vuorod alone (under systemd: LoadCredential=, see docs/operating.md)"
        }
    }

    /// Reads and checks `path`.
    public static func load(path: String) throws(ConfigError) -> Configuration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, key: "", reason: "cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, key: "", reason: "is not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    /// Parses TOML text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> Configuration {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            throw ConfigError(
                file: file, key: "",
                reason: "line \(e.source.begin.line), column \(e.source.begin.column): \(e.description)")
        } catch {
            throw ConfigError(file: file, key: "", reason: "\(error)")
        }
        var r = Reader(file: file)
        let centre = try r.centre(root)
        var config = Configuration(
            centre: centre, access: try r.access(root, counters: Set(centre.counters.map(\.id))))
        config.secretFiles = r.secretFiles
        config.listen = try r.listen(root)
        config.web = try r.web(root, key: "web")
        config.api = try r.web(root, key: "api")
        if let v = root["backup_dir"] {
            let dir = try r.string(v, "backup_dir")
            guard dir.hasPrefix("/") else { throw r.fail("backup_dir", "must be an absolute path") }
            config.backupDirectory = dir
        }
        if let v = root["push_contact"] {
            let c = try r.string(v, "push_contact")
            guard c.hasPrefix("mailto:") || c.hasPrefix("https://") else {
                throw r.fail("push_contact", "'\(c)' must be a mailto: or https:// address")
            }
            config.pushContact = c
        }
        return config
    }
}

/// Walks the TOML tree, checking types and refusing unknown keys.
struct Reader {
    let file: String
    /// Where the token secrets read so far came from.
    var secretFiles: [String] = []

    func fail(_ key: String, _ reason: String) -> ConfigError { ConfigError(file: file, key: key, reason: reason) }

    func known(_ table: TOMLTable, _ keys: Set<String>, at path: String) throws(ConfigError) {
        for k in table.keys.sorted() where !keys.contains(k) {
            throw fail(
                path.isEmpty ? k : "\(path).\(k)", "unknown key (known: \(keys.sorted().joined(separator: ", ")))")
        }
    }

    func string(_ v: TOMLValueConvertible, _ key: String) throws(ConfigError) -> String {
        guard let s = v.string else { throw fail(key, "must be a string, not \(v.type)") }
        for u in s.unicodeScalars where u.value < 32 || u.value == 127 {
            throw fail(key, "must not hold control characters")
        }
        return s
    }

    func int(_ v: TOMLValueConvertible, _ key: String) throws(ConfigError) -> Int {
        guard let i = v.int else { throw fail(key, "must be an integer, not \(v.type)") }
        return i
    }

    func number(_ v: TOMLValueConvertible, _ key: String) throws(ConfigError) -> Double {
        if let d = v.double { return d }
        if let i = v.int { return Double(i) }
        throw fail(key, "must be a number, not \(v.type)")
    }

    func strings(_ v: TOMLValueConvertible, _ key: String) throws(ConfigError) -> [String] {
        guard let a = v.array else { throw fail(key, "must be an array of strings, not \(v.type)") }
        var out: [String] = []
        for (i, e) in a.enumerated() { out.append(try string(e, "\(key)[\(i + 1)]")) }
        return out
    }

    func tables(_ v: TOMLValueConvertible, _ key: String) throws(ConfigError) -> [TOMLTable] {
        guard let a = v.array else { throw fail(key, "must be an array of tables, written [[\(key)]]") }
        var out: [TOMLTable] = []
        for (i, e) in a.enumerated() {
            guard let t = e.table else { throw fail("\(key)[\(i + 1)]", "must be a table, not \(e.type)") }
            out.append(t)
        }
        return out
    }

    mutating func centre(_ root: TOMLTable) throws(ConfigError) -> CentreConfig {
        try known(
            root,
            [
                "site", "timezone", "languages", "max_priority_streak", "holidays", "queue", "counter", "access",
                "token",
                "wait_target", "retention_days", "backups", "listen", "web", "special_hours", "backup_dir", "board",
                "max_boards", "web_url", "max_steps_back", "push_contact", "booking_early", "booking_grace",
                "booking_late", "api",
            ], at: "")
        guard let siteV = root["site"] else { throw fail("site", "is missing") }
        let site = try string(siteV, "site")
        let tz = try root["timezone"].map { v throws(ConfigError) in try string(v, "timezone") } ?? "Europe/Helsinki"
        guard ServiceCalendar(timeZoneIdentifier: tz) != nil else {
            throw fail("timezone", "'\(tz)' is not a time zone of the tz database, such as Europe/Helsinki")
        }
        let languages =
            try root["languages"].map { v throws(ConfigError) in try strings(v, "languages") } ?? ["fi", "sv", "en"]
        for (i, l) in languages.enumerated() {
            guard (2...8).contains(l.count), l.allSatisfy({ $0.isASCII && $0.isLowercase }) else {
                throw fail("languages[\(i + 1)]", "'\(l)' is not a lower-case language code such as fi")
            }
        }
        if Set(languages).count != languages.count { throw fail("languages", "names a language twice") }
        let streak =
            try root["max_priority_streak"].map { v throws(ConfigError) in try int(v, "max_priority_streak") } ?? 3
        var holidays = Set<String>()
        for (i, d) in (try root["holidays"].map { v throws(ConfigError) in try strings(v, "holidays") } ?? [])
            .enumerated()
        {
            guard isCalendarDate(d) else { throw fail("holidays[\(i + 1)]", "'\(d)' is not a date YYYY-MM-DD") }
            holidays.insert(d)
        }
        guard let queueV = root["queue"] else { throw fail("queue", "at least one [[queue]] is needed") }
        var queues: [QueueConfig] = []
        for (i, t) in try tables(queueV, "queue").enumerated() { queues.append(try queue(t, "queue[\(i + 1)]")) }
        var counters: [CounterConfig] = []
        if let counterV = root["counter"] {
            for (i, t) in try tables(counterV, "counter").enumerated() {
                counters.append(try counter(t, "counter[\(i + 1)]"))
            }
        }
        // A plain string name serves every language.
        func spread(_ names: inout [String: String]) {
            if let plain = names.removeValue(forKey: "*") { for l in languages { names[l] = plain } }
        }
        for i in queues.indices { spread(&queues[i].names) }
        for i in counters.indices { spread(&counters[i].names) }
        let waitTarget = try root["wait_target"].map { v throws(ConfigError) in try int(v, "wait_target") } ?? 1800
        let retention = try root["retention_days"].map { v throws(ConfigError) in try int(v, "retention_days") } ?? 90
        let backups = try root["backups"].map { v throws(ConfigError) in try int(v, "backups") } ?? 7
        let special = try specialHours(root, at: "")
        var config = CentreConfig(
            site: site, timeZone: tz, languages: languages, maxPriorityStreak: streak, holidays: holidays,
            queues: queues, counters: counters, waitTarget: waitTarget, retentionDays: retention,
            backups: backups, specialHours: special)
        if let v = root["board"] {
            for (i, t) in try tables(v, "board").enumerated() { config.boards.append(try board(t, "board[\(i + 1)]")) }
        }
        if let v = root["max_boards"] { config.maxBoards = try int(v, "max_boards") }
        if let v = root["web_url"] { config.webURL = try string(v, "web_url") }
        if let v = root["max_steps_back"] { config.maxStepsBack = try int(v, "max_steps_back") }
        if let v = root["booking_early"] { config.bookingEarly = try int(v, "booking_early") }
        if let v = root["booking_grace"] { config.bookingGrace = try int(v, "booking_grace") }
        if let v = root["booking_late"] { config.bookingLate = try latePolicy(v, "booking_late") }
        if let p = config.problem() { throw fail(p.key, p.reason) }
        return config
    }

    func queue(_ t: TOMLTable, _ path: String) throws(ConfigError) -> QueueConfig {
        try known(
            t,
            [
                "id", "prefix", "name", "weight", "service_time", "hours", "last_ticket_before_close", "special_hours",
                "discreet", "step_back", "alert_at", "booking_early", "booking_grace", "booking_late",
            ], at: path)
        guard let idV = t["id"] else { throw fail("\(path).id", "is missing") }
        guard let prefixV = t["prefix"] else { throw fail("\(path).prefix", "is missing") }
        let id = try string(idV, "\(path).id")
        let names = try self.names(t, path)
        var hours: OpeningHours?
        if let h = t["hours"] {
            do {
                if let table = h.table {
                    var entries: [(key: String, value: String)] = []
                    for k in table.keys { entries.append((k, try string(table[k]!, "\(path).hours.\(k)"))) }
                    hours = try OpeningHours.parse(weekly: entries)
                } else {
                    hours = try OpeningHours.parse(everyDay: try string(h, "\(path).hours"))
                }
            } catch let e as HoursError {
                throw fail("\(path).hours", e.description)
            } catch let e as ConfigError {
                throw e
            } catch {
                throw fail("\(path).hours", "\(error)")
            }
        }
        var q = QueueConfig(
            id: id, prefix: try string(prefixV, "\(path).prefix"), names: names,
            weight: try t["weight"].map { v throws(ConfigError) in try number(v, "\(path).weight") } ?? 1.0,
            serviceTime: try t["service_time"].map { v throws(ConfigError) in try int(v, "\(path).service_time") }
                ?? 300,
            hours: hours,
            lastTicketBeforeClose: try t["last_ticket_before_close"].map { v throws(ConfigError) in
                try int(v, "\(path).last_ticket_before_close")
            } ?? 0,
            specialHours: try specialHours(t, at: path),
            discreet: try t["discreet"].map { v throws(ConfigError) in try bool(v, "\(path).discreet") } ?? false)
        if let v = t["step_back"] { q.stepBack = try int(v, "\(path).step_back") }
        if let v = t["alert_at"] { q.alertAt = try int(v, "\(path).alert_at") }
        if let v = t["booking_early"] { q.bookingEarly = try int(v, "\(path).booking_early") }
        if let v = t["booking_grace"] { q.bookingGrace = try int(v, "\(path).booking_grace") }
        if let v = t["booking_late"] { q.bookingLate = try latePolicy(v, "\(path).booking_late") }
        return q
    }

    func latePolicy(_ v: TOMLValueConvertible, _ key: String) throws(ConfigError) -> LatePolicy {
        let s = try string(v, key)
        guard let p = LatePolicy(rawValue: s) else { throw fail(key, "'\(s)' must be \"walk-in\" or \"desk\"") }
        return p
    }

    func bool(_ v: TOMLValueConvertible, _ key: String) throws(ConfigError) -> Bool {
        guard let b = v.bool else { throw fail(key, "must be true or false, not \(v.type)") }
        return b
    }

    /// `[[board]]`: a lobby board named in the configuration.
    func board(_ t: TOMLTable, _ path: String) throws(ConfigError) -> BoardConfig {
        try known(t, ["id", "queues", "counter", "languages", "speak"], at: path)
        guard let idV = t["id"] else { throw fail("\(path).id", "is missing") }
        var counter: String?
        if let c = t["counter"] {
            if let n = c.int { counter = String(n) } else { counter = try string(c, "\(path).counter") }
        }
        func list(_ key: String) throws(ConfigError) -> [String] {
            try t[key].map { v throws(ConfigError) in try strings(v, "\(path).\(key)") } ?? []
        }
        return BoardConfig(
            id: try string(idV, "\(path).id"), queues: try list("queues"), counter: counter,
            languages: try list("languages"), speak: try list("speak"))
    }

    /// `special_hours = { "2026-12-31" = "08:00-14:00", "2026-06-19" = "closed" }`: the hours of single dates,
    /// instead of the weekly ones.
    /// `path` is the table's own: "" for the top level, "queue[2]" for a queue.
    func specialHours(_ t: TOMLTable, at path: String) throws(ConfigError) -> [String: [OpenPeriod]] {
        let key = path.isEmpty ? "special_hours" : "\(path).special_hours"
        guard let v = t["special_hours"] else { return [:] }
        guard let table = v.table else {
            throw fail(key, "must be a table of dates, such as { \"2026-12-31\" = \"08:00-14:00\" }")
        }
        var out: [String: [OpenPeriod]] = [:]
        for date in table.keys {
            guard isCalendarDate(date) else { throw fail("\(key).\(date)", "'\(date)' is not a date YYYY-MM-DD") }
            let text = try string(table[date]!, "\(key).\(date)")
            do {
                out[date] = try OpeningHours.parsePeriods(text)
            } catch let e as HoursError {
                throw fail("\(key).\(date)", e.description)
            } catch {
                throw fail("\(key).\(date)", "\(error)")
            }
        }
        return out
    }

    /// `name = "Kela"` for every language (keyed "*" until the languages are known), or
    /// `name = { fi = "...", sv = "..." }`.
    func names(_ t: TOMLTable, _ path: String) throws(ConfigError) -> [String: String] {
        guard let n = t["name"] else { return [:] }
        guard let table = n.table else { return ["*": try string(n, "\(path).name")] }
        var names: [String: String] = [:]
        for k in table.keys { names[k] = try string(table[k]!, "\(path).name.\(k)") }
        return names
    }

    func counter(_ t: TOMLTable, _ path: String) throws(ConfigError) -> CounterConfig {
        try known(t, ["id", "queues", "name"], at: path)
        guard let idV = t["id"] else { throw fail("\(path).id", "is missing") }
        let id: String
        if let n = idV.int { id = String(n) } else { id = try string(idV, "\(path).id") }
        guard let qV = t["queues"] else { throw fail("\(path).queues", "is missing") }
        let qs = try strings(qV, "\(path).queues")
        if qs.isEmpty { throw fail("\(path).queues", "must name at least one queue") }
        return CounterConfig(id: id, queues: qs, names: try names(t, path))
    }

    /// `listen = ["0.0.0.0:7411", "unix:/run/vuoro/centre.sock"]`: one port per centre when several run on one
    /// machine.
    func listen(_ root: TOMLTable) throws(ConfigError) -> [ListenAddress] {
        guard let v = root["listen"] else { return [] }
        let texts = try strings(v, "listen")
        if texts.isEmpty { throw fail("listen", "must name at least one address, or be left out") }
        var out: [ListenAddress] = []
        for (i, t) in texts.enumerated() {
            guard let a = ListenAddress(t) else {
                throw fail("listen[\(i + 1)]", "'\(t)' is not HOST:PORT, [IPv6]:PORT or unix:PATH")
            }
            out.append(a)
        }
        return out
    }

    /// `web = "127.0.0.1:7480"`: the visitors' web pages, as a rule behind the centre's web server; `api =`: the
    /// booking systems' API.
    func web(_ root: TOMLTable, key: String) throws(ConfigError) -> ListenAddress? {
        guard let v = root[key] else { return nil }
        let t = try string(v, key)
        guard let a = ListenAddress(t), case .tcp = a else { throw fail(key, "'\(t)' is not HOST:PORT") }
        return a
    }

    mutating func access(_ root: TOMLTable, counters: Set<String>) throws(ConfigError) -> AccessConfig {
        var config = AccessConfig()
        if let a = root["access"] {
            guard let t = a.table else { throw fail("access", "must be a table, written [access]") }
            try known(t, ["default_role"], at: "access")
            if let r = t["default_role"] {
                let name = try string(r, "access.default_role")
                guard let role = Role(name: name) else {
                    throw fail("access.default_role", "'\(name)' is not a role: display, kiosk, counter, booking or admin")
                }
                config.defaultRole = role
            }
        }
        guard let tokensV = root["token"] else { return config }
        var secrets = Set<[UInt8]>()
        for (i, t) in try tables(tokensV, "token").enumerated() {
            let path = "token[\(i + 1)]"
            try known(t, ["role", "secret", "secret_file", "counters"], at: path)
            guard let roleV = t["role"] else { throw fail("\(path).role", "is missing") }
            let name = try string(roleV, "\(path).role")
            guard let role = Role(name: name) else {
                throw fail("\(path).role", "'\(name)' is not a role: display, kiosk, counter, booking or admin")
            }
            var secret: String
            switch (t["secret"], t["secret_file"]) {
            case (let s?, nil):
                secret = try string(s, "\(path).secret")
                if !secretFiles.contains(file) { secretFiles.append(file) }
            case (nil, let f?):
                let file = try string(f, "\(path).secret_file")
                guard let data = FileManager.default.contents(atPath: file),
                    let text = String(data: data, encoding: .utf8)
                else { throw fail("\(path).secret_file", "'\(file)' cannot be read") }
                secret = text
                while secret.last == "\n" || secret.last == "\r" { secret.removeLast() }
                if !secretFiles.contains(file) { secretFiles.append(file) }
            case (nil, nil): throw fail("\(path).secret", "is missing (or give secret_file)")
            default: throw fail("\(path).secret", "give secret or secret_file, not both")
            }
            guard secret.utf8.count >= 12, !secret.contains(" ") else {
                throw fail("\(path).secret", "must be at least 12 characters without spaces")
            }
            guard secrets.insert(Array(secret.utf8)).inserted else {
                throw fail("\(path).secret", "is the same as another token's")
            }
            var limit: Set<String>?
            if let c = t["counters"] {
                let ids = try strings(c, "\(path).counters")
                for id in ids where !counters.contains(id) {
                    throw fail("\(path).counters", "no counter has the id '\(id)'")
                }
                limit = Set(ids)
            }
            config.tokens.append(AccessToken(role: role, secret: secret, counters: limit))
        }
        return config
    }
}

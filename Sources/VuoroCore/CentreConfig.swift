// What a service centre is made of, as its configuration says: site, queues, counters and the fairness rule.

/// A queue's identity in the protocol: lower-case letters, digits, `-` and `_`.
public typealias QueueID = String
/// A counter's identity in the protocol, such as `3`.
public typealias CounterID = String

/// One service's queue as configured.
public struct QueueConfig: Equatable, Sendable {
    public var id: QueueID
    /// One or two capital letters that start its ticket numbers.
    public var prefix: String
    /// The queue's name per language code.
    public var names: [String: String]
    /// Multiplies seconds waited when counters serving several queues choose among them.
    public var weight: Double
    /// Seconds one service takes, until today's services give a measured mean.
    public var serviceTime: Int
    /// When tickets are handed out; nil means always.
    public var hours: OpeningHours?
    /// Minutes before the end of an opening period when the last ticket is handed out.
    public var lastTicketBeforeClose: Int
    /// Hours of single dates that replace the weekly ones ("2026-12-31" → 08:00-14:00; no periods: closed).
    public var specialHours: [String: [OpenPeriod]]
    /// Calls of this queue are never spoken, and are shown only on boards that name it (mental health services,
    /// substance abuse services: being seen called there says too much).
    public var discreet: Bool
    /// Places a ticket moves back when its visitor asks for more time (`STEPBACK`); 0 turns that off.
    public var stepBack: Int = 5
    /// Places from the front at which a visitor following the ticket's page (or its push messages) is alerted.
    public var alertAt: Int = 3
    /// The queue's own booking rules, in place of the centre's (`booking_early`, `booking_grace`, `booking_late`).
    public var bookingEarly: Int?
    public var bookingGrace: Int?
    public var bookingLate: LatePolicy?

    public init(
        id: QueueID, prefix: String, names: [String: String], weight: Double = 1.0, serviceTime: Int = 300,
        hours: OpeningHours? = nil, lastTicketBeforeClose: Int = 0, specialHours: [String: [OpenPeriod]] = [:],
        discreet: Bool = false
    ) {
        self.discreet = discreet
        self.id = id
        self.prefix = prefix
        self.names = names
        self.weight = weight
        self.serviceTime = serviceTime
        self.hours = hours
        self.lastTicketBeforeClose = lastTicketBeforeClose
        self.specialHours = specialHours
    }

    /// The name in `lang`, else in the first of `languages` that has one, else the id.
    public func name(in lang: String?, languages: [String]) -> String {
        localized(names, in: lang, languages: languages) ?? id
    }
}

/// What a check-in later than the grace allows does.
public enum LatePolicy: String, Equatable, Sendable {
    /// The visitor gets a number of the queue as a walk-in.
    case walkIn = "walk-in"
    /// The kiosk sends the visitor to the information desk, whose staff decide (and may check in with `force`).
    case desk
}

/// One counter as configured.
public struct CounterConfig: Equatable, Sendable {
    public var id: CounterID
    public var queues: [QueueID]
    /// What the screens call it, per language code ("huone 214", "rum 214", "room 214"); none configured, and
    /// clients say "counter" and the id in their own language.
    public var names: [String: String]
    public init(id: CounterID, queues: [QueueID], names: [String: String] = [:]) {
        self.id = id
        self.queues = queues
        self.names = names
    }

    /// The name in `lang`, else in the first of `languages` that has one; nil when it has none.
    public func name(in lang: String?, languages: [String]) -> String? {
        localized(names, in: lang, languages: languages)
    }
}

/// A name in `lang`, else in the first of `languages` that has one, else any; nil when there is none.
func localized(_ names: [String: String], in lang: String?, languages: [String]) -> String? {
    if let lang, let n = names[lang] { return n }
    for l in languages { if let n = names[l] { return n } }
    return names.values.sorted().first
}

/// The whole centre.
public struct CentreConfig: Equatable, Sendable {
    public var site: String
    public var timeZone: String
    public var languages: [String]
    /// Consecutive priority calls at one counter after which, while normal tickets wait, priority is ignored once.
    /// 0 turns the rule off.
    public var maxPriorityStreak: Int
    /// Dates (`YYYY-MM-DD`) on which every queue is closed.
    public var holidays: Set<String>
    /// Hours of single dates for every queue, replacing their weekly hours ("2026-12-31" → 08:00-14:00, the
    /// centre closing early on New Year's Eve); a queue's own `specialHours` for the date win.
    public var specialHours: [String: [OpenPeriod]]
    public var queues: [QueueConfig]
    public var counters: [CounterConfig]
    /// Seconds of waiting above which a ticket counts as over the target in the statistics.
    public var waitTarget: Int
    /// Finished tickets older than this many days are deleted, after their day's statistics are kept.
    public var retentionDays: Int
    /// Nightly backups kept in the state directory's `backups/`, one per service day; 0 makes none.
    public var backups: Int
    /// Times one ticket may step back.
    public var maxStepsBack = 2
    /// Minutes before its due time from which a checked-in booking may be called (earlier check-ins wait for it).
    public var bookingEarly = 15
    /// Minutes after its due time up to which a booking checks in as booked.
    public var bookingGrace = 10
    /// What a later check-in does.
    public var bookingLate = LatePolicy.walkIn
    /// The lobby boards named in the configuration (`/board/<id>`).
    public var boards: [BoardConfig] = []
    /// Boards streaming at once, past which a new one gets a 503 page.
    public var maxBoards = 256
    /// Where visitors' phones reach the web pages (the kiosks' `--web-url`): the boards' QR code names it; nil: the
    /// address the board itself was opened at.
    public var webURL: String?

    public init(
        site: String, timeZone: String, languages: [String], maxPriorityStreak: Int = 3, holidays: Set<String> = [],
        queues: [QueueConfig], counters: [CounterConfig], waitTarget: Int = 1800, retentionDays: Int = 90,
        backups: Int = 7, specialHours: [String: [OpenPeriod]] = [:]
    ) {
        self.waitTarget = waitTarget
        self.retentionDays = retentionDays
        self.backups = backups
        self.site = site
        self.timeZone = timeZone
        self.languages = languages
        self.maxPriorityStreak = maxPriorityStreak
        self.holidays = holidays
        self.specialHours = specialHours
        self.queues = queues
        self.counters = counters
    }

    /// Checks what holds across entries (unique ids and prefixes, counters naming known queues).
    /// Returns the first problem as (key, reason), or nil.
    public func problem() -> (key: String, reason: String)? {
        if site.isEmpty { return ("site", "must not be empty") }
        if languages.isEmpty { return ("languages", "must name at least one language") }
        if maxPriorityStreak < 0 { return ("max_priority_streak", "must be 0 or more") }
        if waitTarget < 1 { return ("wait_target", "must be at least 1 second") }
        if retentionDays < 1 || retentionDays > 3650 { return ("retention_days", "must be 1 to 3650 days") }
        if backups < 0 || backups > 366 { return ("backups", "must be 0 (none) to 366 nightly backups") }
        if maxStepsBack < 0 || maxStepsBack > 10 { return ("max_steps_back", "must be 0 to 10") }
        if bookingEarly < 0 || bookingEarly > 240 { return ("booking_early", "must be 0 to 240 minutes") }
        if bookingGrace < 0 || bookingGrace > 240 { return ("booking_grace", "must be 0 to 240 minutes") }
        if queues.isEmpty { return ("queue", "at least one [[queue]] is needed") }
        if let p = CentreConfig.specialProblem(specialHours, holidays: holidays) { return ("special_hours\(p.0)", p.1) }
        var ids = Set<String>()
        var prefixes = Set<String>()
        for (i, q) in queues.enumerated() {
            let key = "queue[\(i + 1)]"
            if !CentreConfig.isValidID(q.id) {
                return ("\(key).id", "'\(q.id)' must be 1 to 32 of a-z, 0-9, - and _, starting with a letter or digit")
            }
            if !ids.insert(q.id).inserted { return ("\(key).id", "'\(q.id)' is used by another queue") }
            if !CentreConfig.isValidPrefix(q.prefix) {
                return ("\(key).prefix", "'\(q.prefix)' must be 1 or 2 capital letters A-Z")
            }
            if !prefixes.insert(q.prefix).inserted {
                return ("\(key).prefix", "'\(q.prefix)' is used by another queue")
            }
            if !(q.weight > 0 && q.weight <= 1000) { return ("\(key).weight", "must be more than 0 and at most 1000") }
            if q.serviceTime < 1 || q.serviceTime > 86_400 {
                return ("\(key).service_time", "must be 1 to 86400 seconds")
            }
            if q.lastTicketBeforeClose < 0 || q.lastTicketBeforeClose > 1440 {
                return ("\(key).last_ticket_before_close", "must be 0 to 1440 minutes")
            }
            if let p = CentreConfig.specialProblem(q.specialHours, holidays: holidays) {
                return ("\(key).special_hours\(p.0)", p.1)
            }
            if q.stepBack < 0 || q.stepBack > 100 { return ("\(key).step_back", "must be 0 (off) to 100 places") }
            if q.alertAt < 0 || q.alertAt > 100 { return ("\(key).alert_at", "must be 0 (off) to 100 places") }
            if let m = q.bookingEarly, m < 0 || m > 240 { return ("\(key).booking_early", "must be 0 to 240 minutes") }
            if let m = q.bookingGrace, m < 0 || m > 240 { return ("\(key).booking_grace", "must be 0 to 240 minutes") }
            if let p = CentreConfig.namesProblem(q.names, languages: languages, longest: nil) {
                return ("\(key).name\(p.0)", p.1)
            }
        }
        var counterIDs = Set<String>()
        for (i, c) in counters.enumerated() {
            let key = "counter[\(i + 1)]"
            if !CentreConfig.isValidID(c.id) {
                return ("\(key).id", "'\(c.id)' must be 1 to 32 of a-z, 0-9, - and _")
            }
            if !counterIDs.insert(c.id).inserted { return ("\(key).id", "'\(c.id)' is used by another counter") }
            for q in c.queues where !ids.contains(q) { return ("\(key).queues", "no queue has the id '\(q)'") }
            // A counter's name is shown inline, "K004 → huone 214 (Terveysasema)".
            if let p = CentreConfig.namesProblem(c.names, languages: languages, longest: 24) {
                return ("\(key).name\(p.0)", p.1)
            }
        }
        return boardsProblem()
    }

    /// A special date that is a holiday as well (closed all day either way: one of the two is a mistake).
    static func specialProblem(_ special: [String: [OpenPeriod]], holidays: Set<String>) -> (String, String)? {
        for date in special.keys.sorted() where holidays.contains(date) {
            return (".\(date)", "\(date) is a holiday, closed all day")
        }
        return nil
    }

    /// What is wrong with a queue's or counter's names: a language the site does not have, an empty name, one
    /// over more than a line, or one longer than `longest`. Returns the key's suffix (".fi") and the reason.
    static func namesProblem(_ names: [String: String], languages: [String], longest: Int?) -> (String, String)? {
        for (lang, name) in names.sorted(by: { $0.key < $1.key }) {
            if !languages.contains(lang) { return (".\(lang)", "'\(lang)' is not one of languages \(languages)") }
            if name.allSatisfy(\.isWhitespace) { return (".\(lang)", "must not be empty") }
            if let longest, name.count > longest {
                return (".\(lang)", "is \(name.count) characters; at most \(longest) fit the screens")
            }
            if name.contains(where: { $0.isNewline || $0 == "\t" }) {
                return (".\(lang)", "must be one line, without tabs")
            }
        }
        return nil
    }

    public static func isValidID(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 32 else { return false }
        for (i, b) in s.utf8.enumerated() {
            let ok = (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || (i > 0 && (b == 45 || b == 95))
            if !ok { return false }
        }
        return true
    }

    public static func isValidPrefix(_ s: String) -> Bool {
        (1...2).contains(s.utf8.count) && s.utf8.allSatisfy { $0 >= 65 && $0 <= 90 }
    }

    /// The built-in demo centre that `vuorod` runs without `--config`: four services under one roof.
    public static let demo: CentreConfig = {
        // Always open, so that `make run` serves tickets at any hour.
        CentreConfig(
            site: "Iso Omena Service Centre (demo)",
            timeZone: "Europe/Helsinki",
            languages: ["fi", "sv", "en"],
            maxPriorityStreak: 3,
            queues: [
                QueueConfig(
                    id: "kela", prefix: "K", names: ["fi": "Kela", "sv": "FPA", "en": "Kela"], weight: 1.0,
                    serviceTime: 480),
                QueueConfig(
                    id: "health", prefix: "H",
                    names: ["fi": "Terveysasema", "sv": "Hälsostation", "en": "Health centre"],
                    weight: 1.2, serviceTime: 600),
                QueueConfig(
                    id: "citizen", prefix: "C",
                    names: ["fi": "Kansalaisneuvonta", "sv": "Medborgarrådgivning", "en": "Citizen services"],
                    weight: 1.0, serviceTime: 420),
                QueueConfig(
                    id: "lab", prefix: "L", names: ["fi": "Laboratorio", "sv": "Laboratorium", "en": "Laboratory"],
                    weight: 1.5, serviceTime: 240),
            ],
            counters: [
                CounterConfig(id: "1", queues: ["kela"]),
                CounterConfig(id: "2", queues: ["kela", "citizen"]),
                CounterConfig(id: "3", queues: ["kela", "health"]),
                // The health centre calls to its rooms, the laboratory to its sampling room: named counters.
                CounterConfig(id: "4", queues: ["health"], names: ["fi": "huone 4", "sv": "rum 4", "en": "room 4"]),
                CounterConfig(id: "5", queues: ["citizen"]),
                CounterConfig(
                    id: "6", queues: ["lab"],
                    names: ["fi": "näytteenotto 6", "sv": "provtagning 6", "en": "sampling room 6"]),
            ])
    }()
}

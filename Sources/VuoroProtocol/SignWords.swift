// Words every sign shares, the screens' and the web page's alike: a closed service's next opening, and waits in
// whole minutes.

/// "opens" and the weekdays, Sunday first, per language; English for a language without its own.
public enum SignWords {
    public static let opening: [String: (opens: String, weekdays: [String])] = [
        "fi": ("avautuu", ["su", "ma", "ti", "ke", "to", "pe", "la"]),
        "sv": ("öppnar", ["sön", "mån", "tis", "ons", "tor", "fre", "lör"]),
        "en": ("opens", ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]),
        "ru": ("откроется", ["вс", "пн", "вт", "ср", "чт", "пт", "сб"]),
        "uk": ("відкриється", ["нд", "пн", "вт", "ср", "чт", "пт", "сб"]),
    ]

    /// The lobby screen's labels, which the web page shares: the latest call's heading, the word for a counter
    /// without a name ("palvelupiste 3"), and a queue's figures.
    public static let screen: [String: (now: String, counter: String, waiting: String, wait: String, closed: String)] =
        [
            "fi": ("Vuorossa", "palvelupiste", "jonossa", "odotus", "suljettu"),
            "sv": ("Nu betjänas", "disk", "i kö", "väntetid", "stängd"),
            "en": ("Now serving", "counter", "waiting", "wait", "closed"),
            "ru": ("Сейчас обслуживается", "окно", "в очереди", "ожидание", "закрыто"),
            "uk": ("Зараз обслуговується", "вікно", "у черзі", "очікування", "зачинено"),
        ]

    /// A spoken call's words: "Vuoronumero K 12, palvelupiste 3"; the word for a counter without a name is the
    /// one a person would say aloud ("servicepunkt" where the screens, short of room, write "disk").
    public static let speech: [String: (number: String, counter: String)] = [
        "fi": ("Vuoronumero", "palvelupiste"),
        "sv": ("Nummer", "servicepunkt"),
        "en": ("Number", "counter"),
        "ru": ("Номер", "окно"),
        "uk": ("Номер", "вікно"),
    ]

    /// What is said for a call of `ticket` to a counter: its configured name in the language, else the word and the
    /// id. The number is said as it reads, without its leading zeros: "K 12" for K012.
    public static func spokenCall(ticket: String, counterName: String?, counterID: String, lang: String) -> String {
        let w = speech[lang] ?? speech["en"]!
        let letters = ticket.prefix { $0.isLetter }
        let digits = ticket.dropFirst(letters.count).drop { $0 == "0" }
        let counter = counterName ?? "\(w.counter) \(counterID)"
        return "\(w.number) \(letters) \(digits.isEmpty ? "0" : digits), \(counter)"
    }

    /// A board whose browser holds its sound until someone touches it: what the button says.
    public static let sound = [
        "fi": "Ääni päälle", "sv": "Slå på ljudet", "en": "Turn the sound on", "ru": "Включить звук",
        "uk": "Увімкнути звук",
    ]

    /// A counter's screen while it pauses.
    public static let paused = ["fi": "tauolla", "sv": "paus", "en": "paused", "ru": "перерыв", "uk": "перерва"]

    /// A screen that lost the daemon: what it shows may be out of date; and when it tries again ("#" seconds).
    public static let offline = [
        "fi": "Ei yhteyttä: tiedot voivat olla vanhentuneita", "sv": "Ingen förbindelse: uppgifterna kan vara gamla",
        "en": "No connection: what is shown may be out of date",
        "ru": "Нет связи: данные могут быть устаревшими", "uk": "Немає зв'язку: дані можуть бути застарілими",
    ]
    public static let retry = [
        "fi": "yritetään uudelleen # s kuluttua", "sv": "försöker igen om # s", "en": "trying again in # s",
        "ru": "повтор через # с", "uk": "повтор через # с",
    ]

    /// Beside the QR code of the services page: where a phone shows the same, for visitors without a slip.
    public static let phone = [
        "fi": "Jonotilanne puhelimeesi:", "sv": "Kösituationen i telefonen:", "en": "Queues on your phone:",
        "ru": "Очереди на вашем телефоне:", "uk": "Черги на вашому телефоні:",
    ]

    public static func opening(_ lang: String) -> (opens: String, weekdays: [String]) {
        opening[lang] ?? opening["en"]!
    }

    /// What a sign says of a closed service's next opening: "avautuu 08:00" when it is today, else with the
    /// weekday (`sundayFirst` 0 to 6): "avautuu ma 08:00".
    public static func opens(lang: String, today: Bool, sundayFirst weekday: Int, time: String) -> String {
        let w = opening(lang)
        return today ? "\(w.opens) \(time)" : "\(w.opens) \(w.weekdays[weekday]) \(time)"
    }
}

/// A wait in seconds as whole minutes, rounded up, at least 1: what a sign says as "~3 min".
public func waitMinutes(_ seconds: Int) -> Int { max(1, (seconds + 59) / 60) }

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

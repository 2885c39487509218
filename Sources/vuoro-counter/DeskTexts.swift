// The clerk's desk in the centre's languages: every word it shows, in fi, sv and en.

extension Desk {
    /// What the desk says, in the centre's languages. The keys stay the same in every language.
    struct Texts {
        let counter, open, paused, serving, noTicket, waiting, wait, transferTo, front, back, switches, keys: String
        let noneWaiting, reconnected, reconnecting: String
        /// What an action did: "called, waited", "called again, call", done, no-show, "transferred to", position.
        let called, waited, recalled, call, done, noshow, transferred, position: String
        /// Asked when `n` comes within `Desk.confirmWindow` of a call; `#` stands for the ticket.
        let confirmNext: String
        /// The daemon's refusals a clerk can meet, by error code; others are shown as the daemon words them.
        var errors: [String: String]
        /// After `c`: typing the number of a ticket to call (a visitor who was a no-show and came back, say).
        let callNumber, typingHelp, notANumber: String
        /// After `serve` ("serves Kela, Health centre"); the daemon out of reach, and when the desk tries again
        /// ("#" the seconds).
        let serves, noConnection, retryIn: String
        /// With `--watch-kiosks`: "Kiosk", and what needs staff there ("#" the minutes).
        let kiosk, paperLow, paperOut, silent: String
        /// Bookings and the counter's own line: "parked", "checked in", the menu of counters, the tickets parked
        /// here, typing a booking's reference.
        var parked = "", checkedIn = "", sendTo = "", parkedHere = "", reference = "", referenceHelp = ""
        var early = "", late = ""
    }

    static let texts: [String: Texts] = {
        var all = base
        func set(_ lang: String, _ change: (inout Texts) -> Void) { change(&all[lang]!) }
        set("fi") {
            $0.parked = "siirretty sivuun (kutsu takaisin: c)"
            $0.checkedIn = "ilmoittautui"
            $0.sendTo = "Ohjaa palvelupisteeseen"
            $0.parkedHere = "Sivussa"
            $0.reference = "Varaustunnus"
            $0.referenceHelp = "Enter ilmoittaa, Esc peruu"
            $0.early = "etuajassa: kutsutaan aikaisintaan"
            $0.late = "myöhässä: sai numeron jonoon"
            $0.errors["unknown-booking"] = "Tunnuksella ei ole varausta"
            $0.errors["wrong-day"] = "Varaus on toiselle päivälle"
            $0.errors["late"] = "Varauksen aika on mennyt: ilmoita pakottaen (vuoroctl checkin --force)"
            $0.errors["unknown-counter"] = "Palvelupistettä ei ole"
        }
        set("sv") {
            $0.parked = "satt åt sidan (ropa tillbaka: c)"
            $0.checkedIn = "anmäld"
            $0.sendTo = "Skicka till disk"
            $0.parkedHere = "Åt sidan"
            $0.reference = "Bokningskod"
            $0.referenceHelp = "Enter anmäler, Esc avbryter"
            $0.early = "tidig: ropas tidigast"
            $0.late = "sen: fick ett nummer i kön"
            $0.errors["unknown-booking"] = "Ingen bokning med den koden"
            $0.errors["wrong-day"] = "Bokningen gäller en annan dag"
            $0.errors["late"] = "Bokningens tid har gått: anmäl med tvång (vuoroctl checkin --force)"
            $0.errors["unknown-counter"] = "Disken finns inte"
        }
        set("en") {
            $0.parked = "put aside (call back: c)"
            $0.checkedIn = "checked in"
            $0.sendTo = "Send to counter"
            $0.parkedHere = "Aside"
            $0.reference = "Booking reference"
            $0.referenceHelp = "Enter checks in, Esc cancels"
            $0.early = "early: called from"
            $0.late = "late: given a number in the queue"
            $0.errors["unknown-booking"] = "No booking has that reference"
            $0.errors["wrong-day"] = "The booking is for another day"
            $0.errors["late"] = "The booking's time has passed: check in with force (vuoroctl checkin --force)"
            $0.errors["unknown-counter"] = "There is no such counter"
        }
        return all
    }()

    static let base: [String: Texts] = [
        "fi": Texts(
            counter: "Palvelupiste", open: "auki", paused: "tauolla", serving: "Vuorossa", noTicket: "Ei asiakasta",
            waiting: "jonossa", wait: "odotus", transferTo: "Siirrä jonoon", front: "jonon alkuun",
            back: "jonon loppuun", switches: "f vaihtaa",
            keys:
                "n seuraava   r kutsu uudelleen   c kutsu numero   d valmis   s ei saapunut   t siirrä\n"
                + "a sivuun   o ohjaa pisteeseen   i ilmoita varaus   p tauko   q lopeta (tauko)",
            noneWaiting: "jonossa ei ole ketään", reconnected: "yhteys palasi", reconnecting: "yhdistetään uudelleen",
            called: "kutsuttu", waited: "odotti", recalled: "kutsuttu uudelleen", call: "kerta", done: "valmis",
            noshow: "ei saapunut", transferred: "siirretty jonoon", position: "sija",
            confirmNext: "# kutsuttiin juuri. Paina n uudelleen: # päättyy ja seuraava kutsutaan.",
            errors: [
                "not-allowed": "Tällä tunnuksella ei voi toimia tässä palvelupisteessä",
                "unavailable": "Tallennus ei juuri nyt onnistu, eikä mitään muutettu. Yritä hetken päästä.",
                "shutting-down": "Palvelin sammuu. Yritä hetken päästä uudelleen.",
                "unknown-queue": "Jonoa ei enää ole",
                "wrong-state": "Numeroa ei voi kutsua: se on jo palveltu, peruttu tai kutsuttu",
                "unknown-ticket": "Tänään ei ole ollut sellaista numeroa",
            ],
            callNumber: "Kutsu numero", typingHelp: "Enter kutsuu, Esc peruu", notANumber: "ei ole vuoronumero",
            serves: "palvelee jonoja", noConnection: "Ei yhteyttä palvelimeen", retryIn: "yritetään uudelleen # s kuluttua",
            kiosk: "Lippuautomaatti", paperLow: "paperi vähissä, vaihda rulla", paperOut: "paperi loppu",
            silent: "ei yhteyttä # minuuttiin"),
        "sv": Texts(
            counter: "Disk", open: "öppen", paused: "paus", serving: "Betjänas", noTicket: "Ingen kund",
            waiting: "i kö", wait: "väntetid", transferTo: "Flytta till kö", front: "först", back: "sist",
            switches: "f växlar",
            keys: "n nästa   r ropa igen   c ropa nummer   d klar   s kom inte   t flytta\n"
                + "a åt sidan   o skicka till disk   i anmäl bokning   p paus   q avsluta (paus)",
            noneWaiting: "ingen väntar", reconnected: "förbindelsen är tillbaka", reconnecting: "ansluter igen",
            called: "ropad", waited: "väntade", recalled: "ropad igen", call: "gång", done: "klar", noshow: "kom inte",
            transferred: "flyttad till", position: "plats",
            confirmNext: "# ropades nyss. Tryck n igen: # avslutas och nästa ropas.",
            errors: [
                "not-allowed": "Den här nyckeln får inte användas vid den här disken",
                "unavailable": "Lagringen fungerar inte just nu, och inget ändrades. Försök snart igen.",
                "shutting-down": "Servern stängs. Försök igen om en stund.",
                "unknown-queue": "Kön finns inte längre",
                "wrong-state": "Numret kan inte ropas: det är redan betjänat, avbokat eller ropat",
                "unknown-ticket": "Något sådant nummer har inte funnits i dag",
            ],
            callNumber: "Ropa nummer", typingHelp: "Enter ropar, Esc avbryter", notANumber: "är inget könummer",
            serves: "betjänar köerna", noConnection: "Ingen förbindelse med servern", retryIn: "försöker igen om # s",
            kiosk: "Nummerautomat", paperLow: "pappret tar slut, byt rulle", paperOut: "pappret är slut",
            silent: "inte hörts av på # minuter"),
        "en": Texts(
            counter: "Counter", open: "open", paused: "paused", serving: "Serving", noTicket: "No ticket",
            waiting: "waiting", wait: "wait", transferTo: "Transfer to", front: "front", back: "back",
            switches: "f switches",
            keys: "n next   r recall   c call number   d done   s no-show   t transfer\n"
                + "a aside   o send to counter   i check in booking   p pause   q quit (pauses)",
            noneWaiting: "none waiting", reconnected: "reconnected", reconnecting: "reconnecting",
            called: "called", waited: "waited", recalled: "called again", call: "call", done: "done",
            noshow: "no-show", transferred: "transferred to", position: "position",
            confirmNext: "# was just called. Press n again to end # and call the next.",
            errors: [
                "not-allowed": "This token may not act for this counter",
                "unavailable": "Storage is failing, and nothing was changed. Try again shortly.",
                "shutting-down": "The server is stopping. Try again in a moment.",
                "unknown-queue": "That queue no longer exists",
                "wrong-state": "That number cannot be called: it was served, cancelled or is called",
                "unknown-ticket": "There has been no such number today",
            ],
            callNumber: "Call number", typingHelp: "Enter calls, Esc cancels", notANumber: "is not a ticket number",
            serves: "serves", noConnection: "No connection to the server", retryIn: "trying again in # s",
            kiosk: "Kiosk", paperLow: "paper low, change the roll", paperOut: "out of paper",
            silent: "not heard from for # minutes"),
    ]
}

// The kiosk's words in the centre's languages: titles, the wait beside each service, and what a visitor reads
// when no number came out.

extension Kiosk {
    static let titles = [
        "fi": ("Valitse palvelu", "suljettu", "Vuoronumerosi", "kieli"),
        "sv": ("Välj tjänst", "stängd", "Ditt nummer", "språk"),
        "en": ("Choose a service", "closed", "Your number", "language"),
        "ru": ("Выберите услугу", "закрыто", "Ваш номер", "язык"),
        "uk": ("Оберіть послугу", "зачинено", "Ваш номер", "мова"),
    ]

    /// Under the number just printed, when slips carry the QR code of their page (`--web-url`).
    static let phoneHint = [
        "fi": "Seuraa vuoroasi puhelimella: lipun QR-koodi.",
        "sv": "Följ din tur i telefonen: QR-koden på lappen.",
        "en": "Follow your turn on your phone: the QR code on your ticket.",
        "ru": "Следите за очередью на телефоне: QR-код на талоне.",
        "uk": "Стежте за чергою на телефоні: QR-код на талоні.",
    ]

    /// "wait ~15 min" beside each open service.
    static let waitWord = ["fi": "odotus", "sv": "väntetid", "en": "wait", "ru": "ожидание", "uk": "очікування"]

    /// What a visitor reads when no ticket came out: a full queue, a queue that just closed, a printer that failed
    /// (its ticket is cancelled), the daemon out of reach, or else.
    static let refusals: [String: [String: String]] = [
        "fi": [
            "queue-full": "Tähän palveluun ei juuri nyt voi ottaa numeroa. Kysy neuvontapisteestä.",
            "queue-closed": "Palvelu on juuri suljettu.",
            "printer": "Tulostin ei toimi. Kysy neuvontapisteestä.",
            "offline": "Numeroita ei juuri nyt voi ottaa. Kysy neuvontapisteestä.",
            "": "Numeroa ei voitu antaa. Kysy neuvontapisteestä.",
        ],
        "sv": [
            "queue-full": "Just nu kan inga nummer tas till den här tjänsten. Fråga i informationen.",
            "queue-closed": "Tjänsten har just stängt.",
            "printer": "Skrivaren fungerar inte. Fråga i informationen.",
            "offline": "Just nu kan inga nummer tas. Fråga i informationen.",
            "": "Inget nummer kunde ges. Fråga i informationen.",
        ],
        "en": [
            "queue-full": "This service gives out no more numbers just now. Please ask at the information desk.",
            "queue-closed": "This service has just closed.",
            "printer": "The printer is not working. Please ask at the information desk.",
            "offline": "No numbers can be taken just now. Please ask at the information desk.",
            "": "No number could be given. Please ask at the information desk.",
        ],
        "ru": [
            "queue-full": "Сейчас номер в эту службу получить нельзя. Обратитесь в справочную.",
            "queue-closed": "Служба только что закрылась.",
            "printer": "Принтер не работает. Обратитесь в справочную.",
            "offline": "Сейчас номера получить нельзя. Обратитесь в справочную.",
            "": "Номер выдать не удалось. Обратитесь в справочную.",
        ],
        "uk": [
            "queue-full": "Зараз номер до цієї служби отримати неможливо. Зверніться до довідкової.",
            "queue-closed": "Служба щойно зачинилася.",
            "printer": "Принтер не працює. Зверніться до довідкової.",
            "offline": "Зараз номери отримати неможливо. Зверніться до довідкової.",
            "": "Номер видати не вдалося. Зверніться до довідкової.",
        ],
    ]

    static func refusal(_ code: String, lang: String) -> String {
        let texts = refusals[lang] ?? refusals["en"]!
        return texts[code] ?? texts[""]!
    }

    /// A key pressed for a closed service, and a key pressed while the last number is still shown.
    static let notices: [String: (closed: String, wait: String)] = [
        "fi": ("on suljettu", "Odota hetki: numerosi tulostui juuri."),
        "sv": ("är stängd", "Vänta ett ögonblick: ditt nummer skrevs just ut."),
        "en": ("is closed", "One moment: your number was just printed."),
        "ru": ("закрыто", "Подождите: ваш номер только что напечатан."),
        "uk": ("зачинено", "Зачекайте: ваш номер щойно надруковано."),
    ]

    /// "No connection to the server: trying again", for a kiosk out of reach of the daemon; visitors are also told
    /// to ask at the information desk.
    static let offline = [
        "fi": "Ei yhteyttä palvelimeen, yritetään uudelleen", "sv": "Ingen förbindelse med servern, försöker igen",
        "en": "No connection to the server, trying again", "ru": "Нет связи с сервером, повтор",
        "uk": "Немає зв'язку з сервером, повтор",
    ]

    /// The printer's paper running low, for staff.
    static let paperLow = [
        "fi": "Tulostimen paperi vähissä: vaihda rulla", "sv": "Skrivarens papper tar slut: byt rulle",
        "en": "Printer paper low: change the roll", "ru": "Бумага в принтере заканчивается",
        "uk": "Папір у принтері закінчується",
    ]

    /// Booked visits: the key's line, the prompt while typing, and what a check-in did ("#" a time).
    static let booking: [String: (key: String, prompt: String, help: String, onTime: String, early: String, late: String)] = [
        "fi": (
            "Varaus: kirjoita tai lue varaustunnus", "Varaustunnus", "Enter ilmoittaa, Esc peruu",
            "Varattu aika klo #. Odota kutsua.", "Olet etuajassa: sinut kutsutaan aikaisintaan klo #.",
            "Varattu aikasi meni jo: sait numeron jonoon."
        ),
        "sv": (
            "Bokning: skriv eller läs in bokningskoden", "Bokningskod", "Enter anmäler, Esc avbryter",
            "Bokad tid kl. #. Vänta på upprop.", "Du är tidig: du ropas upp tidigast kl. #.",
            "Din bokade tid har gått: du fick ett nummer i kön."
        ),
        "en": (
            "Booking: type or scan your booking reference", "Booking reference", "Enter checks in, Esc cancels",
            "Booked for #. Please wait to be called.", "You are early: you will be called at # at the earliest.",
            "Your booked time has passed: you have a number in the queue."
        ),
        "ru": (
            "Запись: введите или отсканируйте код записи", "Код записи", "Enter — отметиться, Esc — отмена",
            "Запись на #. Ожидайте вызова.", "Вы пришли рано: вас вызовут не ранее #.",
            "Время записи прошло: вы получили номер в очереди."
        ),
        "uk": (
            "Запис: введіть або відскануйте код запису", "Код запису", "Enter — відмітитися, Esc — скасувати",
            "Запис на #. Очікуйте виклику.", "Ви прийшли рано: вас викличуть не раніше #.",
            "Час запису минув: ви отримали номер у черзі."
        ),
    ]

    /// A check-in the daemon refused, by its error code.
    static let bookingRefusals: [String: [String: String]] = [
        "fi": [
            "unknown-booking": "Varausta ei löytynyt. Tarkista tunnus tai kysy neuvontapisteestä.",
            "wrong-day": "Varauksesi on toisena päivänä. Kysy neuvontapisteestä.",
            "late": "Varattu aikasi meni jo. Käy neuvontapisteessä.",
            "bad-argument": "Tunnus ei kelpaa. Tarkista se tai kysy neuvontapisteestä.",
        ],
        "sv": [
            "unknown-booking": "Ingen bokning hittades. Kontrollera koden eller fråga i informationen.",
            "wrong-day": "Din bokning gäller en annan dag. Fråga i informationen.",
            "late": "Din bokade tid har gått. Gå till informationen.",
            "bad-argument": "Koden duger inte. Kontrollera den eller fråga i informationen.",
        ],
        "en": [
            "unknown-booking": "No booking was found. Check the reference or ask at the information desk.",
            "wrong-day": "Your booking is for another day. Please ask at the information desk.",
            "late": "Your booked time has passed. Please go to the information desk.",
            "bad-argument": "That is not a booking reference. Check it or ask at the information desk.",
        ],
        "ru": [
            "unknown-booking": "Запись не найдена. Проверьте код или обратитесь в справочную.",
            "wrong-day": "Ваша запись на другой день. Обратитесь в справочную.",
            "late": "Время записи прошло. Обратитесь в справочную.",
            "bad-argument": "Это не код записи. Проверьте его или обратитесь в справочную.",
        ],
        "uk": [
            "unknown-booking": "Запис не знайдено. Перевірте код або зверніться до довідкової.",
            "wrong-day": "Ваш запис на інший день. Зверніться до довідкової.",
            "late": "Час запису минув. Зверніться до довідкової.",
            "bad-argument": "Це не код запису. Перевірте його або зверніться до довідкової.",
        ],
    ]
}

// The words of the visitors' web pages in the centre's languages, and the names of the languages as a screen
// reader announces the switch between them.
extension StatusPage {
    struct Words {
        let services: String
        let yourNumber: String
        let position: String
        let wait: String
        let calledTo: String
        let done: String
        let noshow: String
        let cancelled: String
        let expired: String
        let notFound: String
        let updated: String
        let allServices: String
        let lastCalled: String
        /// The step back: the button, what it does ("#" the places), its outcomes.
        var needTime = "", needTimeHelp = "", stepped = "", stepLimit = "", stepRefused = "", slowDown = ""
        /// Alerts: the button that asks for them, and what they say ("#" the visitors ahead).
        var notifyMe = "", notifyOn = "", soon = "", yourTurn = ""
        /// The language switch, and the larger text.
        var languageLabel = "", larger = "", smaller = ""
        /// A booked visit's time, a counter's own line, a parked visit.
        var booked = "", waitFor = "", parked = ""
    }

    static let words: [String: Words] = {
        var all: [String: Words] = [:]
        do {
            var w = Words(
                services: "Palvelut ja odotusajat", yourNumber: "Vuoronumerosi", position: "Paikka jonossa",
                wait: "Arvioitu odotus", calledTo: "Sinut on kutsuttu:", done: "Asiointisi on päättynyt.",
                noshow: "Sinua kutsuttiin, mutta et ollut paikalla. Kysy neuvontapisteestä.",
                cancelled: "Numero on peruttu.", expired: "Numero ei ole enää voimassa.",
                notFound: "Numeroa ei löydy. Numerot ovat voimassa ottopäivänsä.", updated: "Päivitetty",
                allServices: "Kaikki palvelut", lastCalled: "Viimeksi kutsuttu")
            w.needTime = "Tarvitsen lisää aikaa"
            w.needTimeHelp = "Siirtää vuoroasi # paikkaa taaksepäin, jos et ehdi ajoissa."
            w.stepped = "Vuorosi siirtyi taaksepäin."
            w.stepLimit = "Vuoroasi on jo siirretty niin monta kertaa kuin voi."
            w.stepRefused = "Vuoroa ei voi enää siirtää."
            w.slowDown = "Odota hetki ja yritä uudelleen."
            w.notifyMe = "Ilmoita minulle, kun vuoroni lähestyy"
            w.notifyOn = "Saat ilmoituksen, kun vuorosi lähestyy."
            w.soon = "Vuorosi lähestyy: # edelläsi."
            w.yourTurn = "Sinun vuorosi!"
            w.languageLabel = "Kieli"
            w.larger = "Suurempi teksti"
            w.smaller = "Tavallinen teksti"
            w.booked = "Varattu aika"
            w.waitFor = "Sinut kutsutaan:"
            w.parked = "Asiointisi odottaa. Palaa palvelupisteeseen, kun olet valmis:"
            all["fi"] = w
        }
        do {
            var w = Words(
                services: "Tjänster och väntetider", yourNumber: "Ditt nummer", position: "Plats i kön",
                wait: "Beräknad väntetid", calledTo: "Du har ropats upp:", done: "Ditt ärende är avslutat.",
                noshow: "Du ropades upp men var inte på plats. Fråga i informationen.",
                cancelled: "Numret har annullerats.", expired: "Numret gäller inte längre.",
                notFound: "Numret hittas inte. Ett nummer gäller den dag det togs.", updated: "Uppdaterad",
                allServices: "Alla tjänster", lastCalled: "Senast uppropad")
            w.needTime = "Jag behöver mer tid"
            w.needTimeHelp = "Flyttar din tur # platser bakåt, om du inte hinner i tid."
            w.stepped = "Din tur flyttades bakåt."
            w.stepLimit = "Din tur har redan flyttats så många gånger som går."
            w.stepRefused = "Turen kan inte längre flyttas."
            w.slowDown = "Vänta ett ögonblick och försök igen."
            w.notifyMe = "Meddela mig när min tur närmar sig"
            w.notifyOn = "Du får ett meddelande när din tur närmar sig."
            w.soon = "Din tur närmar sig: # före dig."
            w.yourTurn = "Din tur!"
            w.languageLabel = "Språk"
            w.larger = "Större text"
            w.smaller = "Vanlig text"
            w.booked = "Bokad tid"
            w.waitFor = "Du ropas upp till:"
            w.parked = "Ditt ärende väntar. Gå tillbaka när du är klar till:"
            all["sv"] = w
        }
        do {
            var w = Words(
                services: "Services and waits", yourNumber: "Your number", position: "Position in queue",
                wait: "Estimated wait", calledTo: "You have been called to:", done: "Your visit has ended.",
                noshow: "You were called but were not there. Please ask at the information desk.",
                cancelled: "The number has been cancelled.", expired: "The number is no longer valid.",
                notFound: "No such number. A number is valid on the day it was taken.", updated: "Updated",
                allServices: "All services", lastCalled: "Last called")
            w.needTime = "I need more time"
            w.needTimeHelp = "Moves your turn # places back, if you cannot be here in time."
            w.stepped = "Your turn moved back."
            w.stepLimit = "Your turn has been moved back as often as it can be."
            w.stepRefused = "Your turn can no longer be moved."
            w.slowDown = "Please wait a moment and try again."
            w.notifyMe = "Notify me when my turn is near"
            w.notifyOn = "You will be notified when your turn is near."
            w.soon = "Your turn is near: # ahead of you."
            w.yourTurn = "Your turn!"
            w.languageLabel = "Language"
            w.larger = "Larger text"
            w.smaller = "Normal text"
            w.booked = "Your appointment"
            w.waitFor = "You will be called to:"
            w.parked = "Your visit is on hold. Go back when you are ready to:"
            all["en"] = w
        }
        do {
            var w = Words(
                services: "Услуги и время ожидания", yourNumber: "Ваш номер", position: "Место в очереди",
                wait: "Примерное ожидание", calledTo: "Вас вызвали:", done: "Ваше обслуживание завершено.",
                noshow: "Вас вызывали, но вас не было. Обратитесь в справочную.",
                cancelled: "Номер отменён.", expired: "Номер больше не действителен.",
                notFound: "Номер не найден. Номер действует в день получения.", updated: "Обновлено",
                allServices: "Все услуги", lastCalled: "Последний вызов")
            w.needTime = "Мне нужно больше времени"
            w.needTimeHelp = "Переносит вашу очередь на # мест назад, если вы не успеваете."
            w.stepped = "Ваша очередь перенесена назад."
            w.stepLimit = "Очередь уже переносили максимальное число раз."
            w.stepRefused = "Очередь больше нельзя перенести."
            w.slowDown = "Подождите немного и попробуйте снова."
            w.notifyMe = "Сообщить, когда подойдёт моя очередь"
            w.notifyOn = "Вы получите сообщение, когда очередь подойдёт."
            w.soon = "Ваша очередь скоро: перед вами #."
            w.yourTurn = "Ваша очередь!"
            w.languageLabel = "Язык"
            w.larger = "Крупный текст"
            w.smaller = "Обычный текст"
            all["ru"] = w
        }
        do {
            var w = Words(
                services: "Послуги та час очікування", yourNumber: "Ваш номер", position: "Місце в черзі",
                wait: "Орієнтовне очікування", calledTo: "Вас викликали:", done: "Ваше обслуговування завершено.",
                noshow: "Вас викликали, але вас не було. Зверніться до довідкової.",
                cancelled: "Номер скасовано.", expired: "Номер більше не дійсний.",
                notFound: "Номер не знайдено. Номер дійсний у день отримання.", updated: "Оновлено",
                allServices: "Усі послуги", lastCalled: "Останній виклик")
            w.needTime = "Мені потрібно більше часу"
            w.needTimeHelp = "Переносить вашу чергу на # місць назад, якщо ви не встигаєте."
            w.stepped = "Вашу чергу перенесено назад."
            w.stepLimit = "Чергу вже переносили максимальну кількість разів."
            w.stepRefused = "Чергу більше не можна перенести."
            w.slowDown = "Зачекайте хвилинку і спробуйте знову."
            w.notifyMe = "Повідомити, коли наближатиметься моя черга"
            w.notifyOn = "Ви отримаєте повідомлення, коли черга наближатиметься."
            w.soon = "Ваша черга наближається: перед вами #."
            w.yourTurn = "Ваша черга!"
            w.languageLabel = "Мова"
            w.larger = "Більший текст"
            w.smaller = "Звичайний текст"
            all["uk"] = w
        }
        return all
    }()


    /// Each language's own name for itself, on the links that switch to it.
    static let languageNames = [
        "fi": "Suomeksi", "sv": "På svenska", "en": "In English", "ru": "По-русски", "uk": "Українською",
    ]
}

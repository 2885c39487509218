// What a request to the visitors' pages asks for: the services, one ticket by its key (its page, its event
// stream, its step back, its push subscription), or nothing there is; and how (`?lang=`, `?large=1`, `?said=`).
import VuoroCore
import VuoroHTTP
import VuoroProtocol

struct WebTarget: Sendable {
    enum Page: Equatable, Sendable {
        case services
        case ticket(String)
        case events(String)
        case stepBack(String)
        case push(String)
        /// The services page's stream of queue figures.
        case servicesEvents
        case none
    }
    let page: Page
    let lang: String?
    /// Larger text, for visitors who need it.
    let large: Bool
    /// What the last action on the page did (`stepped`, `limit`, ...), to say it after the redirect.
    let said: String?

    /// A ticket's page opens only for a key at least this long: a short one (`id=k2`) could be guessed. Shorter
    /// keys still work for sending `ISSUE` again.
    static let minimumKeyLength = 16

    init(_ request: HTTPRequest) {
        lang = request.queryValue("lang").flatMap { try? Request.language($0) }
        large = request.queryValue("large") == "1"
        said = request.queryValue("said").flatMap { ["stepped", "limit", "refused", "slow"].contains($0) ? $0 : nil }
        let path = String(request.path)
        if path == "/" || path == "/index.html" {
            page = .services
            return
        }
        if path == "/events" {
            page = .servicesEvents
            return
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // "", "t", KEY[, action]
        guard parts.count >= 3, parts.count <= 4, parts[0].isEmpty, parts[1] == "t",
            let key = try? Request.requestKey(parts[2]), key.utf8.count >= WebTarget.minimumKeyLength
        else {
            page = .none
            return
        }
        switch parts.count == 4 ? parts[3] : nil {
        case nil: page = .ticket(key)
        case "events": page = .events(key)
        case "back": page = .stepBack(key)
        case "push": page = .push(key)
        default: page = .none
        }
    }

    /// The status and the page, from the centre's state: on the engine's loop.
    func render(_ centre: Centre, accepted: String?, vapid: String? = nil) -> (Int, String) {
        let site = centre.config.languages
        switch page {
        case .services:
            let lang = StatusPage.language(asked: lang, chosen: nil, accepted: accepted, site: site)
            return (200, StatusPage(centre: centre, lang: lang, large: large).services())
        case .ticket(let key):
            if let view = centre.view(request: key) {
                let lang = StatusPage.language(asked: lang, chosen: view.ticket.lang, accepted: accepted, site: site)
                let page = StatusPage(centre: centre, lang: lang, large: large, vapid: vapid)
                return (200, page.ticket(view, key: key, said: said))
            }
        default: break
        }
        let lang = StatusPage.language(asked: lang, chosen: nil, accepted: accepted, site: site)
        return (404, StatusPage(centre: centre, lang: lang, large: large).notFound())
    }
}

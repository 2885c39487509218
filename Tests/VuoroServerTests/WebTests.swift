// The visitors' web pages over real HTTP on loopback: the services, a ticket by its key as it moves, languages,
// refusals, and text from the configuration escaped.
import Foundation
import Testing
import VuoroCore
import VuoroHTTP
import VuoroServer
import VuoroTestSupport

@Suite struct WebTests {
    func start(_ config: CentreConfig = .demo) async throws -> (TestServer, Int) {
        let server = try await TestServer(config: config)
        // Each request sees the state as it is: the services page is not kept (see the cache's own test).
        let address = try #require(
            try await server.server.startWeb(host: "127.0.0.1", port: 0, servicesPageFor: .zero))
        return (server, address.port!)
    }

    /// The services page is rendered once for each way of asking and kept: within its time, a change shows
    /// only to a request asked in other words (or after the time).
    @Test func theServicesPageIsKeptForItsTime() async throws {
        let server = try await TestServer()
        let web = try #require(
            try await server.server.startWeb(host: "127.0.0.1", port: 0, servicesPageFor: .seconds(60))
        ).port!
        #expect(try httpRequest(port: web, "/").body.contains("<th scope=\"row\">Kela</th><td>0 jonossa"))
        #expect(try server.client().request("ISSUE kela").hasPrefix("OK K001 "))
        #expect(try httpRequest(port: web, "/").body.contains("<th scope=\"row\">Kela</th><td>0 jonossa"), "kept")
        #expect(try httpRequest(port: web, "/?lang=fi").body.contains("<th scope=\"row\">Kela</th><td>1 jonossa"))
        await server.stop()
    }

    @Test func aTicketsPageFollowsItThroughTheDay() async throws {
        let (server, web) = try await start()
        let kiosk = try server.client()
        #expect(try kiosk.request("ISSUE health id=key1key1key1key1 lang=sv").hasPrefix("OK H001 "))
        #expect(try kiosk.request("ISSUE health id=key2key2key2key2").hasPrefix("OK H002 "))

        var page = try httpRequest(port: web, "/t/key2key2key2key2")
        #expect(page.status == 200)
        #expect(page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.body.contains("<html lang=\"fi\">"), "the ticket's language (the site's first)")
        #expect(page.body.contains("<p class=\"number\">H002</p>"))
        #expect(page.body.contains("Paikka jonossa: <b id=\"position\">2</b>"), "\(page.body)")
        #expect(page.body.contains("<p id=\"last\" hidden>"), "nothing called yet")
        // Without scripts it refreshes itself; with them, its script follows the ticket live.
        #expect(page.body.contains("<noscript><meta http-equiv=\"refresh\" content=\"20\"></noscript>"))
        #expect(page.body.contains("<script src=\"/ticket.js\" defer></script>"))

        // The language chosen at the kiosk wins over the phone's.
        page = try httpRequest(port: web, "/t/key1key1key1key1", headers: ["Accept-Language": "en-GB,en;q=0.9"])
        #expect(page.body.contains("<html lang=\"sv\">") && page.body.contains("Plats i kön: <b id=\"position\">1</b>"))
        #expect(page.body.contains("Terveysasema") == false && page.body.contains("Hälsostation"), "\(page.body)")

        #expect(try kiosk.request("CALL 4").hasPrefix("OK H001 "))
        page = try httpRequest(port: web, "/t/key1key1key1key1")
        #expect(page.body.contains("Du har ropats upp: <b>rum 4</b>"), "\(page.body)")
        page = try httpRequest(port: web, "/t/key2key2key2key2")
        #expect(page.body.contains("Paikka jonossa: <b id=\"position\">1</b>"), "\(page.body)")
        #expect(page.body.contains("Viimeksi kutsuttu: <b id=\"last-number\">H001</b>"), "\(page.body)")
        page = try httpRequest(port: web, "/t/key1key1key1key1?lang=en")
        #expect(page.body.contains("You have been called to: <b>room 4</b>"), "\(page.body)")

        #expect(try kiosk.request("DONE 4") == "OK H001 state=done")
        #expect(try httpRequest(port: web, "/t/key1key1key1key1").body.contains("Ditt ärende är avslutat."))
        #expect(try kiosk.request("CANCEL H002") == "OK H002 state=cancelled")
        #expect(try httpRequest(port: web, "/t/key2key2key2key2").body.contains("Numero on peruttu."))
        await server.stop()
    }

    @Test func theServicesInTheVisitorsLanguage() async throws {
        let (server, web) = try await start()
        #expect(try server.client().request("ISSUE kela").hasPrefix("OK K001 "))
        var page = try httpRequest(port: web, "/")
        #expect(page.status == 200)
        #expect(page.body.contains("<th scope=\"row\">Kela</th><td>1 jonossa · odotus ~6 min</td></tr>"), "\(page.body)")
        #expect(page.body.contains("<th scope=\"row\">Terveysasema</th>"))
        page = try httpRequest(port: web, "/", headers: ["Accept-Language": "de-DE,sv-FI;q=0.8,en;q=0.5"])
        #expect(page.body.contains("<html lang=\"sv\">") && page.body.contains("1 i kö · väntetid ~6 min"))
        page = try httpRequest(port: web, "/?lang=en", headers: ["Accept-Language": "sv"])
        #expect(page.body.contains("<th scope=\"row\">Kela</th><td>1 waiting · wait ~6 min</td></tr>"), "\(page.body)")
        // A language the site does not have is not taken.
        #expect(try httpRequest(port: web, "/?lang=de").body.contains("<html lang=\"fi\">"))
        #expect(try server.client().request("CLOSE lab") == "OK lab open=0")
        page = try httpRequest(port: web, "/")
        #expect(page.body.contains("class=\"closed\"><th scope=\"row\">Laboratorio</th><td>suljettu</td></tr>"), "\(page.body)")
        await server.stop()
    }

    /// After its hours a service says when it opens: the weekday when that is not today.
    @Test func aServiceClosedByItsHoursSaysWhenItOpens() async throws {
        var config = CentreConfig.demo
        config.queues[0].hours = try OpeningHours.parse(everyDay: "08:00-16:00")
        let (server, web) = try await start(config)
        server.clock.advance(seconds: 7 * 3600)  // Monday 17:00 in Helsinki
        var body = try httpRequest(port: web, "/").body
        #expect(body.contains("class=\"closed\"><th scope=\"row\">Kela</th><td>suljettu · avautuu ti 08:00</td></tr>"), "\(body)")
        server.clock.advance(seconds: 12 * 3600)  // Tuesday 05:00
        body = try httpRequest(port: web, "/?lang=en").body
        #expect(body.contains("class=\"closed\"><th scope=\"row\">Kela</th><td>closed · opens 08:00</td></tr>"), "\(body)")
        await server.stop()
    }

    @Test func whatIsNotAPageIsRefused() async throws {
        let (server, web) = try await start()
        #expect(try server.client().request("ISSUE kela id=key1key1key1key1").hasPrefix("OK K001 "))
        for path in [
            "/t/unknown", "/t/", "/t/key1key1key1key1/x", "/t/key1key1key1key%31", "/../etc/passwd", "/metrics",
            "/t/" + String(repeating: "a", count: 65),
        ] {
            let r = try httpRequest(port: web, path)
            #expect(r.status == 404, "\(path)")
            #expect(!r.body.contains("K001"), "\(path)")
        }
        let post = try httpRequest(port: web, "/t/key1key1key1key1", method: "POST")
        #expect(post.status == 405 && post.headers["allow"] == "GET, HEAD")
        let head = try httpRequest(port: web, "/t/key1key1key1key1", method: "HEAD")
        #expect(head.status == 200 && head.body.isEmpty && Int(head.headers["content-length"] ?? "") ?? 0 > 0)
        let page = try httpRequest(port: web, "/t/key1key1key1key1")
        #expect(page.headers["cache-control"] == "no-store")
        #expect(page.headers["referrer-policy"] == "no-referrer")
        #expect(page.headers["content-security-policy"]?.hasPrefix("default-src 'none'") == true)
        #expect(!page.body.contains("<script>"), "no inline script")
        // Every answer carries the security headers, refusals included.
        for r in [post, try httpRequest(port: web, "/t/x y"), try httpRequest(port: web, "/nothing")] {
            #expect(r.status >= 400)
            for (name, value) in HTTPResponse.securityHeaders where name != "Content-Security-Policy" {
                #expect(r.headers[name.lowercased()] == value, "\(r.status) \(name)")
            }
            #expect(r.headers["content-security-policy"]?.hasPrefix("default-src 'none'") == true)
        }
        await server.stop()
    }

    /// A short key (`id=k2`) could be guessed: its ticket has no page, though the key still works for `ISSUE`.
    @Test func aShortKeyOpensNoPage() async throws {
        let (server, web) = try await start()
        let kiosk = try server.client()
        #expect(try kiosk.request("ISSUE kela id=k2").hasPrefix("OK K001 "))
        #expect(try kiosk.request("ISSUE kela id=k2").hasSuffix(" again=1"))
        #expect(try kiosk.request("ISSUE kela id=abcdefghijklmno").hasPrefix("OK K002 "))
        #expect(try kiosk.request("ISSUE kela id=abcdefghijklmnop").hasPrefix("OK K003 "))
        #expect(try httpRequest(port: web, "/t/k2").status == 404)
        #expect(try httpRequest(port: web, "/t/abcdefghijklmno").status == 404, "15 characters")
        #expect(try httpRequest(port: web, "/t/abcdefghijklmnop").body.contains(">K003<"), "16 characters")
        await server.stop()
    }

    /// Phones that hold connections (or a flood) are held to the limit; the next connection is closed at once.
    @Test func connectionsAreLimited() async throws {
        let server = try await TestServer()
        let web = try #require(try await server.server.startWeb(
                host: "127.0.0.1", port: 0, options: HTTPListenerOptions(maxConnections: 2))).port!
        var idle: [LineClient] = [try LineClient(port: web), try LineClient(port: web)]
        // The third is closed before anything is read: no response at all.
        #expect((try? httpRequest(port: web, "/")) == nil, "a third was served")
        idle.removeFirst()  // closed
        var served = false
        for _ in 0..<50 where !served {
            served = (try? httpRequest(port: web, "/"))?.status == 200
            if !served { usleep(50_000) }
        }
        #expect(served)
        withExtendedLifetime(idle) {}  // the one left stays open to the end
        await server.stop()
    }

    /// A connection that sends nothing is closed after the idle time (15 s by default), and one that sends half a
    /// request after the request time (10 s from its first byte).
    @Test func idleConnectionsAreClosed() async throws {
        let server = try await TestServer()
        let options = HTTPListenerOptions(requestTimeout: .milliseconds(300), idleTimeout: .milliseconds(300))
        let web = try #require(try await server.server.startWeb(host: "127.0.0.1", port: 0, options: options)).port!
        let silent = try LineClient(port: web)
        let half = try LineClient(port: web)
        half.sendRaw(Array("GET / HTTP/1.1\r\nHost: local".utf8))
        #expect(silent.isClosedByServer(timeout: 5))
        #expect(half.isClosedByServer(timeout: 5))
        await server.stop()
    }

    @Test func textFromTheConfigurationIsEscaped() async throws {
        var config = CentreConfig.demo
        config.site = "Omena & <b>Co</b> \"quoted\""
        config.queues[0].names["fi"] = "<script>alert(1)</script>"
        let (server, web) = try await start(config)
        #expect(try server.client().request("ISSUE kela id=key1key1key1key1").hasPrefix("OK K001 "))
        for path in ["/", "/t/key1key1key1key1", "/t/none"] {
            let body = try httpRequest(port: web, path).body
            #expect(!body.contains("<script>") && !body.contains("<b>Co"), "\(path): \(body)")
            #expect(body.contains("Omena &amp; &lt;b&gt;Co&lt;/b&gt; &quot;quoted&quot;"), "\(path)")
        }
        #expect(try httpRequest(port: web, "/").body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        await server.stop()
    }
}

// A ticket's page made live, over real HTTP: its stream sends its place as calls move it up, then its call and
// its end; "I need more time" steps it back, at most twice, never once called, and only from its own page.
import Foundation
import Testing
import VuoroCore
import VuoroServer
import VuoroTestSupport

@Suite struct TicketPageTests {
    static let key = "a1b2c3d4e5f60718"

    func start() async throws -> (TestServer, Int, LineClient) {
        let server = try await TestServer()
        let web = try #require(try await server.server.startWeb(host: "127.0.0.1", port: 0)).port!
        let c = try server.client()
        #expect(try c.request("ISSUE kela").hasPrefix("OK K001"))
        #expect(try c.request("ISSUE kela id=\(Self.key)").hasPrefix("OK K002"))
        for _ in 0..<6 { #expect(try c.request("ISSUE kela").hasPrefix("OK K")) }
        return (server, web, c)
    }

    @Test func theStreamFollowsTheTicket() async throws {
        let (server, web, c) = try await start()
        let page = try EventStream(port: web, "/t/\(Self.key)/events")
        #expect(page.head.first == "HTTP/1.1 200 OK\r")
        #expect(try page.next().data == #"{"type":"place","ticket":"K002","position":2,"wait":6,"last":null}"#)
        #expect(try c.request("CALL 1").hasPrefix("OK K001"))
        #expect(try page.next().data == #"{"type":"place","ticket":"K002","position":1,"wait":3,"last":"K001"}"#)
        // Another queue's call moves nothing: nothing is sent.
        #expect(try c.request("ISSUE lab").hasPrefix("OK L001"))
        #expect(try c.request("CALL 6").hasPrefix("OK L001"))
        #expect(try c.request("CALL 2").hasPrefix("OK K002"))
        let call = try page.next()
        #expect(call.data.hasPrefix(#"{"type":"call","ticket":"K002","queue":"kela","counter":"2""#), "\(call)")
        #expect(try c.request("DONE 2") == "OK K002 state=done")
        #expect(try page.until("finished").last!.data.contains(#""state":"done""#))
        #expect(try httpRequest(port: web, "/t/0000000000000000/events").status == 404)
        await server.stop()
    }

    @Test func stepBackFromThePage() async throws {
        let (server, web, c) = try await start()
        let path = "/t/\(Self.key)/back"
        var r = try httpRequest(port: web, path, method: "POST", headers: ["Content-Length": "0"])
        #expect(r.status == 303 && r.headers["location"] == "/t/\(Self.key)?said=stepped", "\(r)")
        #expect(try c.request("TICKET K002").hasPrefix("OK K002 state=waiting queue=kela position=7 "))
        #expect(try httpRequest(port: web, "/t/\(Self.key)?said=stepped").body.contains("Vuorosi siirtyi taaksepäin."))
        r = try httpRequest(port: web, path + "?lang=en", method: "POST", headers: ["Content-Length": "0"])
        #expect(r.headers["location"] == "/t/\(Self.key)?lang=en&said=stepped")
        r = try httpRequest(port: web, path, method: "POST", headers: ["Content-Length": "0"])
        #expect(r.headers["location"] == "/t/\(Self.key)?said=limit")
        let page = try httpRequest(port: web, "/t/\(Self.key)?said=limit").body
        #expect(page.contains("Vuoroasi on jo siirretty niin monta kertaa kuin voi."))
        #expect(!page.contains("Tarvitsen lisää aikaa"), "no button once it cannot step back")
        // A fourth press within the minute is not even tried.
        r = try httpRequest(port: web, path, method: "POST", headers: ["Content-Length": "0"])
        #expect(r.headers["location"] == "/t/\(Self.key)?said=slow")
        // Only from the page's own site, and only by POST.
        let other = "b1b2c3d4e5f60718"
        #expect(try c.request("ISSUE kela id=\(other)").hasPrefix("OK K009"))
        r = try httpRequest(
            port: web, "/t/\(other)/back", method: "POST",
            headers: ["Content-Length": "0", "Origin": "https://evil.example"])
        #expect(r.status == 403)
        #expect(try httpRequest(port: web, "/t/\(other)/back").status == 405)
        #expect(try c.request("TICKET K009").hasPrefix("OK K009 state=waiting queue=kela position=9 "))
        // Once called, never.
        for _ in 0..<9 { _ = try c.request("CALL 1") }
        #expect(try c.request("TICKET K009").hasPrefix("OK K009 state=called"))
        r = try httpRequest(port: web, "/t/\(other)/back", method: "POST", headers: ["Content-Length": "0"])
        #expect(r.headers["location"] == "/t/\(other)?said=refused")
        await server.stop()
    }
}

// Web Push end to end on loopback: a page subscribes for its ticket, vuorod sends an encrypted message when the
// ticket nears the front and when it is called, and a stand-in push service decrypts them with the browser's key.
// A push service that hangs, refuses or says the subscription is gone never holds up a call.
import Crypto
import Foundation
import NIOCore
import Testing
import VuoroCore
import VuoroPush
import VuoroServer
import VuoroStore
import VuoroTestSupport

@Suite struct WebPushTests {
    static let key = "c0ffee00c0ffee00"

    /// A browser's side of a subscription: its key pair and secret.
    struct Browser {
        let key = P256.KeyAgreement.PrivateKey()
        let auth = (0..<16).map { _ in UInt8.random(in: 0...255) }
        func json(_ endpoint: String) -> String {
            #"{"endpoint":"\#(endpoint)","keys":{"p256dh":"\#(Base64URL.encode(key.publicKey.x963Representation))","auth":"\#(Base64URL.encode(auth))"}}"#
        }
        func read(_ body: [UInt8]) throws -> [String: String] {
            let plain = try WebPushMessage.decrypt(body, with: key, auth: auth)
            return try JSONSerialization.jsonObject(with: Data(plain)) as! [String: String]
        }
    }

    func start(timeout: TimeAmount = .seconds(2), tries: Int = 2) async throws -> (TestServer, Int, LineClient, VAPID) {
        let server = try await TestServer()
        let vapid = VAPID(key: P256.Signing.PrivateKey(), subject: "mailto:it@example.fi")
        let web = try #require(
            try await server.server.startWeb(
                host: "127.0.0.1", port: 0, push: WebPushOptions(vapid: vapid, timeout: timeout, tries: tries))
        ).port!
        let c = try server.client()
        for _ in 0..<4 { #expect(try c.request("ISSUE kela").hasPrefix("OK K")) }
        #expect(try c.request("ISSUE kela lang=en id=\(Self.key)").hasPrefix("OK K005"))
        return (server, web, c, vapid)
    }

    func subscribe(_ web: Int, _ body: String) throws -> HTTPResponse {
        try httpRequest(
            port: web, "/t/\(Self.key)/push", method: "POST",
            headers: ["Content-Type": "application/json", "Content-Length": String(body.utf8.count)], body: body)
    }

    @Test func messagesWhenNearAndWhenCalled() async throws {
        let (server, web, c, vapid) = try await start()
        let service = try TestPushService()
        let browser = Browser()
        // The page offers it: its script gets the daemon's public key.
        #expect(try httpRequest(port: web, "/t/\(Self.key)").body.contains(vapid.publicKey))
        #expect(try subscribe(web, browser.json(service.endpoint("k5"))).status == 201)
        #expect(try Database(path: server.dbPath).scalar("SELECT count(*) FROM push_subscription") == 1)
        #expect(try c.request("CALL 1").hasPrefix("OK K001"))
        #expect(service.received.isEmpty, "still four ahead")
        #expect(try c.request("CALL 2").hasPrefix("OK K002"))  // K005 third now: alert_at 3
        #expect(service.waitFor(1))
        let near = service.received[0]
        #expect(near.path == "/push/k5")
        #expect(near.headers["content-encoding"] == "aes128gcm" && near.headers["ttl"] == "600")
        #expect(near.headers["authorization"]?.hasSuffix(", k=\(vapid.publicKey)") == true)
        let m = try browser.read(near.body)
        #expect(m["body"] == "Your turn is near: 2 ahead of you.", "\(m)")
        #expect(m["tag"] == "K005" && m["url"] == "/t/\(Self.key)")
        // Told once, not at every call after.
        #expect(try c.request("CALL 3").hasPrefix("OK K003"))
        #expect(try c.request("CALL 1").hasPrefix("OK K004"))
        #expect(try c.request("CALL 2").hasPrefix("OK K005 queue=kela counter=2"))
        #expect(service.waitFor(2))
        let turn = try browser.read(service.received[1].body)
        #expect(turn["body"] == "Your turn! You have been called to: counter 2", "\(turn)")
        usleep(300_000)
        #expect(service.received.count == 2)
        // Its end deletes the subscription.
        #expect(try c.request("DONE 2") == "OK K005 state=done")
        #expect(try Database(path: server.dbPath).scalar("SELECT count(*) FROM push_subscription") == 0)
        await server.stop()
    }

    /// A service that hangs, refuses or says the subscription is gone: calls are answered at once all the same;
    /// a gone subscription is dropped.
    @Test func aBadPushServiceNeverDelaysACall() async throws {
        let (server, web, c, _) = try await start(timeout: .milliseconds(500), tries: 2)
        let service = try TestPushService()
        service.mode = .hang
        #expect(try subscribe(web, Browser().json(service.endpoint("hang"))).status == 201)
        for n in 1...4 {
            let started = Date()
            #expect(try c.request("CALL 1").hasPrefix("OK K00\(n)"))
            #expect(Date().timeIntervalSince(started) < 0.5)
        }
        #expect(service.waitFor(2, seconds: 10), "tried twice")
        service.mode = .fail
        #expect(try c.request("CALL 2").hasPrefix("OK K005"))
        #expect(service.waitFor(4, seconds: 10), "a refusal is tried again")
        service.mode = .gone
        #expect(try c.request("RECALL 2").hasPrefix("OK K005"))
        #expect(service.waitFor(5, seconds: 10))
        var rows: Int64 = 1
        for _ in 0..<50 where rows != 0 {
            usleep(100_000)
            rows = try Database(path: server.dbPath).scalar("SELECT count(*) FROM push_subscription") ?? 1
        }
        #expect(rows == 0, "410 Gone drops the subscription")
        await server.stop()
    }

    @Test func badSubscriptionsAreRefused() async throws {
        let (server, web, _, _) = try await start()
        let good = Browser().json("https://push.example.net/x")
        for body in [
            "not json", #"{"endpoint":"https://a/x"}"#, good.replacingOccurrences(of: "https://", with: "http://"),
            good.replacingOccurrences(of: #""auth":""#, with: #""auth":"AAAA"#),
        ] {
            let r = try subscribe(web, body)
            #expect(r.status == 400, "\(body): \(r.status) \(r.body)")
        }
        #expect(try subscribe(web, good).status == 201)
        let other = try httpRequest(
            port: web, "/t/ffffffffffffffff/push", method: "POST",
            headers: ["Content-Length": String(good.utf8.count)], body: good)
        #expect(other.status == 404)
        await server.stop()
    }
}

// The lobby boards over real HTTP on loopback: the page and its refusals, the event stream with ids and what a
// board that reconnects with Last-Event-ID missed, the limit of boards, discreet queues, and the spoken calls as
// WAV files of each language.
import Foundation
import Testing
import VuoroCore
import VuoroHTTP
import VuoroServer
import VuoroTestSupport

/// An SSE stream read over a real socket: its head, then its events as (id, data).
final class EventStream {
    let client: LineClient
    var head: [String] = []

    init(port: Int, _ path: String, lastEventID: String? = nil) throws {
        client = try LineClient(port: port)
        var request = "GET \(path) HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n"
        if let lastEventID { request += "Last-Event-ID: \(lastEventID)\r\n" }
        client.sendRaw(Array((request + "\r\n").utf8))
        while let line = try? client.readLine(timeout: 5), line != "\r" { head.append(line) }
    }

    /// The next event with data, skipping `retry:`, comments and pings.
    func next(timeout: Double = 5) throws -> (id: String?, data: String) {
        var id: String?
        var data: [String] = []
        while true {
            let line = try client.readLine(timeout: timeout)
            if line.isEmpty {
                if !data.isEmpty { return (id, data.joined(separator: "\n")) }
                id = nil
                continue
            }
            if line.hasPrefix("id: ") { id = String(line.dropFirst(4)) }
            if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
        }
    }

    /// Events until one whose data holds `text`.
    func until(_ text: String) throws -> [(id: String?, data: String)] {
        var seen: [(String?, String)] = []
        while true {
            let e = try next()
            seen.append(e)
            if e.data.contains(text) { return seen }
        }
    }
}

@Suite struct BoardTests {
    static var centre: CentreConfig {
        var c = CentreConfig.demo
        c.queues.append(QueueConfig(id: "mental", prefix: "M", names: ["fi": "Mielenterveyspalvelut"], discreet: true))
        c.counters.append(CounterConfig(id: "7", queues: ["mental"]))
        c.boards = [BoardConfig(id: "wing-b", queues: ["health", "lab"], languages: ["fi", "sv"], speak: ["fi"])]
        c.maxBoards = 3
        return c
    }

    func start(_ config: CentreConfig = BoardTests.centre) async throws -> (TestServer, Int) {
        let server = try await TestServer(config: config)
        let web = try #require(try await server.server.startWeb(host: "127.0.0.1", port: 0)).port!
        return (server, web)
    }

    @Test func thePageAndItsRefusals() async throws {
        let (server, web) = try await start()
        let page = try httpRequest(port: web, "/board?queues=kela,lab&lang=fi,sv&speak=fi")
        #expect(page.status == 200)
        #expect(page.headers["content-security-policy"]?.contains("script-src 'self'") == true)
        #expect(page.body.contains("<script src=\"/board.js\" defer></script>"))
        #expect(!page.body.contains("<script>"), "no inline script")
        #expect(page.body.contains("<svg"), "the QR code of the services page")
        #expect(try httpRequest(port: web, "/board/wing-b").body.contains("/board/wing-b/events"))
        for (path, status, says) in [
            ("/board?queues=kela,dentist", 400, "no queue &#39;dentist&#39;"),
            ("/board?counter=99", 400, "no counter &#39;99&#39;"),
            ("/board?lang=de", 400, "no language &#39;de&#39;"),
            ("/board?lang=fi&speak=sv", 400, "speak=sv is not one of the board&#39;s languages"),
            ("/board/wing-c", 404, "no board &#39;wing-c&#39;; the boards are wing-b"),
        ] {
            let r = try httpRequest(port: web, path)
            #expect(r.status == status, "\(path)")
            #expect(r.body.contains(says), "\(path): \(r.body)")
        }
        #expect(try httpRequest(port: web, "/board.js").headers["content-type"] == "text/javascript; charset=utf-8")
        let chime = try httpRequest(port: web, "/chime.wav")
        #expect(chime.status == 200 && chime.headers["content-type"] == "audio/wav")
        #expect(try httpRequest(port: web, "/speech/0123456789abcdef.wav").status == 404, "a sound nobody made")
        await server.stop()
    }

    /// A queue that closes by its hours while a board follows it: the board hears it closed, and when and in
    /// which words it opens again, and a call of another queue still comes through.
    @Test func aQueueThatClosesSaysWhenItOpens() async throws {
        var config = BoardTests.centre
        config.queues[0].hours = try OpeningHours.parse(everyDay: "08:00-10:30")  // kela; the clock is 10:00
        let (server, web) = try await start(config)
        let board = try EventStream(port: web, "/board/events?queues=kela,lab&lang=fi,en")
        _ = try board.next()  // the snapshot
        server.clock.advance(seconds: 31 * 60)
        let closed = try board.until("\"open\":false")
        let data = try #require(closed.last?.data)
        #expect(data.contains("\"type\":\"queue\"") && data.contains("\"queue\":\"kela\""), "\(data)")
        #expect(data.contains("08:00"), "its next opening in words: \(data)")
        let c = try server.client()
        #expect(try c.request("ISSUE lab").hasPrefix("OK L001"))
        #expect(try board.until("\"queue\":\"lab\"").last?.data.contains("\"waiting\":1") == true)
        await server.stop()
    }

    /// Each event has an id; a board that comes back with the last one it had is given what it missed, and no
    /// snapshot; one with an id of another run, or none, starts from a snapshot.
    @Test func aBoardThatReconnectsGetsWhatItMissed() async throws {
        let (server, web) = try await start()
        let c = try server.client()
        var board = try EventStream(port: web, "/board/events?queues=kela,lab")
        #expect(board.head.first == "HTTP/1.1 200 OK\r")
        #expect(board.head.contains("Content-Type: text/event-stream; charset=utf-8\r"))
        let snapshot = try board.next()
        #expect(snapshot.data.hasPrefix("{\"type\":\"snapshot\""))
        #expect(try c.request("ISSUE kela").hasPrefix("OK K001"))
        #expect(try c.request("CALL 1").hasPrefix("OK K001"))
        let call = try board.until("\"ticket\":\"K001\"").last!
        #expect(call.data.contains("\"type\":\"call\"") && call.data.contains("\"counter\":\"1\""))
        let last = try #require(call.id)
        board = try EventStream(port: web, "/board/events?queues=kela,lab", lastEventID: nil)  // the old one is cut
        _ = try board.next()
        // Missed while away: a call at lab, one at health (not this board's), a queue's figures.
        #expect(try c.request("ISSUE lab").hasPrefix("OK L001"))
        #expect(try c.request("CALL 6").hasPrefix("OK L001"))
        #expect(try c.request("ISSUE health").hasPrefix("OK H001"))
        #expect(try c.request("CALL 4").hasPrefix("OK H001"))
        let back = try EventStream(port: web, "/board/events?queues=kela,lab", lastEventID: last)
        let missed = try back.until("\"ticket\":\"L001\"")
        #expect(!missed.contains { $0.data.contains("snapshot") }, "\(missed)")
        #expect(!missed.contains { $0.data.contains("H001") })
        let other = try EventStream(port: web, "/board/events?queues=kela,lab", lastEventID: "someotherrun-3")
        #expect(try other.next().data.hasPrefix("{\"type\":\"snapshot\""))
        await server.stop()
    }

    /// A discreet queue's calls show only on a board that names it, and are never spoken.
    @Test func discreetQueuesAreShownOnlyWhereNamedAndNeverSpoken() async throws {
        let (server, web) = try await start()
        let c = try server.client()
        let lobby = try EventStream(port: web, "/board/events")
        #expect(!(try lobby.next().data.contains("Mielenterveyspalvelut")), "not in the lobby's queues")
        let own = try EventStream(port: web, "/board/events?queues=mental")
        _ = try own.next()
        #expect(try c.request("ISSUE mental").hasPrefix("OK M001"))
        #expect(try c.request("CALL 7").hasPrefix("OK M001"))
        #expect(try c.request("ISSUE kela").hasPrefix("OK K001"))
        #expect(try c.request("CALL 1").hasPrefix("OK K001"))
        let seen = try lobby.until("K001")
        #expect(!seen.contains { $0.data.contains("M001") }, "\(seen)")
        let call = try own.until("M001").last!.data
        #expect(!call.contains("speech"), "\(call)")
        await server.stop()
    }

    @Test func atMostMaxBoardsStream() async throws {
        let (server, web) = try await start()
        var open: [EventStream] = []
        for _ in 0..<3 {
            let s = try EventStream(port: web, "/board/events")
            _ = try s.next()
            open.append(s)
        }
        let refused = try httpRequest(port: web, "/board/events")
        #expect(refused.status == 503)
        let page = try httpRequest(port: web, "/board")
        #expect(page.status == 503 && page.body.contains("3 boards are open already"))
        open.removeLast()  // closes its connection
        var served = false
        for _ in 0..<50 where !served {
            usleep(100_000)
            served = (try? httpRequest(port: web, "/board"))?.status == 200
        }
        #expect(served)
        await server.stop()
    }

    /// The audio of a call in each language: a WAV of 1 to 6 seconds, made by espeak-ng.
    @Test(.enabled(if: findProgram("espeak-ng") != nil, "espeak-ng is not installed"))
    func callsAreSpokenInEachLanguage() async throws {
        let (server, web) = try await start()
        let c = try server.client()
        let board = try EventStream(port: web, "/board/events?speak=fi,sv,en&lang=fi,sv,en")
        _ = try board.next()
        #expect(try c.request("ISSUE kela").hasPrefix("OK K001"))
        #expect(try c.request("CALL 3").hasPrefix("OK K001"))
        let call = try board.until("\"type\":\"call\"").last!.data
        for lang in ["fi", "sv", "en"] {
            guard let r = call.range(of: "\"\(lang)\":\"/speech/") else {
                Issue.record("no \(lang) audio: \(call)")
                continue
            }
            let path = "/speech/" + call[r.upperBound...].prefix { $0 != "\"" }
            let wav = try httpBytes(port: web, path)
            #expect(wav.status == 200, "\(path)")
            let seconds = try #require(wavSeconds(wav.body), "\(lang): not a WAV")
            #expect(seconds >= 1 && seconds <= 6, "\(lang): \(seconds) s")
        }
        await server.stop()
    }
}

/// The seconds a PCM WAV file lasts, from its header; nil when it is not one.
func wavSeconds(_ b: [UInt8]) -> Double? {
    guard b.count > 44, Array(b[0..<4]) == Array("RIFF".utf8), Array(b[8..<16]) == Array("WAVEfmt ".utf8) else {
        return nil
    }
    func u32(_ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 | Int(b[i + 2]) << 16 | Int(b[i + 3]) << 24 }
    let byteRate = u32(28)
    var i = 12
    while i + 8 <= b.count {
        let size = u32(i + 4)
        if Array(b[i..<(i + 4)]) == Array("data".utf8) { return byteRate > 0 ? Double(size) / Double(byteRate) : nil }
        i += 8 + size
    }
    return nil
}

// The bounded HTTP request parser byte by byte: whole requests, pipelined ones, and every refusal with its status.
import Testing
import VuoroHTTP

func parse(_ text: String, limits: HTTPLimits = HTTPLimits()) -> HTTPRequestParser.Outcome {
    Array(text.utf8).withUnsafeBytes { HTTPRequestParser.parse($0, limits: limits) }
}

func status(_ text: String, limits: HTTPLimits = HTTPLimits()) -> Int? {
    if case .invalid(let e) = parse(text, limits: limits) { return e.status }
    return nil
}

@Suite struct HTTPRequestParserTests {
    @Test func aWholeRequestAndWhatItTook() throws {
        let text = "GET /t/abc?lang=sv&x=a%20b+c HTTP/1.1\r\nHost: jono\r\nAccept-Language:  sv , en \r\n\r\nGET /"
        guard case .complete(let r, let consumed) = parse(text) else {
            Issue.record("not complete: \(parse(text))")
            return
        }
        #expect(r.method == "GET" && r.target == "/t/abc?lang=sv&x=a%20b+c" && r.minorVersion == 1)
        #expect(r.path == "/t/abc")
        #expect(r.queryValue("lang") == "sv" && r.queryValue("x") == "a b c")
        #expect(r.header("accept-language") == "sv , en" && r.header("HOST") == "jono")
        #expect(r.keepAlive)
        #expect(consumed == text.utf8.count - "GET /".utf8.count, "the next request's bytes are left")
    }

    /// Fed one byte at a time, a request is incomplete up to its last byte and whole there, as a connection sees
    /// it arrive.
    @Test func byteByByte() {
        let text = "POST /api/v1/x HTTP/1.1\nHost: a\nContent-Length: 5\n\nhello"
        let bytes = Array(text.utf8)
        let limits = HTTPLimits(bodyBytes: 100)
        for n in 0..<bytes.count {
            let o = bytes[..<n].withUnsafeBytes { HTTPRequestParser.parse($0, limits: limits) }
            #expect(o == .incomplete, "at \(n) bytes: \(o)")
        }
        guard case .complete(let r, let consumed) = bytes.withUnsafeBytes({ HTTPRequestParser.parse($0, limits: limits) })
        else {
            Issue.record("not complete")
            return
        }
        #expect(r.body == Array("hello".utf8) && consumed == bytes.count)
    }

    @Test func connectionPersistence() {
        func keepAlive(_ head: String) -> Bool? {
            if case .complete(let r, _) = parse(head + "\r\n\r\n") { return r.keepAlive }
            return nil
        }
        #expect(keepAlive("GET / HTTP/1.1\r\nHost: a\r\nConnection: close") == false)
        #expect(keepAlive("GET / HTTP/1.0") == false)
        #expect(keepAlive("GET / HTTP/1.0\r\nConnection: Keep-Alive") == true)
        #expect(keepAlive("GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade, close") == false)
    }

    @Test func refusals() {
        #expect(status("GET /\r\n\r\n") == 400, "no version")
        #expect(status("GET / HTTP/2.0\r\nHost: a\r\n\r\n") == 505)
        #expect(status("GET / HTTP/1.1\r\n\r\n") == 400, "no Host")
        #expect(status("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") == 400, "two Hosts")
        #expect(status("GET http://x/ HTTP/1.1\r\nHost: a\r\n\r\n") == 400, "absolute form")
        #expect(status("G(T / HTTP/1.1\r\nHost: a\r\n\r\n") == 400, "a method that is not a token")
        #expect(status("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n") == 400)
        #expect(status("GET / HTTP/1.1\r\nHost: a\r\nX: a\u{01}b\r\n\r\n") == 400, "a control character")
        #expect(status("GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n") == 400)
        #expect(status("GET /a\rb HTTP/1.1\r\nHost: a\r\n\r\n") == 400, "a bare CR in the address")
        #expect(status("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n") == 411)
        #expect(status("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nx") == 413, "no body taken here")
        let limits = HTTPLimits(bodyBytes: 10)
        #expect(status("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n", limits: limits) == 413)
        #expect(status("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", limits: limits) == 400)
        #expect(status("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", limits: limits) == 400)
        #expect(status("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x5\r\n\r\n", limits: limits) == 400)
        if case .complete(let r, _) = parse("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 2, 2\r\n\r\nab", limits: limits) {
            #expect(r.body == [97, 98])
        } else {
            Issue.record("a repeated equal length is one length")
        }
    }

    /// Nothing is buffered past the limits: an endless request line, endless headers, too many headers.
    @Test func limits() {
        let limits = HTTPLimits(headBytes: 1024, targetBytes: 256, headerCount: 4)
        #expect(status("GET /" + String(repeating: "a", count: 300), limits: limits) == 414, "no LF yet")
        #expect(status("GET /" + String(repeating: "a", count: 300) + " HTTP/1.1\r\n", limits: limits) == 414)
        #expect(parse("GET /" + String(repeating: "a", count: 200), limits: limits) == .incomplete)
        let endless = "GET / HTTP/1.1\r\nHost: a\r\n" + String(repeating: "X-A: b\r\n", count: 200)
        #expect(status(endless, limits: limits) == 431)
        let many = "GET / HTTP/1.1\r\nHost: a\r\n" + String(repeating: "X-A: b\r\n", count: 4) + "\r\n"
        #expect(status(many, limits: limits) == 431)
        #expect(status(String(repeating: "\r\n", count: 600), limits: limits) == 431, "blank lines forever")
    }

    @Test func responsesCarryTheSecurityHeaders() {
        let r = HTTPResponse.text(400, "bad")
        let text = String(decoding: r.serialized(keepAlive: false), as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"))
        for (name, value) in HTTPResponse.securityHeaders { #expect(text.contains("\(name): \(value)\r\n")) }
        #expect(text.contains("Content-Length: 4\r\nConnection: close\r\n\r\nbad\n"))
        let own = HTTPResponse(
            status: 200, contentType: "text/html", body: [], headers: [("Content-Security-Policy", "default-src 'self'")])
        let head = String(decoding: own.serialized(keepAlive: true), as: UTF8.self)
        #expect(head.components("Content-Security-Policy") == 1, "a page's own policy replaces the default")
    }

    @Test func serverSentEvents() {
        #expect(
            ServerSentEvent.frame(id: "7", event: "called", data: "a\nb") == "id: 7\nevent: called\ndata: a\ndata: b\n\n")
    }
}

extension String {
    func components(_ s: String) -> Int { self.split(separator: s, omittingEmptySubsequences: false).count - 1 }
}

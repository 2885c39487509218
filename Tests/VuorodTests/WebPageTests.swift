// The visitors' web pages end to end: vuorod --web as a process, and the QR code's address on a slip printed by
// vuoro-ticket --web-url opening that ticket's page.
import Foundation
import Testing
import VuoroTestSupport

#if canImport(Glibc)
    import Glibc
#endif

@Suite(.serialized) struct WebPageTests {
    @Test func vuorodServesThePagesWhenAsked() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let d = try Daemon(arguments: ["--state-dir", dir, "--listen", "127.0.0.1:0", "--web", "127.0.0.1:0"])
        try d.waitUntilListening()
        let marker = "visitors' pages on http://127.0.0.1:"
        #expect(d.waitForLog(marker), "\(d.log)")
        let port = Int(d.log[d.log.range(of: marker)!.upperBound...].prefix { $0.isNumber }) ?? 0
        let page = try httpRequest(port: port, "/")
        #expect(page.status == 200)
        #expect(page.body.contains("<th scope=\"row\">Kela</th>"), "\(page.body)")
        d.signal(SIGTERM)
        #expect(d.finish().0 == 0)
        // The configuration's `web` serves them as well (here the example file's line, uncommented).
        let example = try String(contentsOfFile: packageRoot + "/config/vuoro.example.toml", encoding: .utf8)
        let config = dir + "/web.toml"
        try example.replacingOccurrences(of: "# web = \"127.0.0.1:7480\"", with: "web = \"127.0.0.1:0\"")
            .write(toFile: config, atomically: true, encoding: .utf8)
        let e = try Daemon(arguments: ["--state-dir", dir, "--listen", "127.0.0.1:0", "--config", config])
        try e.waitUntilListening()
        #expect(e.waitForLog(marker), "\(e.log)")
        let port2 = Int(e.log[e.log.range(of: marker)!.upperBound...].prefix { $0.isNumber }) ?? 0
        #expect(try httpRequest(port: port2, "/").status == 200)
        e.signal(SIGTERM)
        #expect(e.finish().0 == 0)
        // A bad address is refused before anything starts.
        let bad = try Daemon(arguments: ["--state-dir", dir, "--web", "nowhere"])
        let (status, log) = bad.finish()
        #expect(status != 0 && log.contains("--web nowhere: expected HOST:PORT"), "\(log)")
    }

    @Test func theSlipsAddressOpensItsTicketsPage() async throws {
        let server = try await TestServer()
        let web = try #require(try await server.server.startWeb(host: "127.0.0.1", port: 0)).port!
        let (rc, out, err) = try runClient(
            "vuoro-ticket", ["lab", "--lang", "en", "--web-url", "http://127.0.0.1:\(web)/"],
            server: "127.0.0.1:\(server.port)")
        #expect(rc == 0, "\(err)")
        let slip = String(decoding: out, as: UTF8.self)
        let line = try #require(slip.split(separator: "\n").last { $0.hasPrefix("http://") }, "\(slip)")
        #expect(slip.contains("Follow your turn on your phone:\n\(line)\n"))
        let path = String(line.dropFirst("http://127.0.0.1:\(web)".count))
        #expect(path.hasPrefix("/t/") && path.count == 3 + 16, "\(path)")
        let page = try httpRequest(port: web, path)
        #expect(page.status == 200)
        #expect(page.body.contains("<html lang=\"en\">") && page.body.contains("<p class=\"number\">L001</p>"))
        #expect(page.body.contains("Position in queue: <b id=\"position\">1</b>"), "\(page.body)")
        let bad = try runClient("vuoro-ticket", ["lab", "--web-url", "jono.example.fi"], server: "127.0.0.1:1")
        #expect(bad.0 != 0 && bad.2.contains("--web-url must be an http:// or https:// address"), "\(bad.2)")
        await server.stop()
    }

    /// The QR code printed on an ESC/POS slip, read as a phone would (zbarimg), opens that ticket's page; with
    /// `--qr printer` the printer's own QR command carries the same address.
    @Test(.enabled(if: zbarimg != nil, "zbarimg (zbar-tools) is not installed"))
    func thePrintedQRCodeOpensItsTicketsPage() async throws {
        let server = try await TestServer()
        let web = try #require(try await server.server.startWeb(host: "127.0.0.1", port: 0)).port!
        let base = "http://127.0.0.1:\(web)"
        let (rc, out, err) = try runClient(
            "vuoro-ticket", ["lab", "--lang", "sv", "--format", "escpos", "--web-url", base],
            server: "127.0.0.1:\(server.port)")
        #expect(rc == 0, "\(err)")
        let at = try #require(out.indices.first { out[$0...].starts(with: [0x1D, 0x76, 0x30, 0]) }, "no image")
        let image = try #require(rasterImage(out, at: at))
        let url = try #require(try decodeQR(image, scale: 1), "zbarimg read no code")
        #expect(url.hasPrefix(base + "/t/") && url.count == base.count + 3 + 16, "\(url)")
        let page = try httpRequest(port: web, String(url.dropFirst(base.count)))
        #expect(page.status == 200 && page.body.contains("<p class=\"number\">L001</p>"), "\(page.body)")
        #expect(page.body.contains("<html lang=\"sv\">"))
        // Only the image: no GS ( k before it or after it.
        let end = at + 8 + (image.first?.count ?? 0) / 8 * image.count
        let rest = Array(out[..<at]) + Array(out[end...])
        #expect(!rest.indices.contains { rest[$0...].starts(with: [0x1D, 0x28, 0x6B]) })

        let native = try runClient(
            "vuoro-ticket", ["lab", "--format", "escpos", "--qr", "printer", "--web-url", base],
            server: "127.0.0.1:\(server.port)")
        #expect(native.0 == 0, "\(native.2)")
        let store: [UInt8] = [0x31, 0x50, 0x30] + Array((base + "/t/").utf8)
        #expect(native.1.indices.contains { native.1[$0...].starts(with: store) }, "no GS ( k store of the address")
        #expect(!native.1.indices.contains { native.1[$0...].starts(with: [0x1D, 0x76, 0x30, 0]) })
        let wrong = try runClient("vuoro-ticket", ["lab", "--qr", "laser"], server: "127.0.0.1:1")
        #expect(wrong.0 != 0 && wrong.2.contains("--qr"), "\(wrong.2)")
        await server.stop()
    }
}

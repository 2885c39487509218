// The kiosk's printer failing: a write error, a printer that stops taking data, one unplugged, a network printer.
import Foundation
import Testing
import VuoroClient
import VuoroCore
import VuoroProtocol
import VuoroTestSupport

#if canImport(Glibc)
    import Glibc
#endif

@Suite(.serialized) struct PrinterFailureTests {
    /// A slip that cannot be printed cancels its ticket: no counter should call a number nobody holds.
    @Test func aFailedPrintCancelsTheTicket() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        let c = try server.client()
        // A device that refuses every write (ENOSPC).
        let (rc, _, err) = try runClient("vuoro-ticket", ["kela", "--output", "/dev/full"], server: addr)
        #expect(rc == 1)
        #expect(
            err
                == "vuoro-ticket: cannot print K001: cannot write to /dev/full: No space left on device; the ticket was cancelled\n"
        )
        #expect(try c.request("TICKET K001") == "OK K001 state=cancelled queue=kela")
        // A printer that is not plugged in: an error before any number is issued (none is used up or cancelled),
        // and no file where its device node would appear.
        let missing = "/dev/vuoro-test-printer-\(UUID().uuidString.prefix(8))"
        let (rc2, _, err2) = try runClient(
            "vuoro-ticket", ["kela", "--format", "escpos", "--output", missing], server: addr)
        #expect(rc2 == 1)
        #expect(
            err2 == "vuoro-ticket: cannot open \(missing): No such file or directory; no ticket was issued\n")
        #expect(!FileManager.default.fileExists(atPath: missing))
        if FileManager.default.fileExists(atPath: missing) { try? FileManager.default.removeItem(atPath: missing) }
        #expect(try c.request("TICKET K002").hasPrefix("ERR unknown-ticket"))
        #expect(try c.request("ISSUE kela").hasPrefix("OK K002 "))
        await server.stop()
    }

    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func theKioskSaysThePrinterFailed() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        let kiosk = try Tmux("\(executable("vuoro-ticket")) --kiosk --server \(addr) --output /dev/full")
        #expect(try kiosk.waitFor("Valitse palvelu"))
        try kiosk.keys("1")
        #expect(try kiosk.waitFor("Tulostin ei toimi. Kysy neuvontapisteestä."), kiosk.dump)
        #expect(!(try kiosk.screen().contains("Vuoronumerosi")), kiosk.dump)
        #expect(try server.client().request("TICKET K001") == "OK K001 state=cancelled queue=kela")
        try kiosk.keys("C-c")
        await server.stop()
    }

    /// A printer out of paper (or jammed, or its cover open) stops taking data. A blocking write froze the kiosk
    /// with a number issued that nobody held; now no number is issued while it takes nothing.
    @Test func aStalledPrinterGetsNoNumber() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        let printer = try StalledPrinter()
        printer.stall()
        let (rc, _, err) = try runClient(
            "vuoro-ticket", ["kela", "--format", "escpos", "--output", printer.path, "--print-timeout", "1"],
            server: addr)
        #expect(rc == 1)
        #expect(
            err
                == "vuoro-ticket: \(printer.path) took no data for 1 s (is the printer out of paper, jammed or its cover open?); no ticket was issued\n"
        )
        #expect(try server.client().request("TICKET K001").hasPrefix("ERR unknown-ticket"))
        // Paper again: the slip is printed, and its number is the first.
        _ = printer.drain()
        let (rc2, _, err2) = try runClient(
            "vuoro-ticket", ["kela", "--output", printer.path, "--print-timeout", "1"], server: addr)
        #expect(rc2 == 0, "\(err2)")
        #expect(String(decoding: printer.drain(), as: UTF8.self).contains("K001"))
        await server.stop()
    }

    /// Many kiosk printers are on the network, on their raw port: the slip goes there, and one that is switched off
    /// gets no number issued.
    @Test func aNetworkPrinterPrintsTheSlip() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        let printer = try NetworkPrinter()
        let (rc, _, err) = try runClient(
            "vuoro-ticket", ["lab", "--format", "escpos", "--output", "tcp:127.0.0.1:\(printer.port)"], server: addr)
        #expect(rc == 0, "\(err)")
        let slip = printer.receive()
        #expect(slip.starts(with: [0x1B, 0x40]), "ESC @ first")
        #expect(CP858.decode(slip).contains("L001"))
        let off = try NetworkPrinter().port
        let (rc2, _, err2) = try runClient(
            "vuoro-ticket", ["lab", "--output", "tcp:127.0.0.1:\(off)", "--print-timeout", "1"], server: addr)
        #expect(rc2 == 1)
        #expect(err2 == "vuoro-ticket: cannot reach tcp:127.0.0.1:\(off): Connection refused; no ticket was issued\n")
        #expect(try server.client().request("TICKET L002").hasPrefix("ERR unknown-ticket"))
        await server.stop()
    }

    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func theKioskWaitsOutAStalledPrinter() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        let printer = try StalledPrinter()
        printer.stall()
        let log = server.directory + "/kiosk.err"
        let kiosk = try Tmux(
            "\(executable("vuoro-ticket")) --kiosk --server \(addr) --output \(printer.path) --print-timeout 1 --lang en 2> \(log)",
            columns: 200)
        #expect(try kiosk.waitFor("Choose a service"))
        try kiosk.keys("1")
        #expect(try kiosk.waitFor("The printer is not working. Please ask at the information desk."), kiosk.dump)
        // Staff read why in the kiosk's log (the journal under its unit).
        #expect(fileSoonContains(log, "no ticket was issued"))
        #expect(try server.client().request("TICKET K001").hasPrefix("ERR unknown-ticket"))
        // The kiosk still answers keys, and prints once the printer takes paper again.
        _ = printer.drain()
        try kiosk.keys("1")
        #expect(try kiosk.waitFor("Your number"), kiosk.dump)
        #expect(String(decoding: printer.drain(), as: UTF8.self).contains("K001"))
        try kiosk.keys("C-c")
        await server.stop()
    }

    @Test(.enabled(if: findProgram("tmux") != nil, "tmux is not installed"))
    func theKioskIssuesNothingForAnUnpluggedPrinter() async throws {
        let server = try await TestServer()
        let addr = "127.0.0.1:\(server.port)"
        let missing = "/dev/vuoro-test-printer-\(UUID().uuidString.prefix(8))"
        let log = server.directory + "/kiosk.err"
        let kiosk = try Tmux(
            "\(executable("vuoro-ticket")) --kiosk --server \(addr) --output \(missing) --lang en 2> \(log)")
        #expect(try kiosk.waitFor("Choose a service"))
        try kiosk.keys("1")
        #expect(try kiosk.waitFor("The printer is not working. Please ask at the information desk."), kiosk.dump)
        // Staff read why in the kiosk's log (the journal under its unit).
        #expect(fileSoonContains(log, "no ticket was issued"))
        #expect(try server.client().request("TICKET K001").hasPrefix("ERR unknown-ticket"))
        try kiosk.keys("C-c")
        await server.stop()
    }
}

/// Whether the file at `path` holds `text` within `seconds` (a program's log, written as it goes).
func fileSoonContains(_ path: String, _ text: String, seconds: Double = 10) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").contains(text) { return true }
        usleep(100_000)
    }
    return false
}

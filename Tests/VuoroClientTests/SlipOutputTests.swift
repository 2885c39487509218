// Where slips go: a printer that stops taking data must not freeze the kiosk.
import Foundation
import Testing
import VuoroClient
import VuoroTestSupport

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct SlipOutputTests {
    /// `DLE EOT 4`'s status byte: the paper sensors, and bytes that are no such status (noise, an answer to
    /// something else) taken as no answer.
    @Test func paperStatusBytes() throws {
        #expect(SlipOutput.paper(status: 0x12) == "ok")
        #expect(SlipOutput.paper(status: 0x16) == "low")  // one near-end bit is enough
        #expect(SlipOutput.paper(status: 0x1E) == "low")
        #expect(SlipOutput.paper(status: 0x72) == "out")
        #expect(SlipOutput.paper(status: 0x7E) == "out")
        for b: UInt8 in [0x00, 0xFF, 0x10, 0x02, 0x92, 0x13] { #expect(SlipOutput.paper(status: b) == nil, "\(b)") }
        // A file and standard output cannot answer: nothing is asked.
        let file = NSTemporaryDirectory() + "slip-\(UUID().uuidString)"
        defer { unlink(file) }
        #expect(try SlipOutput(file, timeout: 1).paperStatus() == nil)
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)).isEmpty, "a query written into a file")
        // A network printer that answers, and one that does not.
        let printer = try AnsweringPrinter(status: AnsweringPrinter.paperLow)
        defer { printer.stop() }
        #expect(try SlipOutput("tcp:127.0.0.1:\(printer.port)", timeout: 1).paperStatus() == "low")
        printer.status = nil
        let started = monotonicSeconds()
        #expect(try SlipOutput("tcp:127.0.0.1:\(printer.port)", timeout: 1).paperStatus(wait: 0.3) == nil)
        #expect(monotonicSeconds() - started < 2)
    }

    @Test func aStalledPrinterIsFoundBeforeANumberIsIssued() throws {
        let printer = try StalledPrinter()
        printer.stall()
        let started = monotonicSeconds()
        #expect(throws: OutputError.self) { try SlipOutput(printer.path, timeout: 0.3) }
        do {
            _ = try SlipOutput(printer.path, timeout: 0.3)
        } catch {
            #expect(
                error.description
                    == "\(printer.path) took no data for 0.3 s (is the printer out of paper, jammed or its cover open?); no ticket was issued"
            )
        }
        // It waited for the printer, and not for ever.
        #expect(monotonicSeconds() - started >= 0.6)

        // Paper again: the next slip goes out whole.
        _ = printer.drain()
        let out = try SlipOutput(printer.path, timeout: 0.3)
        let slip = Array("K001\n".utf8)
        try out.write(slip)
        #expect(printer.drain() == slip)
    }

    @Test func aPrinterThatStopsMidSlipFailsTheWrite() throws {
        // One page of pipe: the printer takes 4096 bytes of the slip, then stops.
        let printer = try StalledPrinter(pipeSize: 4096)
        let out = try SlipOutput(printer.path, timeout: 0.2)
        let slip = [UInt8](repeating: 0x41, count: 10_000)
        do {
            try out.write(slip)
            Issue.record("a stalled printer took the whole slip")
        } catch {
            #expect(
                error.description
                    == "\(printer.path) took 4096 of the slip's 10000 bytes, then none for 0.2 s (is the printer out of paper, jammed or its cover open?)"
            )
        }
        #expect(printer.drain().count == 4096)
    }

    @Test func aFileNeverWaits() throws {
        let path = NSTemporaryDirectory() + "vuoro-slips-\(UUID().uuidString.prefix(8))"
        defer { unlink(path) }
        let out = try SlipOutput(path, timeout: 0.1)
        let slip = [UInt8](repeating: 0x42, count: 200_000)
        try out.write(slip)
        try out.write(slip)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count == 400_000)
    }

    @Test func aNetworkPrinterGetsTheSlip() throws {
        let printer = try NetworkPrinter()
        let slip = Array("K001\n".utf8)
        do {
            let out = try SlipOutput("tcp:127.0.0.1:\(printer.port)", timeout: 1)
            try out.write(slip)
        }
        #expect(printer.receive() == slip)
    }

    @Test func aNetworkPrinterThatIsOffIsNamed() throws {
        let port = try NetworkPrinter().port  // closed again: nothing listens there
        do {
            _ = try SlipOutput("tcp:127.0.0.1:\(port)", timeout: 1)
            Issue.record("connected to a closed port")
        } catch {
            #expect(
                error.description
                    == "cannot reach tcp:127.0.0.1:\(port): Connection refused; no ticket was issued")
        }
        #expect(throws: OutputError.self) { try SlipOutput("tcp:nowhere", timeout: 1) }
    }

    /// A printer busy with another job answers no new connection: the kiosk waits out the timeout, not the
    /// system's two minutes of retries.
    @Test(
        .enabled(
            if: (try? String(contentsOfFile: "/proc/sys/net/ipv4/tcp_abort_on_overflow", encoding: .utf8))?.hasPrefix(
                "0")
                ?? false,
            "the kernel resets connections beyond a full queue (tcp_abort_on_overflow) instead of not answering"))
    func aNetworkPrinterThatDoesNotAnswerTimesOut() throws {
        let printer = try NetworkPrinter(backlog: 0)
        // Its queue of connections full: these are never accepted.
        var held: [Int32] = []
        defer { held.forEach { close($0) } }
        for _ in 0..<4 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = UInt16(printer.port).bigEndian
            _ = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            held.append(fd)
        }
        usleep(100_000)
        let started = monotonicSeconds()
        do {
            _ = try SlipOutput("tcp:127.0.0.1:\(printer.port)", timeout: 0.3)
            Issue.record("a printer with its queue full took the connection")
        } catch {
            #expect(
                error.description
                    == "cannot reach tcp:127.0.0.1:\(printer.port): no answer for 0.3 s; no ticket was issued"
            )
        }
        #expect(monotonicSeconds() - started < 10)  // not the two minutes of SYN retries
    }
}

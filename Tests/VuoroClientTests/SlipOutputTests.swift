// Where slips go: a printer that stops taking data must not freeze the kiosk.
import Foundation
import Testing
import VuoroClient
import VuoroTestSupport

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct SlipOutputTests {
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
}

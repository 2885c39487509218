// `make soak`: a busy day compressed, against the built daemon. Memory stays flat, descriptors do not leak,
// every ticket ends in a final state. Runs only when VUORO_SOAK_SECONDS is set.
import Foundation
import Testing
import VuoroStore
import VuoroTestSupport

#if canImport(Glibc)
    import Glibc
#endif

let soakSeconds = ProcessInfo.processInfo.environment["VUORO_SOAK_SECONDS"].flatMap(Double.init)

func residentKiB(_ pid: Int32) -> Int {
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
}

func openDescriptors(_ pid: Int32) -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
}

@Suite(.serialized) struct SoakTests {
    @Test(.enabled(if: soakSeconds != nil, "set VUORO_SOAK_SECONDS (make soak) to run the soak"))
    func busyDayAtTenTimesSpeed() throws {
        let seconds = soakSeconds ?? 60
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let d = try Daemon(arguments: ["--state-dir", dir, "--listen", "127.0.0.1:0"])
        try d.waitUntilListening()
        let pid = d.pid
        // The baseline after a first write, when SQLite has its WAL and shared-memory files open.
        do {
            let first = try LineClient(port: d.port)
            #expect(try first.request("ISSUE kela").hasPrefix("OK K001"))
            #expect(try first.request("CANCEL K001") == "OK K001 state=cancelled")
        }
        usleep(300_000)
        let fdsAtStart = openDescriptors(pid)
        let queues = ["kela", "health", "citizen", "lab"]
        let issued = Acks()
        // Kiosks: a visitor every 50 ms or so; counters: serve, sometimes a no-show or a referral.
        var workers: [Worker] = []
        for k in 0..<2 {
            workers.append(
                Worker(port: d.port, script: (0..<8).map { "ISSUE \(queues[($0 + k) % 4])" }) { _, reply in
                    if reply.hasPrefix("OK ") { issued.issue(reply) }
                    usleep(UInt32.random(in: 20_000...80_000))
                })
        }
        for counter in 1...6 {
            let script = [
                "CALL \(counter)", "RECALL \(counter)", "CALL \(counter)", "NOSHOW \(counter)", "CALL \(counter)",
                "TRANSFER \(counter) lab", "CALL \(counter)", "DONE \(counter)",
            ]
            workers.append(Worker(port: d.port, script: script) { _, _ in usleep(UInt32.random(in: 50_000...250_000)) })
        }
        // Displays that come and go, and watch.
        workers.append(
            Worker(port: d.port, script: ["WATCH", "STATUS", "CALLED 10", "QUIT"]) { _, _ in usleep(100_000) })
        workers.forEach { $0.start() }

        var samples: [(rss: Int, fds: Int)] = []
        let start = Date()
        while Date().timeIntervalSince(start) < seconds {
            usleep(UInt32(min(5.0, seconds / 12) * 1_000_000))
            samples.append((residentKiB(pid), openDescriptors(pid)))
        }
        workers.forEach { $0.stop() }

        // Close the day: every counter calls until nothing waits, then finishes its ticket.
        let c = try LineClient(port: d.port)
        for counter in 1...6 {
            while try c.request("CALL \(counter)") != "OK none" {}
        }
        let status = try c.list("STATUS")
        #expect(status.allSatisfy { $0.contains(" waiting=0 ") }, "\(status)")
        #expect(try c.list("COUNTERS").allSatisfy { $0.contains("ticket=-") })
        let db = try Database(path: dir + "/vuoro.db")
        #expect(try db.scalar("SELECT count(*) FROM ticket WHERE state IN ('waiting', 'called')") == 0)
        let total = try db.scalar("SELECT count(*) FROM ticket") ?? 0
        #expect(total >= Int64(issued.issued.count))

        let warm = samples.dropFirst(max(1, samples.count / 5))
        let base = warm.first?.rss ?? 0
        let peak = warm.map(\.rss).max() ?? 0
        print(
            "soak: \(Int(seconds)) s, \(issued.issued.count) tickets issued, \(total) in the database; "
                + "resident \(base) KiB after warm-up, peak \(peak) KiB; descriptors \(fdsAtStart) at start, "
                + "\(samples.map(\.fds)) during")
        #expect(peak <= base + 16 * 1024, "memory grew from \(base) KiB to \(peak) KiB")
        c.send("QUIT")
        _ = try? c.readLine()
        usleep(300_000)
        #expect(openDescriptors(pid) <= fdsAtStart + 1, "descriptors leaked: \(openDescriptors(pid)) vs \(fdsAtStart)")
        kill(pid, SIGTERM)
        #expect(d.finish().0 == 0)
    }
}

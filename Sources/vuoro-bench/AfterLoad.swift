// 7. Memory and restart after a real day's load: the daemon of the lifecycle and fan-out runs, in the same
// process, given 10,000 waiting tickets and 1,000 idle connections; then stopped and started again on its state.
import Foundation
import VuoroChild
import VuoroStore

#if canImport(Glibc)
    import Glibc
#endif

/// What section 7 measured.
struct AfterLoad {
    var finished: Int64 = 0
    var waiting: Int64 = 0
    var residentKiB = 0
    var restart: Double = 0
    var residentAfterRestartKiB = 0
}

extension VuoroBench {
    func afterLoad(_ v: Peer, state: String, config: String, bin: String) throws -> AfterLoad {
        var out = AfterLoad()
        let issuer = connectTCP(v.port)
        let lines = LineReader(issuer)
        var sent = 0
        while sent < waiting {
            let n = min(500, waiting - sent)
            var batch = ""
            for i in sent..<(sent + n) { batch += "ISSUE q\(i % 20) id=afterload\(i)\n" }
            sendAll(issuer, Array(batch.utf8))
            for _ in 0..<n { _ = lines.next() }
            sent += n
        }
        close(issuer)
        let idleFds = (0..<idle).map { _ in connectTCP(v.port) }
        // Taken once the load is over: vuorod gives back what a busy spell freed at its first quiet second.
        usleep(2_500_000)
        out.residentKiB = residentKiB(v.pid)
        idleFds.forEach { close($0) }
        v.stop()
        let db = try Database(path: state + "/vuoro.db", readOnly: true)
        out.finished = try db.scalar("SELECT count(*) FROM ticket WHERE state NOT IN ('waiting', 'called', 'parked')") ?? 0
        out.waiting = try db.scalar("SELECT count(*) FROM ticket WHERE state = 'waiting'") ?? 0
        let t0 = Date()
        let again = try Peer.start(
            bin + "/vuorod",
            [
                "--config", config, "--state-dir", state, "--listen", "127.0.0.1:PORT", "--max-connections", "4096",
                "--log-level", "error",
            ] + daemonOptions, ping: "PING\n")
        out.restart = Date().timeIntervalSince(t0)
        usleep(300_000)
        out.residentAfterRestartKiB = residentKiB(again.pid)
        again.stop()
        return out
    }
}

extension AfterLoad {
    var text: [String] {
        [
            "",
            "== 7. after load: the daemon of sections 1, 2, 5 and 6 (\(finished) finished tickets today), given \(waiting) waiting tickets and its idle connections",
            "vuoro       \(residentKiB / 1024) MiB resident   target < 64 MiB: \(residentKiB < 64 * 1024 ? "met" : "NOT met")",
            "  restarted on that state: \(String(format: "%.3f", restart)) s to the first OK PONG   target < 0.5 s: \(restart < 0.5 ? "met" : "NOT met"); \(residentAfterRestartKiB / 1024) MiB resident after it",
        ]
    }
}

// The built vuorod executable run as a user runs it: demo centre, kill -9 and restart, SIGTERM, bad config.
import Foundation
import Testing
import VuoroProtocol
import VuoroStore
import VuoroTestSupport

/// The built executable, next to the test bundle.
let vuorodPath: String = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    return root.appendingPathComponent(".build/debug/vuorod").path
}()

/// A vuorod process on a free loopback port, its stderr collected.
final class Daemon {
    let child: Child
    var port = 0
    var log = ""
    var pid: pid_t { child.pid }

    init(arguments: [String], environment: [String: String]? = nil, executable: String = vuorodPath) throws {
        child = try Child(executable, arguments, environment: environment, stdout: .null, stderr: .pipe)
    }

    func signal(_ s: Int32) { child.signal(s) }

    /// Reads standard error until the log contains `text` (true), the daemon exits or `seconds` pass (false).
    func waitForLog(_ text: String, seconds: Double = 20) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !log.contains(text) {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return false }
            let data = child.read(child.stderr!, timeout: min(left, 0.2))
            if data.isEmpty && !child.isRunning { return log.contains(text) }
            log += String(decoding: data, as: UTF8.self)
        }
        return true
    }

    /// Waits for the "listening on 127.0.0.1:PORT" line.
    func waitUntilListening() throws {
        guard waitForLog("listening on 127.0.0.1:"), let r = log.range(of: "listening on 127.0.0.1:") else {
            throw TestClientError.timeout("vuorod to listen; log: \(log)")
        }
        port = Int(log[r.upperBound...].prefix { $0.isNumber }) ?? 0
    }

    /// Waits for the daemon to exit (killing it after `timeout`): its status and everything it logged.
    func finish(timeout: Double = 60) -> (Int32, String) {
        let result = try? child.finish(timeout: timeout)
        log += String(decoding: result?.stderr ?? [], as: UTF8.self)
        return (result?.status ?? -1, log)
    }
}

@Suite(.serialized) struct VuorodTests {
    @Test func servesTheDemoCentreAndSurvivesKill9() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let args = ["--state-dir", dir, "--listen", "127.0.0.1:0"]
        var d = try Daemon(arguments: args)
        try d.waitUntilListening()
        #expect(d.log.contains("(vuorod \(vuoroVersion))\n"), "\(d.log)")
        var c = try LineClient(port: d.port)
        #expect(try c.request("PING") == "OK PONG")
        #expect(try c.list("QUEUES").map { $0.split(separator: " ")[0] } == ["kela", "health", "citizen", "lab"])
        let first = try c.request("ISSUE kela")
        #expect(first.hasPrefix("OK K001 queue=kela position=1 "))
        #expect(try c.request("ISSUE kela").hasPrefix("OK K002 "))
        #expect(try c.request("CALL 1").hasPrefix("OK K001 queue=kela counter=1 "))
        d.signal(SIGKILL)
        _ = d.finish()

        d = try Daemon(arguments: args)
        try d.waitUntilListening()
        c = try LineClient(port: d.port)
        #expect(try c.request("ISSUE kela").hasPrefix("OK K003 "))
        #expect(try c.request("TICKET K001") == "OK K001 state=called queue=kela counter=1")
        #expect(try c.request("TICKET K002").hasPrefix("OK K002 state=waiting queue=kela position=1 "))
        d.signal(SIGTERM)
        let (status, log) = d.finish()
        #expect(status == 0, "\(log)")
        #expect(log.contains("stopped"))
        // A clean stop leaves every change in vuoro.db itself: a copy of that one file holds all three tickets.
        let wal = (try? FileManager.default.attributesOfItem(atPath: dir + "/vuoro.db-wal")[.size] as? Int) ?? 0
        #expect(wal == 0)
        let copy = TestServer.temporaryDirectory() + "/copy.db"
        try FileManager.default.copyItem(atPath: dir + "/vuoro.db", toPath: copy)
        #expect(try Database(path: copy).scalar("SELECT count(*) FROM ticket") == 3)
    }

    @Test func checkConfigAcceptsGoodAndNamesTheKeyOfBad() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let good = try writeConfig(dir + "/good.toml")
        let ok = try Daemon(arguments: ["--config", good, "--check-config"])
        #expect(ok.finish().0 == 0)

        let bad = dir + "/bad.toml"
        try """
        site = "Test"
        [[queue]]
        id = "kela"
        prefix = "k1"
        """.write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try Daemon(arguments: ["--config", bad, "--state-dir", dir])
        let (status, log) = refused.finish()
        #expect(status == 2)
        #expect(log.contains("\(bad): queue[1].prefix: 'k1' must be 1 or 2 capital letters"), "\(log)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/vuoro.db"))
    }

    @Test func refusesAStateFileThatIsNotVuoro() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = String(repeating: "not a database, my thesis\n", count: 100)
        try text.write(toFile: dir + "/vuoro.db", atomically: true, encoding: .utf8)
        let d = try Daemon(arguments: ["--state-dir", dir, "--listen", "127.0.0.1:0"])
        let (status, log) = d.finish()
        #expect(status == 1)
        #expect(log.contains("is not a vuoro database"), "\(log)")
        #expect(try String(contentsOfFile: dir + "/vuoro.db", encoding: .utf8) == text)
    }

    @Test func aStateDirectoryThatCannotBeMadeIsNamedWithTheReason() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "".write(toFile: dir + "/file", atomically: true, encoding: .utf8)
        let d = try Daemon(arguments: ["--state-dir", dir + "/file/state", "--listen", "127.0.0.1:0"])
        let (status, log) = d.finish()
        #expect(status == 1)
        #expect(
            log.contains(
                "cannot open the state in \(dir)/file/state: cannot create \(dir)/file/state: Not a directory"),
            "\(log)")
    }

    /// A second vuorod on the same state (one started by hand beside the service) would hand out the same ids and
    /// numbers and overwrite the first one's tickets: it is refused, and the first serves on.
    @Test func aSecondDaemonOnTheSameStateIsRefused() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try Daemon(arguments: ["--state-dir", dir, "--listen", "127.0.0.1:0"])
        try first.waitUntilListening()
        var c = try LineClient(port: first.port)
        #expect(try c.request("ISSUE kela").hasPrefix("OK K001 "))
        let second = try Daemon(arguments: ["--state-dir", dir, "--listen", "127.0.0.1:0"])
        let (status, log) = second.finish(timeout: 20)
        #expect(status == 1)
        #expect(
            log.contains(
                "cannot open the state in \(dir): another vuorod (pid \(first.pid)) is using this state directory"),
            "\(log)")
        #expect(try c.request("ISSUE kela").hasPrefix("OK K002 "))
        first.signal(SIGTERM)
        #expect(first.finish().0 == 0)
        // Once the first has stopped, the directory is free again.
        let third = try Daemon(arguments: ["--state-dir", dir, "--listen", "127.0.0.1:0"])
        try third.waitUntilListening()
        c = try LineClient(port: third.port)
        #expect(try c.request("ISSUE kela").hasPrefix("OK K003 "))
        third.signal(SIGTERM)
        _ = third.finish()
    }

    @Test func badListenAddressIsAUsageError() throws {
        let d = try Daemon(arguments: ["--listen", "nowhere"])
        let (status, log) = d.finish()
        #expect(status == 64)
        #expect(log.contains("--listen nowhere"), "\(log)")
        let threads = try Daemon(arguments: ["--io-threads", "300"])
        let (threadsStatus, threadsLog) = threads.finish()
        #expect(threadsStatus == 64)
        #expect(threadsLog.contains("--io-threads must be from 0 to 256"), "\(threadsLog)")
    }

    /// Who closed the laboratory's queue at two o'clock? Changes a manager or IT is asked about are logged with the
    /// role and address that made them, once committed.
    @Test func whoChangedWhatIsLogged() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let d = try Daemon(arguments: ["--state-dir", dir, "--listen", "127.0.0.1:0"])
        try d.waitUntilListening()
        let c = try LineClient(port: d.port)
        #expect(try c.request("CLOSE lab") == "OK lab open=0")
        #expect(try c.request("ISSUE kela").hasPrefix("OK K001"))
        #expect(try c.request("CANCEL K001") == "OK K001 state=cancelled")
        #expect(try c.request("SERVE 3 health") == "OK 3 queues=health")
        #expect(try c.request("OPEN lab") == "OK lab open=1")
        #expect(d.waitForLog("queue lab opened by admin at 127.0.0.1:"), "\(d.log)")
        for line in [
            "queue lab closed by admin at 127.0.0.1:", "K001 cancelled by admin at 127.0.0.1:",
            "counter 3 serves health, set by admin at 127.0.0.1:",
        ] {
            #expect(d.log.contains(line), "\(line) in \(d.log)")
        }
        d.signal(SIGTERM)
        _ = d.finish()
    }

    /// Several centres on one machine (vuorod@.service): each configuration names its own address. `--listen`
    /// wins over it; a bad one is refused like any key; without tokens, beyond loopback is refused as ever.
    @Test func theConfigurationSaysWhereToListen() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = dir + "/centre.toml"
        let centre = "site = \"Leppävaara\"\n[[queue]]\nid = \"kela\"\nprefix = \"K\"\n"
        try ("listen = [\"unix:\(dir)/centre.sock\"]\n" + centre).write(
            toFile: config, atomically: true, encoding: .utf8)
        let d = try Daemon(arguments: ["--config", config, "--state-dir", dir + "/state"])
        #expect(d.waitForLog("listening on unix:\(dir)/centre.sock for Leppävaara"), "\(d.log)")
        let c = try LineClient(unixPath: dir + "/centre.sock")
        #expect(try c.request("ISSUE kela").hasPrefix("OK K001 "))
        // A change waits for a restart, and says so.
        try ("listen = [\"127.0.0.1:7499\"]\n" + centre).write(toFile: config, atomically: true, encoding: .utf8)
        d.signal(SIGHUP)
        #expect(d.waitForLog("listen changed in \(config): it takes effect when vuorod restarts"), "\(d.log)")
        #expect(try c.request("ISSUE kela").hasPrefix("OK K002 "))
        d.signal(SIGTERM)
        _ = d.finish()

        let cli = try Daemon(arguments: ["--config", config, "--state-dir", dir + "/state", "--listen", "127.0.0.1:0"])
        try cli.waitUntilListening()
        cli.signal(SIGTERM)
        _ = cli.finish()

        try ("listen = [\"nowhere\"]\n" + centre).write(toFile: config, atomically: true, encoding: .utf8)
        let (status, log) = try Daemon(arguments: ["--config", config, "--state-dir", dir + "/state"]).finish()
        #expect(status == 2)
        #expect(log.contains("listen[1]: 'nowhere' is not HOST:PORT, [IPv6]:PORT or unix:PATH"), "\(log)")
        try ("listen = [\"0.0.0.0:0\"]\n" + centre).write(toFile: config, atomically: true, encoding: .utf8)
        let (open, openLog) = try Daemon(arguments: ["--config", config, "--state-dir", dir + "/state"]).finish()
        #expect(open == 1)
        #expect(openLog.contains("refusing to listen on 0.0.0.0:0: no [[token]] is configured"), "\(openLog)")
    }
}

@Suite(.serialized) struct VuorodAccessTests {
    @Test func withoutTokensRefusesToListenBeyondLoopback() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let d = try Daemon(arguments: ["--state-dir", dir, "--listen", "0.0.0.0:0"])
        let (status, log) = d.finish()
        #expect(status == 1)
        #expect(log.contains("refusing to listen on 0.0.0.0:0: no [[token]] is configured"), "\(log)")
    }

    @Test func withTokensListensBeyondLoopbackAndChecksRoles() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = dir + "/centre.toml"
        try "counter-file-secret-1\n".write(toFile: dir + "/counter.token", atomically: true, encoding: .utf8)
        try """
        site = "Test"
        [access]
        default_role = "display"
        [[queue]]
        id = "kela"
        prefix = "K"
        [[counter]]
        id = "3"
        queues = ["kela"]
        [[token]]
        role = "kiosk"
        secret = "kiosk-secret-12345"
        [[token]]
        role = "counter"
        secret_file = "\(dir)/counter.token"
        counters = ["3"]
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let d = try Daemon(arguments: ["--config", config, "--state-dir", dir, "--listen", "0.0.0.0:0"])
        #expect(d.waitForLog("listening on 0.0.0.0:"), "\(d.log)")
        let port = Int(d.log.components(separatedBy: "listening on 0.0.0.0:").last!.prefix { $0.isNumber }) ?? 0
        let c = try LineClient(port: port)
        #expect(try c.request("ISSUE kela").hasPrefix("ERR not-allowed"))
        #expect(try c.request("AUTH kiosk-secret-12345") == "OK role=kiosk")
        #expect(try c.request("ISSUE kela").hasPrefix("OK K001"))
        #expect(try c.request("AUTH counter-file-secret-1") == "OK role=counter")
        #expect(try c.request("CALL 3").hasPrefix("OK K001"))
        d.signal(SIGTERM)
        let (_, log) = d.finish()
        #expect(!log.contains("kiosk-secret-12345") && !log.contains("counter-file-secret-1"), "a secret was logged")
        // Both files of secrets were written with the usual umask, readable by every user: each is named.
        for file in [config, dir + "/counter.token"] {
            #expect(log.contains("\(file) holds token secrets and every user of this machine may read it (mode 644)"))
        }
        // Readable by its owner alone, a file is not.
        chmod(config, 0o600)
        chmod(dir + "/counter.token", 0o640)
        let check = try Daemon(arguments: ["--config", config, "--check-config"])
        let (status, checked) = check.finish()
        #expect(status == 0 && !checked.contains("holds token secrets"), "\(checked)")
        chmod(dir + "/counter.token", 0o644)
        let (_, again) = try Daemon(arguments: ["--config", config, "--check-config"]).finish()
        #expect(again.contains("warning: \(dir)/counter.token holds token secrets"), "\(again)")
        #expect(!again.contains("warning: \(config)"), "\(again)")
    }

    @Test func keepsServingWhenOutOfFileDescriptors() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A file-descriptor limit far below --max-connections: accept fails with EMFILE.
        let d = try Daemon(
            arguments: ["-c", "ulimit -n 48; exec \(vuorodPath) --state-dir \(dir) --listen 127.0.0.1:0"],
            executable: "/bin/bash")
        try d.waitUntilListening()
        var clients: [LineClient] = []
        for _ in 0..<80 { clients.append(try LineClient(port: d.port)) }
        #expect(try clients[0].request("ISSUE kela").hasPrefix("OK K001"))
        // The daemon really is at its descriptor limit: the rest wait in the kernel's backlog.
        var open = 0
        for _ in 0..<100 where open < 46 {
            open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(d.pid)/fd").count) ?? 0
            usleep(50_000)
        }
        // Without the limit it would hold all 80 and its own 15 or so.
        #expect(open >= 46 && open < 80, "\(open) descriptors open under ulimit -n 48")
        // The last ones wait in the kernel's backlog; closing others lets the daemon accept them.
        clients.removeFirst(60)
        let last = clients[clients.count - 1]
        #expect(try last.request("PING") == "OK PONG")
        #expect(try last.request("TICKET K001").hasPrefix("OK K001 state=waiting"))
        d.signal(SIGTERM)
        #expect(d.finish().0 == 0)
    }
}

/// The spawner the other tests rely on: the way Foundation.Process hung CI must not come back.
@Suite struct ChildTests {
    @Test func returnsWhenTheChildExitsThoughADescendantKeepsItsPipes() throws {
        // As `tmux new-session` leaves its server running: the shell exits, its sleep keeps stdout and stderr.
        let started = Date()
        let r = try runChild("/bin/sh", ["-c", "sleep 30 & echo out; echo err >&2; exit 3"])
        #expect(r.status == 3)
        #expect(String(decoding: r.stdout, as: UTF8.self) == "out\n")
        #expect(String(decoding: r.stderr, as: UTF8.self) == "err\n")
        #expect(Date().timeIntervalSince(started) < 20, "waited for the descendant")
    }

    @Test func aChildPastItsDeadlineIsKilledAndReported() throws {
        let child = try Child("/bin/sleep", ["30"])
        #expect(throws: ChildError.self) { try child.wait(timeout: 0.2) }
        #expect(!child.isRunning)
    }

    @Test func exitBySignalIsReportedAs128PlusTheSignal() throws {
        let child = try Child("/bin/sleep", ["30"])
        child.signal(SIGTERM)
        #expect(try child.wait(timeout: 10) == 128 + SIGTERM)
    }

    @Test func theChildGetsOnlyItsStandardDescriptors() throws {
        // A descriptor of the test process without close-on-exec, as sockets of other tests are.
        let extra = open("/dev/null", O_RDONLY)
        defer { close(extra) }
        let r = try runChild("/bin/sh", ["-c", "ls /proc/self/fd | wc -l"])
        // 0, 1, 2, and the one ls itself opens on /proc/self/fd.
        #expect(String(decoding: r.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "4")
    }
}

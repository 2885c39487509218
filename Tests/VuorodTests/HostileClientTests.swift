// The built vuorod under attack from loopback, as issue 17 found it: a pipelined flood that never reads, a slow
// client holding the web slots, a guesser of secrets, and what other local users could reach in the state. Through
// every attack the kiosks' port keeps answering PING and ISSUE.
import Foundation
import Testing
import VuoroTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A configuration of one queue (kela, K) and one counter (1), with `more` after them (tokens, say), readable by
/// its owner alone.
func writeConfig(_ path: String, _ more: String = "") throws -> String {
    try """
    site = "Test"
    [[queue]]
    id = "kela"
    prefix = "K"
    [[counter]]
    id = "1"
    queues = ["kela"]
    \(more)
    """.write(toFile: path, atomically: true, encoding: .utf8)
    chmod(path, 0o600)
    return path
}

/// The port a daemon logged after `marker` ("visitors' pages on http://127.0.0.1:").
func loggedPort(_ d: Daemon, _ marker: String) throws -> Int {
    #expect(d.waitForLog(marker), "\(d.log)")
    let r = try #require(d.log.range(of: marker))
    return Int(d.log[r.upperBound...].prefix { $0.isNumber }) ?? 0
}

/// Seconds a request/reply took on the protocol port.
func timed(_ c: LineClient, _ line: String) throws -> (String, Double) {
    let start = Date()
    let reply = try c.request(line)
    return (reply, Date().timeIntervalSince(start))
}

@Suite(.serialized) struct HostileClientTests {
    func daemon(_ extra: [String] = [], dir: String) throws -> Daemon {
        let d = try Daemon(
            arguments: ["--state-dir", dir + "/state", "--listen", "127.0.0.1:0", "--web", "127.0.0.1:0"] + extra)
        try d.waitUntilListening()
        return d
    }

    /// 200,000 pipelined requests (5.4 MB) on one connection that never reads: the daemon reads one request at a
    /// time and nothing more until its answer is written, so the flood waits in the kernel and costs no memory.
    @Test func aPipelinedFloodThatNeverReads() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let d = try daemon(["--metrics", "127.0.0.1:0"], dir: dir)
        let web = try loggedPort(d, "visitors' pages on http://127.0.0.1:")
        let metrics = try loggedPort(d, "metrics on http://127.0.0.1:")
        let kiosk = try LineClient(port: d.port)
        #expect(try kiosk.request("PING") == "OK PONG")
        #expect(try httpRequest(port: web, "/").status == 200)
        #expect(try scrapeMetrics(port: metrics).first == "HTTP/1.1 200 OK")
        let before = residentKiB(d.pid)
        for port in [web, metrics] {
            let flood = try LineClient(port: port)
            flood.setReceiveBuffer(4096)
            let request = Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
            let all = Array([[UInt8]](repeating: request, count: 200_000).joined())
            let sent = flood.sendWithoutBlocking(all, seconds: 3)
            // Meanwhile the kiosks' port answers as usual.
            let (pong, pingTime) = try timed(kiosk, "PING")
            let (issued, issueTime) = try timed(kiosk, "ISSUE kela")
            #expect(pong == "OK PONG" && issued.hasPrefix("OK K"))
            #expect(pingTime < 1 && issueTime < 1, "PING \(pingTime) s, ISSUE \(issueTime) s")
            #expect(sent > 0)
            let during = residentKiB(d.pid)
            #expect(during - before < 20_000, "resident \(before) KiB before, \(during) KiB during the flood")
        }
        usleep(500_000)
        let after = residentKiB(d.pid)
        #expect(after - before < 20_000, "resident \(before) KiB before, \(after) KiB after the floods")
        #expect(try httpRequest(port: web, "/").status == 200)
        // A reader of the same pipelined requests gets each answer in order.
        let reader = try LineClient(port: web)
        reader.sendRaw(Array([[UInt8]](repeating: Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8), count: 200).joined()))
        var answered = 0
        while answered < 200, let line = try? reader.readLine(timeout: 5) {
            if line.hasPrefix("HTTP/1.1 200 OK") { answered += 1 }
        }
        #expect(answered == 200)
        d.signal(SIGTERM)
        #expect(d.finish().0 == 0)
    }

    /// Slow clients from one address (each sending a header byte a second) hold at most their address's share of
    /// the slots, and each only until its request's deadline; visitors from other addresses are served meanwhile.
    @Test func slowClientsFromOneAddress() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let d = try daemon(dir: dir)
        let web = try loggedPort(d, "visitors' pages on http://127.0.0.1:")
        var slow: [LineClient] = []
        for _ in 0..<200 { if let c = try? LineClient(port: web, from: "127.0.0.2") { slow.append(c) } }
        let start = Date()
        var tick = 0
        var servedOthers = 0
        while Date().timeIntervalSince(start) < 12 {
            for c in slow { c.sendRaw([tick == 0 ? UInt8(ascii: "G") : UInt8(ascii: "x")]) }
            tick += 1
            if (try? httpRequest(port: web, "/"))?.status == 200 { servedOthers += 1 }
            usleep(1_000_000)
        }
        #expect(servedOthers >= 10, "the services page answered \(servedOthers) times during the attack")
        // Past the per-address limit connections were closed at once; the rest at their request's deadline.
        let open = slow.filter { !$0.isClosedByServer(timeout: 0.2) }
        #expect(open.isEmpty, "\(open.count) slow connections still open after 12 s")
        d.signal(SIGTERM)
        #expect(d.finish().0 == 0)
    }

    /// Guessing secrets from new connections: after three failures each attempt from that address waits its turn,
    /// longer each time, however many connections it opens, and the log names the address without a line per
    /// guess.
    @Test func guessingSecretsIsSlowAndQuiet() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = try writeConfig(
            dir + "/tokens.toml",
            """
            [[token]]
            role = "admin"
            secret = "the-right-secret-1"
            """)
        let d = try daemon(["--config", config], dir: dir)
        // The first failures: a connection is closed after three, so two connections.
        for n in 0..<4 {
            let first = try LineClient(port: d.port, from: "127.0.0.3")
            #expect(try first.request("AUTH first-guess-\(n)").hasPrefix("ERR auth-failed"))
        }
        // Then twenty connections guess as fast as the daemon answers, for five seconds.
        var guessers: [LineClient] = []
        for _ in 0..<20 { guessers.append(try LineClient(port: d.port, from: "127.0.0.3")) }
        for (i, g) in guessers.enumerated() { g.send("AUTH wrong-secret-\(i)") }
        let start = Date()
        var answered = 0
        while Date().timeIntervalSince(start) < 5 {
            for g in guessers {
                if let line = try? g.readLine(timeout: 0.05), line.hasPrefix("ERR auth-failed") {
                    answered += 1
                    g.send("AUTH wrong-again-\(answered)")
                }
            }
        }
        // 1 s, 2 s, then 4 s apart: three or four answers where an unslowed daemon answered tens of thousands.
        #expect(answered >= 2 && answered <= 5, "\(answered) wrong secrets answered in 5 s")
        // Another address is not slowed, and the port serves as usual.
        let other = try LineClient(port: d.port)
        let (ok, took) = try timed(other, "AUTH the-right-secret-1")
        #expect(ok == "OK role=admin" && took < 1, "\(took) s")
        #expect(try other.request("PING") == "OK PONG")
        guessers.removeAll()
        d.signal(SIGTERM)
        let (status, log) = d.finish()
        #expect(status == 0)
        let lines = log.split(separator: "\n").filter { $0.contains("authentication failed") }
        #expect(lines.count <= 3, "\(lines.count) lines")
        #expect(lines.allSatisfy { $0.contains("from 127.0.0.3:") }, "\(lines)")
        #expect(log.utf8.count < 20_000, "\(log.utf8.count) bytes of log")
    }

    /// Under umask 022 the state directory is 0700 and every file in it 0600; an earlier vuoro's 0644 files are
    /// made 0600 at start.
    @Test func theStateIsReadableByItsOwnerAlone() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let state = dir + "/state"
        let sh = "umask 022; exec \(vuorodPath) --state-dir \(state) --listen 127.0.0.1:0"
        var d = try Daemon(arguments: ["-c", sh], executable: "/bin/sh")
        try d.waitUntilListening()
        let c = try LineClient(port: d.port)
        #expect(try c.request("ISSUE kela id=0123456789abcdef").hasPrefix("OK K001"))
        #expect(try c.request("BACKUP copy.db").hasPrefix("OK backup path="))
        func mode(_ path: String) -> Int {
            var st = stat()
            return lstat(path, &st) == 0 ? Int(st.st_mode & 0o777) : -1
        }
        #expect(mode(state) == 0o700)
        #expect(mode(state + "/backups") == 0o700)
        for f in ["vuoro.db", "vuoro.db-wal", "vuoro.db-shm", "vuoro.lock", "backups/copy.db"] {
            #expect(mode(state + "/" + f) == 0o600, "\(f): \(String(mode(state + "/" + f), radix: 8))")
        }
        d.signal(SIGTERM)
        _ = d.finish()
        chmod(state, 0o755)
        chmod(state + "/vuoro.db", 0o644)
        d = try Daemon(arguments: ["-c", sh], executable: "/bin/sh")
        try d.waitUntilListening()
        #expect(mode(state) == 0o700 && mode(state + "/vuoro.db") == 0o600)
        d.signal(SIGTERM)
        _ = d.finish()
    }

    /// A state directory others may write, or one that belongs to another user, is refused with the fix.
    @Test func aStateDirectoryOthersControlIsRefused() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let open = dir + "/open"
        mkdir(open, 0o777)
        chmod(open, 0o777)
        var d = try Daemon(arguments: ["--state-dir", open, "--listen", "127.0.0.1:0"])
        var (status, log) = d.finish()
        #expect(status == 1 && log.contains("may be written by other users (mode 777)"), "\(log)")
        #expect(log.contains("chmod 700 \(open)"))
        #expect(!FileManager.default.fileExists(atPath: open + "/vuoro.db"))
        guard geteuid() == 0 else { return }
        let theirs = dir + "/theirs"
        mkdir(theirs, 0o700)
        chown(theirs, 65534, 65534)
        d = try Daemon(arguments: ["--state-dir", theirs, "--listen", "127.0.0.1:0"])
        (status, log) = d.finish()
        #expect(status == 1 && log.contains("\(theirs) belongs to user 65534"), "\(log)")
        #expect(!FileManager.default.fileExists(atPath: theirs + "/vuoro.db"))
    }
}

// vuorod under systemd's protocols without systemd as PID 1: a notify socket, socket activation, the units.
import Foundation
import Testing
import VuoroTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// An abstract AF_UNIX datagram socket standing in for systemd's notify socket.
final class NotifySocket {
    let fd: Int32
    let name = "vuoro-test-\(UUID().uuidString.prefix(12))"

    init() {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(name.utf8)
        withUnsafeMutableBytes(of: &addr.sun_path) { p in
            p[0] = 0  // abstract namespace
            for (i, b) in bytes.enumerated() { p[i + 1] = b }
        }
        let len = socklen_t(MemoryLayout<sa_family_t>.size + 1 + bytes.count)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    }

    deinit { close(fd) }

    /// The value for `NOTIFY_SOCKET`.
    var address: String { "@" + name }

    /// The next datagram within `timeout` seconds.
    func receive(timeout: Double = 10) -> String? {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, Int32(timeout * 1000)) > 0 else { return nil }
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buf, buf.count, 0)
        return n > 0 ? String(decoding: buf[..<n], as: UTF8.self) : nil
    }

    /// Datagrams until one contains `needle`; nil when none does in time.
    func await(_ needle: String, timeout: Double = 10) -> [String]? {
        var seen: [String] = []
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard let m = receive(timeout: deadline.timeIntervalSinceNow) else { break }
            seen.append(m)
            if m.contains(needle) { return seen }
        }
        return nil
    }
}

/// The package's root folder.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// Runs a command, returning its exit status and combined output.
func run(_ path: String, _ args: [String]) throws -> (Int32, String) {
    let r = try runChild(path, args, mergeErrors: true)
    return (r.status, String(decoding: r.stdout, as: UTF8.self))
}

@Suite(.serialized) struct SystemdTests {
    @Test func notifiesReadyWatchdogReloadingAndStopping() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let notify = NotifySocket()
        let config = dir + "/centre.toml"
        try "site = \"Test\"\n[[queue]]\nid = \"kela\"\nprefix = \"K\"\n".write(
            toFile: config, atomically: true, encoding: .utf8)
        var env = ProcessInfo.processInfo.environment
        env["NOTIFY_SOCKET"] = notify.address
        env["WATCHDOG_USEC"] = "400000"
        env.removeValue(forKey: "WATCHDOG_PID")
        let d = try Daemon(
            arguments: ["--config", config, "--state-dir", dir, "--listen", "127.0.0.1:0"], environment: env)
        let ready = try #require(notify.await("READY=1"), "no READY=1")
        #expect(ready.last!.contains("STATUS=Serving; 0 tickets waiting"))
        try d.waitUntilListening()
        // The watchdog pings come from the serving loop at half the interval.
        #expect(notify.await("WATCHDOG=1", timeout: 2) != nil)
        #expect(notify.await("WATCHDOG=1", timeout: 2) != nil)

        // A reload: a new queue appears; tickets and connections stay.
        let c = try LineClient(port: d.port)
        #expect(try c.request("ISSUE kela").hasPrefix("OK K001"))
        let withLab =
            "site = \"Test\"\n[[queue]]\nid = \"kela\"\nprefix = \"K\"\n[[queue]]\nid = \"lab\"\nprefix = \"L\"\n"
        let counter = "[[counter]]\nid = \"1\"\nqueues = [\"kela\", \"lab\"]\n"
        try (withLab + counter).write(toFile: config, atomically: true, encoding: .utf8)
        d.signal(SIGHUP)
        let reloading = try #require(notify.await("RELOADING=1"))
        #expect(reloading.last!.contains("MONOTONIC_USEC="))
        #expect(notify.await("READY=1") != nil)
        #expect(try c.request("ISSUE lab").hasPrefix("OK L001"))
        #expect(try c.request("TICKET K001").hasPrefix("OK K001 state=waiting"))

        // A configuration that does not parse is refused; the old one stays.
        try "site = [broken".write(toFile: config, atomically: true, encoding: .utf8)
        d.signal(SIGHUP)
        #expect(notify.await("READY=1") != nil)
        #expect(try c.request("ISSUE lab").hasPrefix("OK L002"))

        // lab removed while L001 and L002 wait: it issues no more, and the counter that served it still calls them.
        try "site = \"Test\"\n[[queue]]\nid = \"kela\"\nprefix = \"K\"\n[[counter]]\nid = \"1\"\nqueues = [\"kela\"]\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        d.signal(SIGHUP)
        #expect(notify.await("READY=1") != nil)
        #expect(try c.request("ISSUE lab").hasPrefix("ERR unknown-queue"))
        #expect(try c.request("TICKET L001").hasPrefix("OK L001 state=waiting queue=lab"))
        #expect(try c.request("CALL 1").hasPrefix("OK K001"))
        #expect(try c.request("CALL 1").hasPrefix("OK L001 queue=lab counter=1"))
        #expect(try c.request("CALL 1").hasPrefix("OK L002 queue=lab counter=1"))
        #expect(try c.request("CALL 1") == "OK none")

        // Counter 2 removed while K002 is called to it: K002 ends as done rather than stay called all day.
        let kela =
            "site = \"Test\"\n[[queue]]\nid = \"kela\"\nprefix = \"K\"\n[[counter]]\nid = \"1\"\nqueues = [\"kela\"]\n"
        try (kela + "[[counter]]\nid = \"2\"\nqueues = [\"kela\"]\n").write(
            toFile: config, atomically: true, encoding: .utf8)
        d.signal(SIGHUP)
        #expect(notify.await("READY=1") != nil)
        #expect(try c.request("ISSUE kela").hasPrefix("OK K002"))
        #expect(try c.request("CALL 2").hasPrefix("OK K002 queue=kela counter=2"))
        try kela.write(toFile: config, atomically: true, encoding: .utf8)
        d.signal(SIGHUP)
        #expect(notify.await("READY=1") != nil)
        #expect(try c.request("TICKET K002").hasPrefix("OK K002 state=done queue=kela counter=2"))
        #expect(try c.request("DONE 2").hasPrefix("ERR unknown-counter"))

        d.signal(SIGTERM)
        #expect(notify.await("STOPPING=1") != nil)
        let (status, log) = d.finish()
        #expect(status == 0)
        #expect(log.contains("configuration not re-read, keeping the old one"), "\(log)")
        #expect(log.contains("counter 2 is no longer configured: K002, called to it, ended as done"), "\(log)")
    }

    @Test(.enabled(if: findProgram("systemd-socket-activate") != nil, "systemd-socket-activate is not installed"))
    func servesASocketPassedBySystemd() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let port = freeLoopbackPort()
        let p = try Child(
            findProgram("systemd-socket-activate")!,
            ["-l", "127.0.0.1:\(port)", vuorodPath, "--state-dir", dir, "--listen", "127.0.0.1:1"])
        defer {
            p.signal(SIGTERM)
            _ = try? p.wait(timeout: 30)
        }
        var client: LineClient?
        for _ in 0..<300 where client == nil {
            client = try? LineClient(port: port)
            if client == nil { usleep(50_000) }
        }
        let c = try #require(client)
        // The first connection starts vuorod, which serves the inherited socket, not --listen.
        #expect(try c.request("PING") == "OK PONG")
        #expect(try c.request("ISSUE kela").hasPrefix("OK K001"))
    }

    @Test(.enabled(if: findProgram("systemd-analyze") != nil, "systemd-analyze is not installed"))
    func unitsVerifyAndAreHardened() throws {
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // verify checks that ExecStart exists: point it at the built executable.
        let service = try String(contentsOfFile: packageRoot + "/systemd/vuorod.service", encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/vuorod", with: vuorodPath)
        try service.write(toFile: dir + "/vuorod.service", atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: packageRoot + "/systemd/vuorod.socket", toPath: dir + "/vuorod.socket")
        let (rc, out) = try run(
            findProgram("systemd-analyze")!, ["verify", dir + "/vuorod.service", dir + "/vuorod.socket"])
        #expect(rc == 0, "\(out)")
        let (_, security) = try run(
            findProgram("systemd-analyze")!, ["security", "--offline=yes", dir + "/vuorod.service"])
        let line = try #require(security.split(separator: "\n").first { $0.contains("Overall exposure level") })
        let level = try #require(Double(line.split(separator: ":")[1].split(separator: " ")[0]))
        #expect(level <= 1.5, "\(line)")
    }

    /// vuorod@.service, one daemon per centre on one machine: the same unit but for its configuration file, its
    /// state directory and its description, so that hardening added to one is never missing from the other.
    @Test(.enabled(if: findProgram("systemd-analyze") != nil, "systemd-analyze is not installed"))
    func theTemplateUnitIsTheServiceForEachCentre() throws {
        let service = try String(contentsOfFile: packageRoot + "/systemd/vuorod.service", encoding: .utf8)
        let template = try String(contentsOfFile: packageRoot + "/systemd/vuorod@.service", encoding: .utf8)
        let settings = { (text: String) in text.split(separator: "\n").filter { !$0.hasPrefix("#") } }
        let differ = zip(settings(service), settings(template)).filter { $0 != $1 }.map { "\($0.1)" }
        #expect(settings(service).count == settings(template).count)
        #expect(
            differ == [
                "Description=vuoro queue and ticketing daemon for %i",
                "ExecStart=/usr/local/bin/vuorod --config /etc/vuoro/%i.toml", "StateDirectory=vuoro-%i",
            ])
        let dir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try template.replacingOccurrences(of: "/usr/local/bin/vuorod", with: vuorodPath).write(
            toFile: dir + "/vuorod@.service", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            atPath: dir + "/vuorod@isoomena.service", withDestinationPath: "vuorod@.service")
        let (rc, out) = try run(findProgram("systemd-analyze")!, ["verify", dir + "/vuorod@isoomena.service"])
        #expect(rc == 0, "\(out)")
        let (_, security) = try run(
            findProgram("systemd-analyze")!, ["security", "--offline=yes", dir + "/vuorod@isoomena.service"])
        #expect(security.contains("Overall exposure level for vuorod@isoomena.service: 1.4"), "\(security)")
    }
}

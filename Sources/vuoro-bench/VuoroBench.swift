// vuoro-bench: durable throughput, fan-out, recovery and memory of vuorod, beside redis and beanstalkd.
import ArgumentParser
import Foundation
import VuoroChild
import VuoroCore
import VuoroStore

#if canImport(Glibc)
    import Glibc
#endif

@main
struct VuoroBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vuoro-bench",
        abstract: "Benchmark vuorod over real TCP, with redis-server and beanstalkd as peers when installed.",
        discussion: "Run by `make bench`. Every operation compared is a write acknowledged after fsync.")

    @Option(help: "Connections of the lifecycle workload.") var connections = 64
    @Option(help: "Seconds each lifecycle run lasts.") var seconds = 5.0
    @Option(
        help:
            "Lifecycle runs and fan-out series per server, taken in turns; the median run is reported, fan-out rounds are pooled."
    )
    var repeats = 3
    @Option(help: "Watching connections of the fan-out workload.") var watchers = 1000
    @Option(help: "Calls timed in each fan-out series.") var rounds = 200
    @Option(help: "Finished tickets in the recovery database.") var finished = 1_000_000
    @Option(help: "Waiting tickets in the recovery and memory workloads.") var waiting = 10_000
    @Option(help: "Idle connections in the memory workload.") var idle = 1000
    @Option(help: "Open tickets' pages of the pages workload.") var pages = 2000
    @Flag(help: "Skip redis and beanstalkd even when installed.") var noPeers = false
    @Option(help: "Threads vuorod reads and writes sockets on (its --io-threads); its own default when not given.")
    var ioThreads: Int?

    func validate() throws {
        guard repeats >= 1, connections >= 1, watchers >= 1, rounds >= 1, seconds > 0 else {
            throw ValidationError("--repeats, --connections, --watchers, --rounds and --seconds must be positive")
        }
    }

    var daemonOptions: [String] { ioThreads.map { ["--io-threads", String($0)] } ?? [] }

    func run() throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        let work = NSTemporaryDirectory() + "vuoro-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let config = work + "/bench.toml"
        try ("max_boards = 100000\n" + benchConfig(queues: 20, counters: max(connections, 1))).write(
            toFile: config, atomically: true, encoding: .utf8)
        let webPort = freeLoopbackPort()
        var report = Report()

        // 1 and 2: lifecycle and fan-out against vuorod and the peers, all started first and measured in turns,
        // so that a drift in the shared machine's speed touches each of them alike.
        var servers: [Server] = []
        defer { servers.forEach { $0.peer.stop() } }
        servers.append(
            Server(
                name: "vuoro",
                peer: try Peer.start(
                    bin + "/vuorod",
                    [
                        "--config", config, "--state-dir", work + "/state", "--listen", "127.0.0.1:PORT",
                        "--max-connections", "4096", "--log-level", "error", "--web", "127.0.0.1:\(webPort)",
                        "--web-max-per-peer", "0",
                    ] + daemonOptions),
                lifecycle: VuoroLifecycle(queues: 20), broadcast: .vuoro))
        if !noPeers, let redis = findProgram("redis-server") {
            let dir = work + "/redis"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            servers.append(
                Server(
                    name: "redis",
                    peer: try Peer.start(
                        redis,
                        [
                            "--port", "PORT", "--bind", "127.0.0.1", "--appendonly", "yes", "--appendfsync", "always",
                            "--save", "", "--dir", dir, "--maxclients", "4000",
                        ]),
                    lifecycle: RedisLifecycle(), broadcast: .redis))
        }
        if !noPeers, let beanstalkd = findProgram("beanstalkd") {
            let dir = work + "/beanstalkd"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            servers.append(
                Server(
                    name: "beanstalkd",
                    peer: try Peer.start(beanstalkd, ["-l", "127.0.0.1", "-p", "PORT", "-b", dir, "-f", "0"]),
                    lifecycle: BeanstalkLifecycle(), broadcast: nil))
        }
        for _ in 0..<repeats {
            for s in servers {
                report.lifecycle[s.name, default: []].append(
                    closedLoop(
                        pid: s.peer.pid, port: s.peer.port, connections: connections, seconds: seconds,
                        shape: s.lifecycle))
            }
        }
        for _ in 0..<repeats {
            for s in servers {
                if let b = s.broadcast {
                    let f = fanOut(pid: s.peer.pid, port: s.peer.port, b)
                    report.fanout[s.name, default: []] += f.times
                    report.fanoutCPU[s.name, default: FanOutCPU()].add(f.cpu)
                }
            }
            // 5. The same call to as many lobby boards, over the web port's event streams.
            if let v = servers.first(where: { $0.name == "vuoro" }) {
                let f = fanOut(pid: v.peer.pid, port: v.peer.port, watchPort: webPort, .boards)
                report.fanout["boards", default: []] += f.times
                report.fanoutCPU["boards", default: FanOutCPU()].add(f.cpu)
            }
        }
        // 6. A call that moves every waiting ticket of a queue whose tickets all have their page open.
        if let v = servers.first(where: { $0.name == "vuoro" }) {
            let f = pagesFanOut(pid: v.peer.pid, port: v.peer.port, webPort: webPort)
            report.fanout["pages"] = f.times
            report.fanoutCPU["pages"] = f.cpu
        }
        // 7. The same daemon after that load: memory with waiting tickets and idle connections, then a restart.
        var after: AfterLoad?
        if let i = servers.firstIndex(where: { $0.name == "vuoro" }) {
            after = try afterLoad(servers[i].peer, state: work + "/state", config: config, bin: bin)
            servers.remove(at: i)
        }
        servers.forEach { $0.peer.stop() }
        servers.removeAll()

        // 3 and 4: recovery with a large history, then memory with waiting tickets and idle connections.
        let state = work + "/recovery"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        try fillDatabase(state + "/vuoro.db", finished: finished, waiting: waiting, queues: 20)
        let t0 = Date()
        let d = try Peer.start(
            bin + "/vuorod",
            [
                "--config", config, "--state-dir", state, "--listen", "127.0.0.1:PORT", "--max-connections", "4096",
                "--log-level", "error",
            ] + daemonOptions, ping: "PING\n")
        report.recovery = Date().timeIntervalSince(t0)
        let idleFds = (0..<idle).map { _ in connectTCP(d.port) }
        usleep(500_000)
        report.memoryKiB = residentKiB(d.pid)
        idleFds.forEach { close($0) }
        d.stop()

        print(
            report.text(
                connections: connections, watchers: watchers, finished: finished, waiting: waiting, idle: idle,
                pages: pages))
        if let after { print(after.text.joined(separator: "\n")) }
    }

    /// Times `rounds` fan-outs to `watchers` connections: from the trigger sent to the last watcher served. Also
    /// measures the CPU time the server `pid` and this generator use within the timed part of the rounds.
    func fanOut(pid: Int32, port: Int, watchPort: Int? = nil, _ b: Broadcast) -> (times: [UInt64], cpu: FanOutCPU) {
        let ws = openWatchers(
            port: watchPort ?? port, count: watchers, hello: Array(b.hello.utf8), ack: Array(b.ack.utf8))
        defer { ws.forEach { close($0) } }
        let ready = ReadySet(ws)
        let publisher = connectTCP(port)
        defer { close(publisher) }
        var times: [UInt64] = []
        var cpu = FanOutCPU()
        var chunk = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<rounds {
            if let setup = b.setup {
                sendAll(publisher, Array(setup.utf8))
                _ = read(publisher, &chunk, chunk.count)
                // The watchers' other events (the queue figures the setup changes) arrive and are read first, so
                // that a round times its own broadcast only.
                ready.drain(quietMs: 5)
            }
            let server = processCPUSeconds(pid)
            let generator = processCPUSeconds(getpid())
            times.append(
                fanOutRound(
                    publisher: publisher, trigger: Array(b.trigger.utf8), watchers: ready, marker: Array(b.marker.utf8))
            )
            cpu.add(
                FanOutCPU(
                    server: processCPUSeconds(pid) - server, generator: processCPUSeconds(getpid()) - generator,
                    rounds: 1))
            _ = read(publisher, &chunk, chunk.count)
            ready.drain(quietMs: 5)
        }
        return (times, cpu)
    }
}

extension VuoroBench {
    /// `pages` tickets waiting in q1, q2 and q3 (999 numbers a queue), each with its page open (`/t/KEY/events`);
    /// each round puts a priority ticket before them in each queue and calls the three (counters c1, c2 and c3,
    /// in one write), so that every page gets its new place: timed from the `CALL`s to the last page served.
    func pagesFanOut(pid: Int32, port: Int, webPort: Int) -> (times: [UInt64], cpu: FanOutCPU) {
        let key = { (i: Int) in "benchpage" + String(format: "%07d", i) }
        let issuer = connectTCP(port)
        defer { close(issuer) }
        let lines = LineReader(issuer)
        for i in 0..<pages {
            sendAll(issuer, Array("ISSUE q\(1 + i % 3) id=\(key(i))\n".utf8))
            _ = lines.next()
        }
        let ws = openWatchers(
            port: webPort, count: pages,
            hello: { Array("GET /t/\(key($0))/events HTTP/1.1\r\nHost: bench\r\n\r\n".utf8) }, ack: Array("\n".utf8))
        defer { ws.forEach { close($0) } }
        let ready = ReadySet(ws)
        ready.drain(quietMs: 100)
        var times: [UInt64] = []
        var cpu = FanOutCPU()
        for _ in 0..<rounds {
            sendAll(issuer, Array("ISSUE q1 priority=1\nISSUE q2 priority=1\nISSUE q3 priority=1\n".utf8))
            for _ in 0..<3 { _ = lines.next() }
            ready.drain(quietMs: 5)
            let server = processCPUSeconds(pid)
            let generator = processCPUSeconds(getpid())
            times.append(
                fanOutRound(
                    publisher: issuer, trigger: Array("CALL c1\nCALL c2\nCALL c3\n".utf8), watchers: ready,
                    marker: Array("\"type\":\"place\"".utf8)))
            cpu.add(
                FanOutCPU(
                    server: processCPUSeconds(pid) - server, generator: processCPUSeconds(getpid()) - generator,
                    rounds: 1))
            for _ in 0..<3 { _ = lines.next() }
            ready.drain(quietMs: 5)
        }
        return (times, cpu)
    }
}

/// Reads a socket's reply lines one at a time.
final class LineReader {
    let fd: Int32
    private var buffer: [UInt8] = []
    init(_ fd: Int32) { self.fd = fd }
    func next() -> String? {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let nl = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[..<nl], as: UTF8.self)
                buffer.removeFirst(nl + 1)
                return line
            }
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 { return nil }
            buffer += chunk[..<n]
        }
    }
}

func residentKiB(_ pid: Int32) -> Int {
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
}

/// A centre of 20 queues and one counter per lifecycle connection, each serving one queue; priority always first
/// (the pages workload puts a priority ticket before the pages' tickets and calls it).
func benchConfig(queues: Int, counters: Int) -> String {
    var s = "site = \"Bench\"\ntimezone = \"Europe/Helsinki\"\nmax_priority_streak = 0\n"
    let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for q in 0..<queues {
        s += "[[queue]]\nid = \"q\(q)\"\nprefix = \"B\(letters[q])\"\nservice_time = 300\n"
    }
    for c in 0..<counters { s += "[[counter]]\nid = \"c\(c)\"\nqueues = [\"q\(c % queues)\"]\n" }
    return s
}

/// Writes `finished` tickets of earlier days and `waiting` tickets of today, as vuorod would have.
func fillDatabase(_ path: String, finished: Int, waiting: Int, queues: Int) throws {
    let store = try Store(path: path)
    let now = Millis(Date().timeIntervalSince1970 * 1000)
    let cal = ServiceCalendar(timeZoneIdentifier: "Europe/Helsinki")!
    let today = cal.day(containing: now).date
    let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    var batch: [Change] = []
    var id: Int64 = 0
    func flush() throws {
        try store.commit(batch)
        batch.removeAll(keepingCapacity: true)
    }
    for i in 0..<finished {
        id += 1
        let day = cal.day(containing: now - Millis(1 + i / 4500) * 86_400_000).date
        let q = i % queues
        let seq = i % 999 + 1
        let t = now - Millis(1 + i / 4500) * 86_400_000
        batch.append(
            .ticket(
                Ticket(
                    id: id, day: day, number: Ticket.number(prefix: "B\(letters[q])", seq: seq), origin: "q\(q)",
                    seq: seq,
                    queue: "q\(q)", priority: 0, lang: "fi", state: .done, issuedAt: t, waitingSince: t, rank: t,
                    calledAt: t + 60_000,
                    announcedAt: t + 60_000, counter: "c0", calledQueue: "q\(q)", calls: 1, finishedAt: t + 360_000,
                    estimate: 300)))
        if batch.count == 50_000 { try flush() }
    }
    for i in 0..<waiting {
        id += 1
        let q = i % queues
        let seq = i / queues + 1
        let t = now - Millis(waiting - i)
        batch.append(
            .ticket(
                Ticket(
                    id: id, day: today, number: Ticket.number(prefix: "B\(letters[q])", seq: seq), origin: "q\(q)",
                    seq: seq,
                    queue: "q\(q)", priority: i % 10 == 0 ? 1 : 0, lang: "fi", state: .waiting, issuedAt: t,
                    waitingSince: t, rank: t,
                    estimate: 300)))
    }
    try flush()
}

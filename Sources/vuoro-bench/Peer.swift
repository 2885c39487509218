// Starting the servers under test on a free loopback port, and the report.
import Foundation
import VuoroChild

#if canImport(Glibc)
    import Glibc
#endif

/// A server process on a free port.
struct Peer {
    let process: Child
    let port: Int
    var pid: Int32 { process.pid }

    /// Starts `path` with PORT in its arguments replaced, and waits until it answers (`ping`) or accepts.
    static func start(_ path: String, _ args: [String], ping: String? = nil) throws -> Peer {
        let port = freeLoopbackPort()
        let p = try Child(path, args.map { $0.replacingOccurrences(of: "PORT", with: String(port)) })
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let fd = connectTCP(port)
            if fd >= 0 {
                defer { close(fd) }
                guard let ping else { return Peer(process: p, port: port) }
                sendAll(fd, Array(ping.utf8))
                var buf = [UInt8](repeating: 0, count: 64)
                if read(fd, &buf, 64) > 0 { return Peer(process: p, port: port) }
            }
            usleep(1000)
        }
        p.signal(SIGKILL)
        throw ValidationErrorText("\(path) did not start")
    }

    func stop() {
        process.signal(SIGTERM)
        _ = try? process.wait(timeout: 60)
    }
}

struct ValidationErrorText: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// CPU time a server and the load generator used within timed fan-out rounds.
struct FanOutCPU {
    var server = 0.0
    var generator = 0.0
    var rounds = 0
    mutating func add(_ o: FanOutCPU) {
        server += o.server
        generator += o.generator
        rounds += o.rounds
    }
}

/// The figures of one run, printed against the targets.
struct Report {
    /// Every lifecycle run per server, in the order taken.
    var lifecycle: [String: [Result]] = [:]
    /// Every fan-out round per server.
    var fanout: [String: [UInt64]] = [:]
    /// CPU time within the timed fan-out rounds, per server.
    var fanoutCPU: [String: FanOutCPU] = [:]

    /// The run with the median throughput.
    func median(_ name: String) -> Result? {
        guard let runs = lifecycle[name], !runs.isEmpty else { return nil }
        return runs.sorted { $0.perSecond < $1.perSecond }[runs.count / 2]
    }
    var recovery: Double = 0
    var memoryKiB = 0

    func ms(_ sorted: [UInt64], _ p: Double) -> String { String(format: "%.3f", Result.percentile(sorted, p)) }

    func text(connections: Int, watchers: Int, finished: Int, waiting: Int, idle: Int, pages: Int) -> String {
        var out = [
            "",
            "== 1. lifecycle: \(connections) connections, closed loop, every reply awaited (durable ops/s; latency ms p50 / p99 / p99.9)",
        ]
        for name in ["vuoro", "redis", "beanstalkd"] {
            guard let r = median(name), let runs = lifecycle[name] else { continue }
            var line =
                "\(name.padding(toLength: 11, withPad: " ", startingAt: 0)) \(Int(r.perSecond)) ops/s (\(r.ok) ok, \(r.failed) not)"
            let cmds =
                name == "vuoro"
                ? ["ISSUE", "CALL", "DONE"] : name == "redis" ? ["RPUSH", "LPOP"] : ["put", "reserve", "delete"]
            for (i, c) in cmds.enumerated() {
                line += "  \(c) \(ms(r.latencies[i], 0.5)) / \(ms(r.latencies[i], 0.99)) / \(ms(r.latencies[i], 0.999))"
            }
            if runs.count > 1 { line += "  (runs: \(runs.map { String(Int($0.perSecond)) }.joined(separator: ", ")))" }
            out.append(line)
        }
        // Where the time goes on a shared machine: the server's CPU and the generator's, per operation.
        for name in ["vuoro", "redis", "beanstalkd"] {
            guard let r = median(name) else { continue }
            out.append(
                "  \(name) CPU per operation: \(String(format: "%.1f", r.perOperation(r.serverCPU))) µs, \(String(format: "%.1f", r.perOperation(r.serverCPU * r.serverKernelShare))) of them in the kernel (load generator \(String(format: "%.1f", r.perOperation(r.generatorCPU))) µs)"
            )
        }
        if let v = median("vuoro") {
            let issueP99 = Result.percentile(v.latencies[0], 0.99)
            if let r = median("redis") {
                out.append(
                    "  vuoro / redis (appendfsync always): \(String(format: "%.2f", v.perSecond / r.perSecond))x   target >= 1: \(v.perSecond >= r.perSecond ? "met" : "NOT met")"
                )
            }
            if let b = median("beanstalkd") {
                out.append(
                    "  vuoro / beanstalkd (-f 0): \(String(format: "%.2f", v.perSecond / b.perSecond))x   target >= 5: \(v.perSecond >= 5 * b.perSecond ? "met" : "NOT met")"
                )
            }
            out.append(
                "  ISSUE p99 \(String(format: "%.3f", issueP99)) ms   target <= 2 ms: \(issueP99 <= 2 ? "met" : "NOT met")"
            )
        }
        out += [
            "",
            "== 2. fan-out: one call to \(watchers) watching connections, until the last has it (ms p50 / p99 / p99.9)",
        ]
        for name in ["vuoro", "redis"] {
            guard let f = fanout[name]?.sorted() else { continue }
            out.append(
                "\(name.padding(toLength: 11, withPad: " ", startingAt: 0)) \(ms(f, 0.5)) / \(ms(f, 0.99)) / \(ms(f, 0.999))  (\(f.count) rounds)"
            )
        }
        for name in ["vuoro", "redis"] {
            guard let c = fanoutCPU[name], c.rounds > 0 else { continue }
            let perRound = { (s: Double) in String(format: "%.2f", s * 1000 / Double(c.rounds)) }
            out.append(
                "  \(name) CPU per round: \(perRound(c.server)) ms (load generator \(perRound(c.generator)) ms)")
        }
        if let v = fanout["vuoro"]?.sorted(), let r = fanout["redis"]?.sorted() {
            let a = Result.percentile(v, 0.99)
            let b = Result.percentile(r, 0.99)
            out.append(
                "  vuoro p99 / redis p99: \(String(format: "%.2f", a / b))x   target <= 1: \(a <= b ? "met" : "NOT met")"
            )
        }
        out += [
            "", "== 3. recovery: \(finished) finished and \(waiting) waiting tickets, start to first OK PONG",
            "vuoro       \(String(format: "%.3f", recovery)) s   target < 1 s: \(recovery < 1 ? "met" : "NOT met")",
            "", "== 4. memory: \(waiting) waiting tickets and \(idle) idle connections",
            "vuoro       \(memoryKiB / 1024) MiB resident   target < 64 MiB: \(memoryKiB < 64 * 1024 ? "met" : "NOT met")",
        ]
        if let w = fanout["vuoro"]?.sorted(), let b = fanout["boards"]?.sorted() {
            let a = Result.percentile(b, 0.99)
            let base = Result.percentile(w, 0.99)
            out += [
                "",
                "== 5. the web's event streams: the same call to \(watchers) lobby boards (SSE) (ms p50 / p99 / p99.9)",
                "boards      \(ms(b, 0.5)) / \(ms(b, 0.99)) / \(ms(b, 0.999))  (\(b.count) rounds)",
            ]
            if let c = fanoutCPU["boards"], c.rounds > 0 {
                out.append("  vuoro CPU per round: \(String(format: "%.2f", c.server * 1000 / Double(c.rounds))) ms")
            }
            out.append(
                "  boards p99 / WATCH p99: \(String(format: "%.2f", a / base))x   target <= 1.5: \(a <= 1.5 * base ? "met" : "NOT met")"
            )
        }
        if let w = fanout["vuoro"]?.sorted(), let p = fanout["pages"]?.sorted(), !p.isEmpty {
            let a = Result.percentile(p, 0.99)
            let base = Result.percentile(w, 0.99)
            out += [
                "",
                "== 6. tickets' pages: \(pages) waiting tickets in three queues, each with its page open (SSE); a call in each queue, sent at once, until the last page has its new place (ms p50 / p99 / p99.9)",
                "pages       \(ms(p, 0.5)) / \(ms(p, 0.99)) / \(ms(p, 0.999))  (\(p.count) rounds)",
            ]
            if let c = fanoutCPU["pages"], c.rounds > 0 {
                out.append("  vuoro CPU per round: \(String(format: "%.2f", c.server * 1000 / Double(c.rounds))) ms")
            }
            out.append(
                "  pages p99 / WATCH p99 (\(watchers) watchers): \(String(format: "%.2f", a / base))x, against \(String(format: "%.2f", Double(pages) / Double(watchers)))x as many connections"
            )
        }
        return out.joined(separator: "\n")
    }
}

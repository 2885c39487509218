// A closed-loop load generator over real TCP: many connections on one epoll loop, each sending its next
// request only when the last reply is complete, and every reply's latency recorded.
import CEpoll
import Foundation
import VuoroClient

#if canImport(Glibc)
    import Glibc
#endif

/// A connected loopback socket, or -1.
func connectTCP(_ port: Int) -> Int32 { (try? ClientConnection.connectTCP("127.0.0.1:\(port)")) ?? -1 }

func nanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

func sendAll(_ fd: Int32, _ bytes: [UInt8]) {
    var off = 0
    while off < bytes.count {
        let n = bytes[off...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if n <= 0 { return }
        off += n
    }
}

/// One request/reply protocol shape: what each connection sends at each step, and how long a reply is.
protocol Shape {
    var commands: [String] { get }
    /// The request of `step` on connection `conn`; `last` is the previous reply (for ids to delete).
    func request(conn: Int, step: Int, last: [UInt8]) -> [UInt8]
    /// The length of the complete reply at the start of `buffer`, if it is all there.
    func replyLength(_ buffer: ArraySlice<UInt8>) -> Int?
    /// Whether the reply is a durable success.
    func isSuccess(_ reply: ArraySlice<UInt8>) -> Bool
}

/// Latencies per command and the count of successful operations.
struct Result {
    var latencies: [[UInt64]]
    var ok = 0
    var failed = 0
    var seconds: Double
    var perSecond: Double { Double(ok) / seconds }
    /// CPU time (user and system, all threads) the server and the generator used during the run, in seconds.
    var serverCPU = 0.0
    var generatorCPU = 0.0
    /// The part of the server's CPU time spent in the kernel (system time over user and system).
    var serverKernelShare = 0.0
    /// Microseconds of CPU per operation answered.
    func perOperation(_ cpu: Double) -> Double { ok + failed > 0 ? cpu * 1e6 / Double(ok + failed) : 0 }

    static func percentile(_ sorted: [UInt64], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1_000_000
    }
}

func lineLength(_ b: ArraySlice<UInt8>) -> Int? { b.firstIndex(of: 10).map { $0 - b.startIndex + 1 } }

/// CPU time a process has used, user and system, over all its threads, in seconds: the sum of each thread's
/// run time in `/proc/PID/task/TID/schedstat`, in nanoseconds (the clock ticks of `/proc/PID/stat` are 10 ms, too
/// coarse for one fan-out round).
func processCPUSeconds(_ pid: Int32) -> Double {
    guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") else { return 0 }
    var nanoseconds = 0.0
    for t in tasks {
        guard let s = try? String(contentsOfFile: "/proc/\(pid)/task/\(t)/schedstat", encoding: .utf8),
            let first = s.split(separator: " ").first, let run = Double(first)
        else { continue }
        nanoseconds += run
    }
    return nanoseconds / 1e9
}

/// User and system CPU seconds of process `pid` so far, all threads (`/proc/PID/stat`, in clock ticks: coarser
/// than schedstat, used only for the split between the two).
func processTimes(_ pid: Int32) -> (user: Double, system: Double) {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let end = stat.lastIndex(of: ")")
    else { return (0, 0) }
    // After the command's closing parenthesis: state is field 3, utime 14 and stime 15.
    let fields = stat[stat.index(after: end)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return (0, 0) }
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    return (user / ticks, system / ticks)
}

/// Runs `shape` on `connections` connections of the server `pid` for `seconds`, and measures the CPU time the
/// server and this generator use meanwhile, and the server's share of it in the kernel.
func closedLoop(pid: Int32, port: Int, connections: Int, seconds: Double, shape: Shape) -> Result {
    let server = processCPUSeconds(pid)
    let times = processTimes(pid)
    let generator = processCPUSeconds(getpid())
    var result = closedLoop(port: port, connections: connections, seconds: seconds, shape: shape)
    result.serverCPU = processCPUSeconds(pid) - server
    result.generatorCPU = processCPUSeconds(getpid()) - generator
    let after = processTimes(pid)
    let user = after.user - times.user
    let system = after.system - times.system
    result.serverKernelShare = user + system > 0 ? system / (user + system) : 0
    return result
}

/// Runs `shape` on `connections` connections for `seconds`.
func closedLoop(port: Int, connections: Int, seconds: Double, shape: Shape) -> Result {
    let fds = (0..<connections).map { _ in connectTCP(port) }
    defer { fds.forEach { close($0) } }
    var result = Result(latencies: Array(repeating: [], count: shape.commands.count), seconds: seconds)
    guard fds.allSatisfy({ $0 >= 0 }) else { return result }
    var buffers = Array(repeating: [UInt8](), count: connections)
    var steps = Array(repeating: 0, count: connections)
    var sentAt = Array(repeating: UInt64(0), count: connections)
    var last = Array(repeating: [UInt8](), count: connections)
    for i in 0..<connections {
        sentAt[i] = nanos()
        sendAll(fds[i], shape.request(conn: i, step: 0, last: []))
    }
    let ready = ReadySet(fds)
    let start = nanos()
    let end = start + UInt64(seconds * 1e9)
    var running = true
    while running {
        ready.readReady(timeout: 1000) { i, bytes in
            guard running else { return }
            if bytes.isEmpty {
                running = false
                return
            }
            buffers[i].append(contentsOf: bytes)
            while let len = shape.replyLength(buffers[i][...]) {
                let now = nanos()
                let reply = buffers[i][..<len]
                let cmd = steps[i] % shape.commands.count
                result.latencies[cmd].append(now - sentAt[i])
                if shape.isSuccess(reply) { result.ok += 1 } else { result.failed += 1 }
                last[i] = Array(reply)
                buffers[i].removeFirst(len)
                steps[i] += 1
                if now >= end {
                    running = false
                    continue
                }
                sentAt[i] = nanos()
                sendAll(fds[i], shape.request(conn: i, step: steps[i], last: last[i]))
            }
        }
    }
    result.seconds = Double(nanos() - start) / 1e9
    for i in result.latencies.indices { result.latencies[i].sort() }
    return result
}

/// Opens `count` connections that each send `hello` and read its reply; returns their descriptors.
func openWatchers(port: Int, count: Int, hello: [UInt8], ack: [UInt8]) -> [Int32] {
    openWatchers(port: port, count: count, hello: { _ in hello }, ack: ack)
}

/// The same with a hello of each connection's own (a ticket's page each).
func openWatchers(port: Int, count: Int, hello: (Int) -> [UInt8], ack: [UInt8]) -> [Int32] {
    var fds: [Int32] = []
    for i in 0..<count {
        let fd = connectTCP(port)
        guard fd >= 0 else { break }
        sendAll(fd, hello(i))
        fds.append(fd)
    }
    var chunk = [UInt8](repeating: 0, count: 4096)
    for fd in fds {
        var got: [UInt8] = []
        while !got.contains(ack.last!) || got.count < ack.count {
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 { break }
            got += chunk[..<n]
        }
    }
    return fds
}

/// Sockets in one epoll set: a wait returns only the ready ones, so the generator's cost of reading a broadcast
/// to 1000 sockets is 1000 reads, not a scan of 1000 descriptors per wake-up (which `poll` would be).
final class ReadySet {
    let fds: [Int32]
    private let ep: Int32
    private var events: [epoll_event]
    private var chunk = [UInt8](repeating: 0, count: 65536)

    init(_ fds: [Int32]) {
        self.fds = fds
        ep = epoll_create1(Int32(EPOLL_CLOEXEC))
        events = Array(repeating: epoll_event(), count: max(1, fds.count))
        for (i, fd) in fds.enumerated() {
            var e = epoll_event()
            e.events = EPOLLIN.rawValue
            e.data.u64 = UInt64(i)
            epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e)
        }
    }

    deinit { close(ep) }

    /// Reads every socket that is ready within `ms`; `body` gets each one's index and bytes (empty at its end).
    /// Returns false when none was.
    @discardableResult
    func readReady(timeout ms: Int32, _ body: (Int, ArraySlice<UInt8>) -> Void) -> Bool {
        let n = epoll_wait(ep, &events, Int32(events.count), ms)
        guard n > 0 else { return false }
        for k in 0..<Int(n) {
            let i = Int(events[k].data.u64)
            let got = read(fds[i], &chunk, chunk.count)
            body(i, got > 0 ? chunk[..<got] : [])
        }
        return true
    }

    /// Reads whatever arrives until nothing has for `quietMs`.
    func drain(quietMs: Int32) {
        while readReady(timeout: quietMs, { _, _ in }) {}
    }
}

/// Sends `trigger` on `publisher` and times until every watcher has received a chunk containing `marker`.
func fanOutRound(publisher: Int32, trigger: [UInt8], watchers: ReadySet, marker: [UInt8]) -> UInt64 {
    var pending = Set(watchers.fds.indices)
    var tails = Array(repeating: [UInt8](), count: watchers.fds.count)
    let t0 = nanos()
    sendAll(publisher, trigger)
    while !pending.isEmpty {
        let any = watchers.readReady(timeout: 5000) { i, bytes in
            if bytes.isEmpty {
                pending.remove(i)
                return
            }
            tails[i] += bytes
            if contains(tails[i], marker) {
                pending.remove(i)
                tails[i].removeAll()
            } else if tails[i].count > marker.count {
                tails[i].removeFirst(tails[i].count - marker.count)
            }
        }
        if !any { break }
    }
    return nanos() - t0
}

func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
    guard hay.count >= needle.count else { return false }
    for i in 0...(hay.count - needle.count) where hay[i] == needle[0] {
        if Array(hay[i..<(i + needle.count)]) == needle { return true }
    }
    return false
}

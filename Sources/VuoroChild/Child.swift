// Child processes for the tests and the benchmark, without Foundation.Process.
//
// Foundation.Process on Linux learns that a child ended when a socket it passes into the child closes
// (swift-corelibs-foundation issue 4795). A child that starts a daemon of its own, as `tmux new-session`
// starts the tmux server, passes that socket on, and waitUntilExit() then waits forever: on a fresh machine
// this hung the whole test run. Child spawns with posix_spawn, hands the child only the descriptors it names
// (0, 1 and 2), reaps with waitpid, and every wait has a deadline.
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

public enum ChildError: Error, CustomStringConvertible {
    case spawn(String, Int32)
    case timeout(String, Double)

    public var description: String {
        switch self {
        case .spawn(let path, let errno): "could not start \(path): \(String(cString: strerror(errno)))"
        case .timeout(let path, let seconds): "\(path) did not exit within \(seconds) s; killed"
        }
    }
}

/// Where a child's standard output or standard error goes.
public enum ChildOutput {
    case null
    /// A pipe the test reads through `Child.read`.
    case pipe
    /// The test process's own.
    case inherit
    /// A descriptor the caller owns (it stays open in the caller).
    case descriptor(CInt)
    /// Standard error only: the same place as standard output.
    case standardOutput
}

/// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34 and later), looked up at run time because the Glibc
/// module does not declare it.
private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, CInt) -> CInt
private let addCloseFrom: AddCloseFrom? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
    else { return nil }
    return unsafeBitCast(symbol, to: AddCloseFrom.self)
}()

/// A pipe whose ends close on exec (the Glibc module lacks pipe2); children get only what they are handed.
public func makePipe(_ fds: inout [CInt]) -> Bool {
    guard pipe(&fds) == 0 else { return false }
    for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    return true
}

/// One child process. Not shared between threads.
public final class Child {
    public let path: String
    public let pid: pid_t
    /// Read ends of the `.pipe` outputs, non-blocking.
    public let stdout: CInt?
    public let stderr: CInt?
    private var status: Int32?
    private var closed = false

    public init(
        _ path: String, _ arguments: [String], environment: [String: String]? = nil,
        stdout out: ChildOutput = .null, stderr err: ChildOutput = .null
    ) throws {
        self.path = path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)

        var parentEnds: [CInt] = []
        var childEnds: [CInt] = []
        func route(_ output: ChildOutput, to target: CInt) throws -> CInt? {
            switch output {
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
            case .inherit:
                break
            case .descriptor(let fd):
                posix_spawn_file_actions_adddup2(&actions, fd, target)
            case .standardOutput:
                posix_spawn_file_actions_adddup2(&actions, 1, target)
            case .pipe:
                var fds: [CInt] = [0, 0]
                guard makePipe(&fds) else { throw ChildError.spawn(path, errno) }
                _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
                posix_spawn_file_actions_adddup2(&actions, fds[1], target)
                parentEnds.append(fds[0])
                childEnds.append(fds[1])
                return fds[0]
            }
            return nil
        }
        let outRead = try route(out, to: 1)
        let errRead = try route(err, to: 2)
        // Nothing else of the test process (sockets of other tests, their pipes) leaks into the child.
        if let addCloseFrom { _ = addCloseFrom(&actions, 3) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGPIPE, SIGCHLD, SIGTERM, SIGINT, SIGHUP] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            env.forEach { free($0) }
        }
        var child: pid_t = 0
        let rc = posix_spawn(&child, path, &actions, &attributes, argv, env)
        childEnds.forEach { close($0) }
        guard rc == 0 else {
            parentEnds.forEach { close($0) }
            throw ChildError.spawn(path, rc)
        }
        pid = child
        stdout = outRead
        stderr = errRead
    }

    deinit {
        if status == nil {
            kill(pid, SIGKILL)
            _ = try? wait(timeout: 5)
        }
        closePipes()
    }

    private func closePipes() {
        guard !closed else { return }
        closed = true
        [stdout, stderr].compactMap { $0 }.forEach { close($0) }
    }

    public func signal(_ s: Int32) { kill(pid, s) }

    /// Reaps the child if it has ended.
    public var isRunning: Bool {
        if status != nil { return false }
        var raw: Int32 = 0
        let r = waitpid(pid, &raw, WNOHANG)
        if r == pid {
            status = Child.decode(raw)
        } else if r < 0 && errno == ECHILD {
            status = -1
        }
        return status == nil
    }

    /// The exit status (128 + the signal when killed by one). Past the deadline the child is killed and the
    /// wait throws.
    @discardableResult
    public func wait(timeout: Double = 60) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning {
            if Date() >= deadline {
                kill(pid, SIGKILL)
                var raw: Int32 = 0
                _ = waitpid(pid, &raw, 0)
                status = Child.decode(raw)
                throw ChildError.timeout(path, timeout)
            }
            usleep(2_000)
        }
        return status!
    }

    private static func decode(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }

    /// What `fd` has now, waiting at most `timeout` seconds for the first byte; empty at end of file.
    public func read(_ fd: CInt, timeout: Double) -> [UInt8] {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, Int32(max(0, timeout) * 1000)) > 0 else { return [] }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = Glibc.read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            result += buffer[..<n]
        }
        return result
    }

    /// Waits for the child to exit, collecting its piped outputs meanwhile. A descendant that keeps a pipe
    /// open (a daemon it started) does not hold this up: reading stops once the child has exited and the
    /// pipes are drained.
    public func finish(timeout: Double = 60) throws -> (status: Int32, stdout: [UInt8], stderr: [UInt8]) {
        let deadline = Date().addingTimeInterval(timeout)
        var out: [UInt8] = []
        var err: [UInt8] = []
        while true {
            let running = isRunning
            var fds = [stdout, stderr].compactMap { $0 }.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if !fds.isEmpty { _ = poll(&fds, nfds_t(fds.count), running ? 20 : 0) } else if running { usleep(2_000) }
            if let fd = stdout { out += read(fd, timeout: 0) }
            if let fd = stderr { err += read(fd, timeout: 0) }
            if !running { break }
            if Date() >= deadline {
                _ = try? wait(timeout: 0)
                throw ChildError.timeout(path, timeout)
            }
        }
        closePipes()
        return (status!, out, err)
    }
}

/// Runs a program to its end: its exit status, standard output and standard error.
public func runChild(
    _ path: String, _ arguments: [String], environment: [String: String]? = nil, mergeErrors: Bool = false,
    timeout: Double = 60
) throws -> (status: Int32, stdout: [UInt8], stderr: [UInt8]) {
    let child = try Child(
        path, arguments, environment: environment, stdout: .pipe, stderr: mergeErrors ? .standardOutput : .pipe)
    return try child.finish(timeout: timeout)
}

/// The path of an installed program, looked up in the usual system directories.
public func findProgram(_ name: String) -> String? {
    ["/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/", "/usr/local/bin/"].map { $0 + name }.first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
}

/// A loopback TCP port the kernel has just handed out and taken back: free for a server a child starts, unlike
/// a random guess.
public func freeLoopbackPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let rc = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 ? getsockname(fd, $0, &len) : -1 }
    }
    return rc == 0 ? Int(UInt16(bigEndian: addr.sin_port)) : 0
}

// A blocking connection to vuorod for the small client programs: request/reply, list replies and events.
import Foundation
import VuoroProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// Why a client could not do what it was asked; each has a one-line message for people.
public enum ClientError: Error, CustomStringConvertible {
    case cannotConnect(server: String, reason: String)
    case closed(server: String)
    case timeout(server: String)
    /// The daemon answered `ERR`.
    case refused(code: String, text: String)
    case unexpected(String)
    /// What answered speaks HTTP: the address is vuorod's web (or metrics) port, not its protocol port.
    case webPort(server: String)

    public var description: String {
        switch self {
        case .cannotConnect(let s, let r): "cannot reach vuorod at \(s): \(r)"
        case .closed(let s): "vuorod at \(s) closed the connection"
        case .timeout(let s): "vuorod at \(s) did not answer in time"
        case .refused(let code, let text): "vuorod refused: \(code) \(text)"
        case .unexpected(let line): "unexpected reply from vuorod: \(line)"
        case .webPort(let s):
            "\(s) answers HTTP: that is a web port (vuorod --web or --metrics); the protocol port is vuorod's --listen, 7410 by default"
        }
    }

    /// The daemon could not be reached or stopped answering (a request sent may or may not have been applied),
    /// or it is stopping (`ERR shutting-down`, applied nothing): worth sending again to the daemon that comes back.
    public var isWorthSendingAgain: Bool {
        switch self {
        case .cannotConnect, .closed, .timeout: true
        case .refused(let code, _): code == ErrorCode.shuttingDown.rawValue
        case .unexpected, .webPort: false
        }
    }
}

/// One TCP (or Unix socket) connection to vuorod.
public final class ClientConnection {
    public let server: String
    let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    public var timeout: Double = 10

    /// Connects to `HOST:PORT`, `[V6]:PORT` or `unix:/path`.
    public init(server: String) throws {
        self.server = server
        if server.hasPrefix("unix:") {
            fd = try ClientConnection.connectUnix(String(server.dropFirst(5)), server: server)
        } else {
            fd = try ClientConnection.connectTCP(server)
        }
    }

    deinit { close(fd) }

    /// A connected TCP socket to `HOST:PORT` or `[V6]:PORT`, names resolved with getaddrinfo, within `timeout`
    /// seconds for each address (a host that does not answer would otherwise take the system's two minutes of
    /// retries). The socket is left non-blocking when `blocking` is false.
    public static func connectTCP(_ server: String, timeout: Double = 10, blocking: Bool = true) throws -> Int32 {
        guard let colon = server.lastIndex(of: ":"), let port = Int(server[server.index(after: colon)...]) else {
            throw ClientError.cannotConnect(server: server, reason: "expected HOST:PORT")
        }
        var host = String(server[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var res: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &res)
        guard rc == 0, let first = res else {
            throw ClientError.cannotConnect(server: server, reason: String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(res) }
        var lastError = "no address"
        var ai: UnsafeMutablePointer<addrinfo>? = first
        while let a = ai {
            ai = a.pointee.ai_next
            let fd = socket(
                a.pointee.ai_family, a.pointee.ai_socktype | Int32(SOCK_NONBLOCK.rawValue), a.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            var err: Int32 = 0
            if connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) != 0 {
                err = errno
                if err == EINPROGRESS {
                    if waitWritable(fd, until: monotonicSeconds() + timeout) {
                        var len = socklen_t(MemoryLayout<Int32>.size)
                        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
                    } else {
                        err = ETIMEDOUT
                    }
                }
            }
            guard err == 0 else {
                lastError =
                    err == ETIMEDOUT ? "no answer for \(formatSeconds(timeout)) s" : String(cString: strerror(err))
                close(fd)
                continue
            }
            if blocking { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            return fd
        }
        throw ClientError.cannotConnect(server: server, reason: lastError)
    }

    /// A connected Unix stream socket at `path`.
    public static func connectUnix(_ path: String, server: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            throw ClientError.cannotConnect(server: server, reason: "socket path too long")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { p in for (i, b) in bytes.enumerated() { p[i] = b } }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if rc != 0 {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ClientError.cannotConnect(server: server, reason: reason)
        }
        return fd
    }

    /// Sends one line.
    public func send(_ line: String) throws {
        let bytes = Array((line + "\n").utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { throw ClientError.closed(server: server) }
            off += n
        }
    }

    /// The next line, or nil when none came within `wait` seconds (nil: the default timeout, then an error).
    public func readLine(wait: Double? = nil) throws -> String? {
        let deadline = Date().addingTimeInterval(wait ?? timeout)
        while true {
            if let nl = buffer[start...].firstIndex(of: 10) {
                let line = String(decoding: buffer[start..<nl], as: UTF8.self)
                start = nl + 1
                if start > 65536 {
                    buffer.removeFirst(start)
                    start = 0
                }
                return line
            }
            // Polled at least once, with no wait when the time is up: what is there is read (an end of stream
            // too), even when `wait` is 0.
            let left = deadline.timeIntervalSinceNow
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&p, 1, left > 0 ? Int32(left * 1000) + 1 : 0) <= 0 {
                if left > 0 { continue }
                if wait != nil { return nil }
                throw ClientError.timeout(server: server)
            }
            var chunk = [UInt8](repeating: 0, count: 16384)
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 { throw ClientError.closed(server: server) }
            buffer.append(contentsOf: chunk[..<n])
        }
    }

    /// Sends a request and returns its reply, decoded; `ERR` is thrown as `ClientError.refused`, a reply that is
    /// not the request's as `ClientError.unexpected`. Events that come first (on a watching connection) go to
    /// `onEvent`, decoded (an event of a kind this release does not know is passed over).
    @discardableResult
    public func call(_ r: Request, onEvent: ((Event) -> Void)? = nil) throws -> Reply {
        try send(r.format())
        var head: String
        repeat {
            guard let line = try readLine() else { throw ClientError.timeout(server: server) }
            head = line
            if head.hasPrefix("EVENT ") { if let e = Event.parse(head) { onEvent?(e) } }
        } while head.hasPrefix("EVENT ")
        var lines = [head]
        if Reply.isList(r), let n = Reply.listCount(head) {
            for _ in 0..<n {
                guard let line = try readLine() else { throw ClientError.timeout(server: server) }
                lines.append(line)
            }
        }
        guard let reply = Reply.parse(lines, for: r) else {
            if head.hasPrefix("HTTP/1.") { throw ClientError.webPort(server: server) }
            throw ClientError.unexpected(lines.joined(separator: " / "))
        }
        if case .error(let e) = reply { throw ClientError.refused(code: e.code.rawValue, text: e.text) }
        return reply
    }

    /// The next event on a watching connection, within `wait` seconds; nil when none came (or the line was not an
    /// event this release knows).
    public func nextEvent(wait: Double) throws -> Event? {
        guard let line = try readLine(wait: wait) else { return nil }
        return Event.parse(line)
    }

    public func site(onEvent: ((Event) -> Void)? = nil) throws -> SiteInfo {
        guard case .site(let s) = try call(.site, onEvent: onEvent) else { throw unexpected(.site) }
        return s
    }

    public func queues(lang: String? = nil, onEvent: ((Event) -> Void)? = nil) throws -> [QueueInfo] {
        guard case .queues(let q) = try call(.queues(lang: lang), onEvent: onEvent) else { throw unexpected(.status) }
        return q
    }

    public func status(onEvent: ((Event) -> Void)? = nil) throws -> [QueueFigures] {
        guard case .status(let f) = try call(.status, onEvent: onEvent) else { throw unexpected(.status) }
        return f
    }

    public func counters(lang: String? = nil, onEvent: ((Event) -> Void)? = nil) throws -> [CounterInfo] {
        guard case .counters(let c) = try call(.counters(lang: lang), onEvent: onEvent) else {
            throw unexpected(.counters(lang: lang))
        }
        return c
    }

    public func called(_ n: Int = Request.calledMax, onEvent: ((Event) -> Void)? = nil) throws -> [CallInfo] {
        guard case .calls(let c) = try call(.called(n), onEvent: onEvent) else { throw unexpected(.called(n)) }
        return c
    }

    public func kiosks() throws -> [KioskInfo] {
        guard case .kiosks(let k) = try call(.kiosks) else { throw unexpected(.kiosks) }
        return k
    }

    public func stats(date: String?, by: String) throws -> [StatsLine] {
        guard case .stats(let rows) = try call(.stats(date: date, by: by)) else {
            throw unexpected(.stats(date: date, by: by))
        }
        return rows
    }

    func unexpected(_ r: Request) -> ClientError { .unexpected("not the reply to \(r.command)") }

    /// The descriptor, to wait on it together with the keyboard.
    public var descriptor: Int32 { fd }

}

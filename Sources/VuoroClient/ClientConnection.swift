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
            let left = deadline.timeIntervalSinceNow
            if left <= 0 {
                if wait != nil { return nil }
                throw ClientError.timeout(server: server)
            }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&p, 1, Int32(left * 1000) + 1) <= 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 16384)
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 { throw ClientError.closed(server: server) }
            buffer.append(contentsOf: chunk[..<n])
        }
    }

    /// Sends a request and returns its `OK` payload split into fields; `ERR` becomes `ClientError.refused`.
    /// Events that arrive first (on a watching connection) are passed to `onEvent`.
    @discardableResult
    public func request(_ line: String, onEvent: ((String) -> Void)? = nil) throws -> Fields {
        try send(line)
        return try reply(onEvent: onEvent)
    }

    public func request(_ r: Request, onEvent: ((String) -> Void)? = nil) throws -> Fields {
        try request(r.format(), onEvent: onEvent)
    }

    func reply(onEvent: ((String) -> Void)?) throws -> Fields {
        while true {
            guard let line = try readLine() else { throw ClientError.timeout(server: server) }
            if line.hasPrefix("EVENT ") {
                onEvent?(line)
                continue
            }
            if line.hasPrefix("ERR ") {
                let parts = line.dropFirst(4).split(separator: " ", maxSplits: 1)
                throw ClientError.refused(
                    code: parts.first.map(String.init) ?? "", text: parts.count > 1 ? String(parts[1]) : "")
            }
            guard line == "OK" || line.hasPrefix("OK "), let f = Fields.split(line.dropFirst(2)) else {
                if line.hasPrefix("HTTP/1.") { throw ClientError.webPort(server: server) }
                throw ClientError.unexpected(line)
            }
            return f
        }
    }

    /// Sends a request whose reply is a list: `OK <n>` and n lines, each split into fields.
    public func list(_ r: Request, onEvent: ((String) -> Void)? = nil) throws -> [Fields] {
        let head = try request(r, onEvent: onEvent)
        guard let n = head.words.first.flatMap({ Int($0) }) else { throw ClientError.unexpected("OK \(head.words)") }
        return try (0..<n).map { _ in
            guard let line = try readLine(), let f = Fields.split(line) else {
                throw ClientError.timeout(server: server)
            }
            return f
        }
    }

    /// The descriptor, to wait on it together with the keyboard.
    public var descriptor: Int32 { fd }

}

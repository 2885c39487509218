import Foundation
import VuoroClient

// A blocking line client over a real TCP socket, for tests: send lines, read lines with a deadline.
#if canImport(Glibc)
    import Glibc
#endif

public enum TestClientError: Error, CustomStringConvertible {
    case connect(String)
    case timeout(String)
    case closed
    public var description: String {
        switch self {
        case .connect(let s): "connect: \(s)"
        case .timeout(let s): "timed out waiting for \(s)"
        case .closed: "connection closed by the server"
        }
    }
}

/// One TCP connection to a vuoro server on loopback.
public final class LineClient {
    public let fd: Int32
    /// Received bytes not yet returned are `buffer[start..<end]`.
    private let buffer = UnsafeMutableRawPointer.allocate(byteCount: LineClient.capacity, alignment: 1)
    private var start = 0
    private var end = 0
    static let capacity = 1 << 20

    public init(port: Int, host: String = "127.0.0.1") throws {
        fd = try ClientConnection.connectTCP("\(host):\(port)")
    }

    /// Connects from the loopback address `source` (127.0.0.2, say): another client address on this machine.
    public init(port: Int, from source: String) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, source, &local.sin_addr)
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr)
        let ok = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        } && withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard ok else {
            let reason = String(cString: strerror(errno))
            throw TestClientError.connect("from \(source) to port \(port): \(reason)")
        }
    }

    /// Connects to a Unix socket.
    public init(unixPath: String) throws {
        fd = try ClientConnection.connectUnix(unixPath, server: "unix:" + unixPath)
    }

    deinit {
        close(fd)
        buffer.deallocate()
    }

    /// Shrinks the kernel's receive buffer, for a client that stops reading.
    public func setReceiveBuffer(_ bytes: Int32) {
        var v = bytes
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Writes without blocking for at most `seconds`; returns the bytes the kernel took.
    public func sendWithoutBlocking(_ bytes: [UInt8], seconds: Double) -> Int {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(fd, F_SETFL, flags) }
        let deadline = Date().addingTimeInterval(seconds)
        var off = 0
        while off < bytes.count && Date() < deadline {
            let n = bytes[off...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, min($0.count, 65536), Int32(MSG_NOSIGNAL))
            }
            if n > 0 { off += n } else { usleep(1000) }
        }
        return off
    }

    /// Sends raw bytes.
    public func sendRaw(_ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            off += n
        }
    }

    /// Sends one line, LF added.
    public func send(_ line: String) { sendRaw(Array((line + "\n").utf8)) }

    /// Reads one line (without LF), waiting at most `timeout` seconds.
    public func readLine(timeout: Double = 5) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if end > start, let p = memchr(buffer + start, 10, end - start) {
                let nl = buffer.distance(to: p)
                let line = String(
                    decoding: UnsafeRawBufferPointer(start: buffer + start, count: nl - start), as: UTF8.self)
                start = nl + 1
                return line
            }
            if start > 0 {
                memmove(buffer, buffer + start, end - start)
                end -= start
                start = 0
            }
            if end == LineClient.capacity { throw TestClientError.timeout("a line shorter than 1 MiB") }
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { throw TestClientError.timeout("a line") }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&p, 1, Int32(left * 1000) + 1) <= 0 { continue }
            let n = read(fd, buffer + end, LineClient.capacity - end)
            if n <= 0 { throw TestClientError.closed }
            end += n
        }
    }

    /// Sends a request and reads its one-line reply.
    public func request(_ line: String) throws -> String {
        send(line)
        return try readLine()
    }

    /// Sends a request and reads a list reply: `OK <n>` and n lines.
    public func list(_ line: String) throws -> [String] {
        let head = try request(line)
        guard head.hasPrefix("OK "), let n = Int(head.dropFirst(3)) else { return [head] }
        return try (0..<n).map { _ in try readLine() }
    }

    /// True when the server closed the connection within `timeout` seconds (after any lines still buffered).
    public func isClosedByServer(timeout: Double = 5) -> Bool {
        do {
            while true { _ = try readLine(timeout: timeout) }
        } catch TestClientError.closed {
            return true
        } catch {
            return false
        }
    }
}

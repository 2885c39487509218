// A blocking line client over a real TCP socket, for tests: send lines, read lines with a deadline.
#if canImport(Glibc)
    import Glibc
#endif
import Foundation

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
    private var buffer: [UInt8] = []

    public init(port: Int, host: String = "127.0.0.1") throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &addr.sin_addr)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if rc != 0 {
            let e = String(cString: strerror(errno))
            close(fd)
            throw TestClientError.connect(e)
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    /// Sends raw bytes.
    public func sendRaw(_ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
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
            if let nl = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[..<nl], as: UTF8.self)
                buffer.removeSubrange(...nl)
                return line
            }
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { throw TestClientError.timeout("a line") }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&p, 1, Int32(left * 1000) + 1) <= 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 { throw TestClientError.closed }
            buffer.append(contentsOf: chunk[..<n])
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

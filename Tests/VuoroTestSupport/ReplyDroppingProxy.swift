// A proxy in front of the daemon that loses one reply, as a daemon that crashes between its commit and its
// answer would: for the tests of ISSUE sent again.
import Foundation
import VuoroClient

#if canImport(Glibc)
    import Glibc
#endif

/// A listening TCP socket on 127.0.0.1 with a free port.
func loopbackListener(backlog: Int32) throws -> (fd: Int32, port: Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) }
    }
    guard bound == 0, listen(fd, backlog) == 0 else {
        let e = errno
        close(fd)
        throw POSIXError(.init(rawValue: e)!)
    }
    _ = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
    }
    return (fd, Int(UInt16(bigEndian: addr.sin_port)))
}

/// Passes each client's connection through to the daemon, except that the reply to the first `ISSUE` that
/// goes through is kept from its client, whose connection is then closed. The daemon has issued the ticket; the
/// client never hears of it. With `instead`, the client gets that line in its place before the close (as from a
/// daemon that is stopping). With `refuse`, what it answers for a client's line (nil: the line goes on) stands in
/// for the daemon, which never sees the line: an older daemon that refuses what it does not know.
public final class ReplyDroppingProxy: @unchecked Sendable {  // `lock` guards `dropped` and `armed`
    public let port: Int
    let listener: Int32
    let upstream: String
    let instead: String?
    let refuse: (@Sendable (String) -> String?)?
    private let lock = NSLock()
    private var armed: Bool
    private var dropped: [String] = []

    /// Loses the reply to every `ISSUE`, not just the first: a daemon that never gets an answer through.
    let everyIssue: Bool

    public init(
        upstreamPort: Int, instead: String? = nil, everyIssue: Bool = false,
        refuse: (@Sendable (String) -> String?)? = nil
    ) throws {
        (listener, port) = try loopbackListener(backlog: 16)
        upstream = "127.0.0.1:\(upstreamPort)"
        self.instead = instead
        self.everyIssue = everyIssue
        self.refuse = refuse
        armed = refuse == nil
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    /// The replies kept from their clients.
    public var droppedReplies: [String] { lock.withLock { dropped } }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            guard let server = try? ClientConnection.connectTCP(upstream) else {
                close(client)
                continue
            }
            let issueSent = Flag()
            Thread.detachNewThread { [self] in toServer(from: client, to: server, issueSent: issueSent) }
            Thread.detachNewThread { [self] in toClient(from: server, to: client, issueSent: issueSent) }
        }
    }

    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }

    private func toServer(from client: Int32, to server: Int32, issueSent: Flag) {
        forEachLine(from: client) { line in
            let text = String(decoding: line.dropLast(), as: UTF8.self)
            if let answer = refuse?(text) { return sendAll(client, Array((answer + "\n").utf8)) }
            // Marked before it is passed on, so that the reply cannot arrive first.
            if text.uppercased().hasPrefix("ISSUE ") { issueSent.set() }
            return sendAll(server, line)
        }
        shutdown(server, Int32(SHUT_WR))
    }

    private func toClient(from server: Int32, to client: Int32, issueSent: Flag) {
        forEachLine(from: server) { line in
            guard issueSent.isSet && lock.withLock({ armed }) else { return sendAll(client, line) }
            lock.withLock {
                armed = everyIssue
                dropped.append(String(decoding: line.dropLast(), as: UTF8.self))
            }
            if let instead { _ = sendAll(client, Array((instead + "\n").utf8)) }
            return false
        }
        shutdown(client, Int32(SHUT_RDWR))
        shutdown(server, Int32(SHUT_RDWR))
        // Both directions have ended (the other one's read fails on the shut-down socket) before the close.
        usleep(200_000)
        close(client)
        close(server)
    }
}

/// Reads `fd` until it ends, handing `body` each whole line with its LF, until `body` says to stop.
func forEachLine(from fd: Int32, _ body: ([UInt8]) -> Bool) {
    var pending: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return }
        pending += buf[0..<n]
        while let nl = pending.firstIndex(of: 10) {
            let line = Array(pending[...nl])
            pending.removeFirst(nl + 1)
            guard body(line) else { return }
        }
    }
}

/// Writes all of `bytes` (a blocking socket); false when the peer is gone.
func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
}

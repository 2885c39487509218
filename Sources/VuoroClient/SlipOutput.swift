// Where a kiosk's slips go: a printer device, a network printer, a file, or standard output.
import VuoroProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// A printer or file that could not be opened, or did not take a slip.
public struct OutputError: ReportedError {
    public let description: String
    public init(description: String) { self.description = description }
}

/// Where slips go: a file or printer device, opened before the ticket is issued, or standard output.
///
/// A missing file is created, but never under /dev: a printer that is unplugged is an error, not a new file
/// where its device node belongs. A device (or FIFO) is opened non-blocking and must take data within `timeout`
/// seconds, both before a ticket is issued (`init`) and while its slip is written: a printer out of paper, with
/// its cover open or jammed, stops taking data, and a blocking write would freeze the kiosk for good, with a
/// number issued that nobody holds. The kernel's printer driver (usblp) keeps a printer "not writable" while it
/// has not taken the previous slip.
public final class SlipOutput {
    let fd: Int32
    public let name: String
    /// Seconds a device may take to accept data; nil for regular files and standard output, which never stall.
    let timeout: Double?

    public init(_ output: String?, timeout: Double) throws(OutputError) {
        guard let output else {
            fd = STDOUT_FILENO
            name = "standard output"
            self.timeout = nil
            return
        }
        if output.hasPrefix("tcp:") {
            // A network printer's raw port (9100 on most): one connection per slip, within the same timeout.
            fd = try SlipOutput.connect(output, timeout: timeout)
            name = output
            self.timeout = timeout
            return
        }
        var flags = O_WRONLY | O_APPEND | O_CLOEXEC | O_NONBLOCK
        if !output.hasPrefix("/dev/") { flags |= O_CREAT }
        fd = open(output, flags, 0o644)
        name = output
        guard fd >= 0 else {
            self.timeout = nil
            throw OutputError(description: "cannot open \(output): \(errorText(errno)); no ticket was issued")
        }
        var st = stat()
        let regular = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
        self.timeout = regular ? nil : timeout
        if !regular && !waitWritable(fd, until: monotonicSeconds() + timeout) {
            close(fd)
            throw OutputError(
                description: "\(output) took no data \(SlipOutput.stalled(timeout)); no ticket was issued")
        }
    }

    deinit { if fd != STDOUT_FILENO { close(fd) } }

    /// A non-blocking TCP connection to `tcp:HOST:PORT`, made within `timeout` seconds.
    static func connect(_ output: String, timeout: Double) throws(OutputError) -> Int32 {
        let fail = { (reason: String) in
            OutputError(description: "cannot reach \(output): \(reason); no ticket was issued")
        }
        guard case .tcp(let host, let port)? = ListenAddress(String(output.dropFirst(4))) else {
            throw fail("expected tcp:HOST:PORT, such as tcp:10.0.0.9:9100")
        }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var res: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &res)
        guard rc == 0, let first = res else { throw fail(String(cString: gai_strerror(rc))) }
        defer { freeaddrinfo(res) }
        let deadline = monotonicSeconds() + timeout
        var reason = "no address"
        var ai: UnsafeMutablePointer<addrinfo>? = first
        while let a = ai {
            ai = a.pointee.ai_next
            let fd = socket(
                a.pointee.ai_family,
                a.pointee.ai_socktype | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue),
                a.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            if Glibc.connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 { return fd }
            guard errno == EINPROGRESS else {
                reason = errorText(errno)
                close(fd)
                continue
            }
            guard waitWritable(fd, until: deadline) else {
                reason =
                    "no answer for \(SlipOutput.seconds(timeout)) s (is the printer switched on and on the network?)"
                close(fd)
                continue
            }
            var err: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
            if err == 0 { return fd }
            reason = errorText(err)
            close(fd)
        }
        throw fail(reason)
    }

    /// Writes one slip, all of it, or throws: a failed write, or a device that stopped taking data for `timeout`.
    public func write(_ bytes: [UInt8]) throws(OutputError) {
        var written = 0
        let failure = writeAll(fd, bytes, deadline: timeout.map { monotonicSeconds() + $0 }, written: &written)
        guard let failure else { return }
        if failure == ETIMEDOUT, let timeout {
            throw OutputError(
                description:
                    "\(name) took \(written) of the slip's \(bytes.count) bytes, then none \(SlipOutput.stalled(timeout))"
            )
        }
        throw OutputError(description: "cannot write to \(name): \(errorText(failure))")
    }

    static func stalled(_ timeout: Double) -> String {
        "for \(seconds(timeout)) s (is the printer out of paper, jammed or its cover open?)"
    }

    /// "5", "0.3".
    static func seconds(_ s: Double) -> String { s == s.rounded() ? String(Int(s)) : String(s) }
}

func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

// Where a kiosk's slips go: a printer device, a network printer, a file, or standard output.
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
    /// Whether the printer can answer on `fd`: a network printer's connection, or a device opened for reading too.
    let answers: Bool

    public init(_ output: String?, timeout: Double) throws(OutputError) {
        guard let output else {
            fd = STDOUT_FILENO
            name = "standard output"
            self.timeout = nil
            answers = false
            return
        }
        if output.hasPrefix("tcp:") {
            // A network printer's raw port (9100 on most): one connection per slip, within the same timeout.
            fd = try SlipOutput.connect(output, timeout: timeout)
            name = output
            self.timeout = timeout
            answers = true
            return
        }
        // A printer's device is opened for reading too, for its status (usblp reads what a bidirectional printer
        // sends back); one that cannot be is written to all the same.
        var flags = O_APPEND | O_CLOEXEC | O_NONBLOCK
        if !output.hasPrefix("/dev/") { flags |= O_CREAT }
        var opened = output.hasPrefix("/dev/") ? open(output, flags | O_RDWR, 0o644) : -1
        answers = opened >= 0
        if opened < 0 { opened = open(output, flags | O_WRONLY, 0o644) }
        fd = opened
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
        do {
            return try ClientConnection.connectTCP(String(output.dropFirst(4)), timeout: timeout, blocking: false)
        } catch ClientError.cannotConnect(_, let reason) {
            throw OutputError(description: "cannot reach \(output): \(reason); no ticket was issued")
        } catch {
            throw OutputError(description: "cannot reach \(output): \(error); no ticket was issued")
        }
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

    /// The printer's paper, as ESC/POS `DLE EOT 4` (real-time status of the roll paper sensors) reports it: "ok",
    /// "low" (the near-end sensor: a few metres left) or "out"; nil when the output cannot answer (a file,
    /// standard output, a device that cannot be read) or the printer sends no valid status byte within `wait`
    /// seconds. Printers answer this at once, also while printing.
    public func paperStatus(wait: Double = 0.5) -> String? {
        guard answers else { return nil }
        var byte: UInt8 = 0
        while Glibc.read(fd, &byte, 1) == 1 {}  // a late answer to an earlier query
        guard writeAll(fd, [0x10, 0x04, 0x04], deadline: monotonicSeconds() + wait) == nil else { return nil }
        let deadline = monotonicSeconds() + wait
        while true {
            let n = Glibc.read(fd, &byte, 1)
            if n == 1 { break }
            guard n < 0 && (errno == EAGAIN || errno == EINTR) else { return nil }
            let left = deadline - monotonicSeconds()
            guard left > 0 else { return nil }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            _ = poll(&p, 1, Int32(max(1, left * 1000)))
        }
        return SlipOutput.paper(status: byte)
    }

    /// The paper a `DLE EOT 4` status byte reports: bits 1 and 4 set and 0 and 7 clear in every one; bits 2 and 3
    /// the near-end sensor, 5 and 6 the paper-end sensor. Nil for a byte that is not such a status.
    public static func paper(status b: UInt8) -> String? {
        guard b & 0x93 == 0x12 else { return nil }
        if b & 0x60 != 0 { return "out" }
        if b & 0x0C != 0 { return "low" }
        return "ok"
    }

    static func stalled(_ timeout: Double) -> String {
        "for \(formatSeconds(timeout)) s (is the printer out of paper, jammed or its cover open?)"
    }
}

func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

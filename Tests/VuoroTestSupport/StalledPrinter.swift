// A printer that stops taking data, for the kiosk's tests.
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A FIFO standing in for a printer's device node: the test reads (or does not read) what the kiosk prints,
/// as a printer takes (or, out of paper, does not take) what the driver hands it.
public final class StalledPrinter {
    public let path: String
    let reader: Int32
    let filler: Int32

    public init(pipeSize: Int32? = nil) throws {
        path = NSTemporaryDirectory() + "vuoro-printer-\(UUID().uuidString.prefix(8))"
        guard mkfifo(path, 0o600) == 0 else { throw POSIXError(.init(rawValue: errno)!) }
        reader = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        filler = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        guard reader >= 0, filler >= 0 else { throw POSIXError(.init(rawValue: errno)!) }
        if let pipeSize { _ = fcntl(reader, 1031 /* F_SETPIPE_SZ */, pipeSize) }
    }

    deinit {
        close(reader)
        close(filler)
        unlink(path)
    }

    /// Fills the pipe until it takes no more: the printer has stopped.
    public func stall() {
        let chunk = [UInt8](repeating: 0x20, count: 4096)
        while chunk.withUnsafeBytes({ write(filler, $0.baseAddress, $0.count) }) > 0 {}
    }

    /// Everything waiting in the pipe: the printer takes paper again.
    public func drain() -> [UInt8] {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { read(reader, $0.baseAddress, $0.count) }
            if n <= 0 { return out }
            out += buf[0..<n]
        }
    }
}

/// A network printer's raw port on loopback: it accepts one connection at a time and reads what is printed.
public final class NetworkPrinter {
    public let fd: Int32
    public let port: Int

    /// `backlog` 0 and `accepting` false: a printer busy with another job, whose queue of connections is full.
    public init(backlog: Int32 = 8) throws {
        (fd, port) = try loopbackListener(backlog: backlog)
    }

    deinit { close(fd) }

    /// Takes the next connection and reads it to its end: one slip.
    public func receive() -> [UInt8] {
        let c = accept(fd, nil, nil)
        guard c >= 0 else { return [] }
        defer { close(c) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buf.withUnsafeMutableBytes { read(c, $0.baseAddress, $0.count) }
            if n <= 0 { return out }
            out += buf[0..<n]
        }
    }
}

/// A network printer that answers ESC/POS `DLE EOT 4` with the status byte set for it (nil: it does not answer),
/// as an Epson printer reports its paper sensors. It takes connections on a thread of its own, one at a time, and
/// keeps what each one printed.
public final class AnsweringPrinter: @unchecked Sendable {  // `state` under `lock`
    public let port: Int
    let fd: Int32
    let lock = NSLock()
    private var state: (status: UInt8?, jobs: [[UInt8]], queries: Int) = (nil, [], 0)

    /// A printer with paper: bits 1 and 4 set, no sensor bit.
    public static let paperOK: UInt8 = 0x12
    /// The near-end sensor (bits 2 and 3).
    public static let paperLow: UInt8 = 0x1E
    /// The paper-end sensor (bits 5 and 6), with the near-end one.
    public static let paperOut: UInt8 = 0x7E

    public init(status: UInt8?) throws {
        (fd, port) = try loopbackListener(backlog: 8)
        state.status = status
        let t = Thread { self.serve() }  // holds the printer until `stop()`
        t.start()
    }

    deinit { close(fd) }

    /// Stops taking connections; the thread ends.
    public func stop() { shutdown(fd, Int32(SHUT_RDWR)) }

    public var status: UInt8? {
        get { lock.withLock { state.status } }
        set { lock.withLock { state.status = newValue } }
    }

    /// What each connection printed (status queries included), in order.
    public var jobs: [[UInt8]] { lock.withLock { state.jobs } }

    /// Status queries answered or not.
    public var queries: Int { lock.withLock { state.queries } }

    private func serve() {
        while true {
            let c = accept(fd, nil, nil)
            guard c >= 0 else { return }  // closed
            var job: [UInt8] = []
            var buf = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buf.withUnsafeMutableBytes { read(c, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                let before = job.count
                job += buf[0..<n]
                guard job.count >= 3 else { continue }
                // Each query that this read completes is answered at once, as the printer does in real time.
                for end in max(3, before + 1)...job.count where job[(end - 3)..<end].elementsEqual([0x10, 0x04, 0x04]) {
                    let s = lock.withLock { () -> UInt8? in
                        state.queries += 1
                        return state.status
                    }
                    if var s { _ = write(c, &s, 1) }
                }
            }
            close(c)
            lock.withLock { state.jobs.append(job) }
        }
    }
}

// libsystemd behind a small Swift face: readiness and status, watchdog, sockets passed by systemd.
import CSystemd

#if canImport(Glibc)
    import Glibc
#endif

/// What the daemon tells systemd, and what systemd hands it. Harmless without systemd: every call is a no-op.
public enum Systemd {
    /// Sends a notification such as `READY=1`; false when no notify socket is set.
    @discardableResult
    public static func notify(_ state: String) -> Bool { sd_notify(0, state) > 0 }

    /// `READY=1` with a `STATUS=` line.
    public static func ready(status: String) { notify("READY=1\nSTATUS=\(status)") }

    public static func status(_ text: String) { notify("STATUS=\(text)") }

    public static func stopping() { notify("STOPPING=1\nSTATUS=Stopping") }

    /// `RELOADING=1` with the monotonic time, as systemd 253+ requires and older ones accept.
    public static func reloading() { notify("RELOADING=1\nMONOTONIC_USEC=\(monotonicMicroseconds())") }

    public static func watchdog() { notify("WATCHDOG=1") }

    /// The watchdog interval in microseconds when systemd expects `WATCHDOG=1` pings (`WATCHDOG_USEC`).
    public static func watchdogMicroseconds() -> UInt64? {
        var usec: UInt64 = 0
        return sd_watchdog_enabled(0, &usec) > 0 && usec > 0 ? usec : nil
    }

    /// Listening sockets passed by socket activation (`LISTEN_FDS`), from descriptor 3 on.
    public static func listenDescriptors() -> [CInt] {
        let n = sd_listen_fds(1)
        guard n > 0 else { return [] }
        return (0..<n).map { SD_LISTEN_FDS_START + $0 }
    }

    public static func monotonicMicroseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec / 1000)
    }

    /// Whether standard error is connected to the journal (`JOURNAL_STREAM` names its device and inode).
    public static var stderrIsJournal: Bool {
        guard let v = getenv("JOURNAL_STREAM").map({ String(cString: $0) }) else { return false }
        let parts = v.split(separator: ":")
        guard parts.count == 2, let dev = UInt64(parts[0]), let ino = UInt64(parts[1]) else { return false }
        var st = stat()
        guard fstat(2, &st) == 0 else { return false }
        return UInt64(st.st_dev) == dev && UInt64(st.st_ino) == ino
    }
}

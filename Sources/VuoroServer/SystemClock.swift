import VuoroCore

// The real time, for the daemon; tests pass a ManualClock instead.
#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Reads `CLOCK_REALTIME`.
public final class SystemClock: Clock {
    public init() {}
    public func now() -> Millis {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Millis(ts.tv_sec) * 1000 + Millis(ts.tv_nsec / 1_000_000)
    }
}

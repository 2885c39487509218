// Memory a busy spell freed goes back to the system at the first quiet second after it. glibc's malloc keeps what
// is freed in its arenas (one for each thread that allocates), so without this the daemon's resident size would
// stay at the high-water mark of its busiest minute for the months it runs.
#if canImport(Glibc)
    import CMalloc
#endif

/// The daemon's heap: at most two malloc arenas, whatever the number of threads. Each arena keeps its own free
/// memory, and the engine's loop and the I/O loops would each have one; two hold the same work in less memory
/// (section 7 of `make bench`: 59 MiB against 64 after its load, for no measurable cost in throughput). Called at
/// start, before the server's threads exist.
///
/// And the top of the heap is not handed back at every `free` (glibc's default above 128 KiB): SQLite takes and
/// frees 85 KiB at every commit, which cost a `brk` call each time (1,156 for 909 commits under strace); what is
/// free goes back at the first quiet second instead (`HeapTrim`).
public func limitHeapArenas() {
    #if canImport(Glibc)
        _ = mallopt(M_ARENA_MAX, 2)
        _ = mallopt(M_TRIM_THRESHOLD, 64 << 20)
    #endif
}

/// Counts the engine's batches between its one-second ticks; trims the heap at a quiet tick after work.
/// Confined to the engine's loop.
public struct HeapTrim {
    /// Batches since the last trim.
    private var sinceTrim = 0
    /// Batches since the last tick.
    private var sinceTick = 0
    /// Trims so far (the tests read it).
    public private(set) var trims = 0

    public init() {}

    public mutating func batch() {
        sinceTick += 1
        sinceTrim += 1
    }

    /// At each tick: when the second that ended had no batch and there was work before it, hands the free memory
    /// of every arena back to the system (`malloc_trim`, which also releases whole free pages inside the heap).
    public mutating func tick() {
        defer { sinceTick = 0 }
        guard sinceTick == 0, sinceTrim > 0 else { return }
        sinceTrim = 0
        trims += 1
        #if canImport(Glibc)
            _ = malloc_trim(0)
        #endif
    }
}

// The daemon's metrics through swift-metrics, kept in a Prometheus registry of the server's own.
import CoreMetrics
import Prometheus
import VuoroCore

/// What vuorod measures: tickets per queue, waits, connections, and the group commit.
public final class ServerMetrics: @unchecked Sendable {  // used on the engine's loop only; the registry locks itself
    public let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory
    private var waiting: [QueueID: CoreMetrics.Gauge] = [:]
    private var countersOpen: [QueueID: CoreMetrics.Gauge] = [:]
    private var issued: [QueueID: CoreMetrics.Counter] = [:]
    private var served: [QueueID: CoreMetrics.Counter] = [:]
    private var waits: [QueueID: CoreMetrics.Timer] = [:]
    private var longest: [QueueID: CoreMetrics.Gauge] = [:]
    private var kioskPaper: [String: CoreMetrics.Gauge] = [:]
    private var kioskSilent: [String: CoreMetrics.Gauge] = [:]
    let connections: CoreMetrics.Gauge
    let batchSize: CoreMetrics.Recorder
    let commitTime: CoreMetrics.Timer
    /// When the last nightly backup was written (Unix seconds): alert when it is more than a day old.
    let lastBackup: CoreMetrics.Gauge

    public init() {
        var f = PrometheusMetricsFactory(registry: registry)
        f.durationHistogramBuckets["vuoro_waiting_seconds"] = [
            30, 60, 120, 300, 600, 900, 1200, 1800, 2700, 3600, 7200,
        ]
        .map { Duration.seconds($0) }
        // In microseconds: whole milliseconds would make the first two buckets 0, twice.
        f.durationHistogramBuckets["vuoro_commit_seconds"] = [
            200, 500, 1000, 2000, 5000, 10_000, 50_000, 250_000, 1_000_000,
        ]
        .map { Duration.microseconds($0) }
        f.valueHistogramBuckets["vuoro_commit_batch_changes"] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 1024]
        factory = f
        connections = CoreMetrics.Gauge(label: "vuoro_connections_open", factory: f)
        batchSize = CoreMetrics.Recorder(label: "vuoro_commit_batch_changes", aggregate: true, factory: f)
        commitTime = CoreMetrics.Timer(label: "vuoro_commit_seconds", factory: f)
        lastBackup = CoreMetrics.Gauge(label: "vuoro_backup_last_success_timestamp_seconds", factory: f)
    }

    /// A queue's waiting tickets, and the open counters serving it: waiting visitors and no counter open is an
    /// alert.
    func setFigures(_ q: QueueID, _ f: Centre.QueueFigures) {
        if waiting[q] == nil {
            waiting[q] = CoreMetrics.Gauge(label: "vuoro_tickets_waiting", dimensions: [("queue", q)], factory: factory)
            countersOpen[q] = CoreMetrics.Gauge(
                label: "vuoro_counters_open", dimensions: [("queue", q)], factory: factory)
        }
        waiting[q]!.record(f.waiting)
        countersOpen[q]!.record(f.counters)
    }

    /// Seconds the longest-waiting ticket of the queue has waited, 0 when none waits; set every second.
    func setLongestWait(_ q: QueueID, _ seconds: Int) {
        if longest[q] == nil {
            longest[q] = CoreMetrics.Gauge(
                label: "vuoro_longest_wait_seconds", dimensions: [("queue", q)], factory: factory)
        }
        longest[q]!.record(seconds)
    }

    /// Each kiosk's paper (0 ok, 1 low, 2 out, -1 unknown) and the seconds since it last reported; set every second.
    func setKiosk(_ k: KioskRecord, now: Millis) {
        if kioskPaper[k.name] == nil {
            kioskPaper[k.name] = CoreMetrics.Gauge(
                label: "vuoro_kiosk_paper", dimensions: [("kiosk", k.name)], factory: factory)
            kioskSilent[k.name] = CoreMetrics.Gauge(
                label: "vuoro_kiosk_silent_seconds", dimensions: [("kiosk", k.name)], factory: factory)
        }
        let paper: Int =
            switch k.paper {
            case .ok: 0
            case .low: 1
            case .out: 2
            case .unknown: -1
            }
        kioskPaper[k.name]!.record(paper)
        kioskSilent[k.name]!.record(max(0, (now - k.seen) / 1000))
    }

    /// Drops the gauges of kiosks no longer listed (forgotten a week after their last report).
    func keepKiosks(_ names: Set<String>) {
        for name in kioskPaper.keys where !names.contains(name) {
            kioskPaper.removeValue(forKey: name)?.destroy()
            kioskSilent.removeValue(forKey: name)?.destroy()
        }
    }

    func countIssued(_ q: QueueID) {
        if issued[q] == nil {
            issued[q] = CoreMetrics.Counter(
                label: "vuoro_tickets_issued_total", dimensions: [("queue", q)], factory: factory)
        }
        issued[q]!.increment()
    }

    func countServed(_ q: QueueID) {
        if served[q] == nil {
            served[q] = CoreMetrics.Counter(
                label: "vuoro_tickets_served_total", dimensions: [("queue", q)], factory: factory)
        }
        served[q]!.increment()
    }

    func recordWait(_ q: QueueID, seconds: Int) {
        if waits[q] == nil {
            waits[q] = CoreMetrics.Timer(label: "vuoro_waiting_seconds", dimensions: [("queue", q)], factory: factory)
        }
        waits[q]!.recordSeconds(seconds)
    }

    /// The text exposition format.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}

/// Counts of one batch, applied to the metrics only once the batch is committed.
struct BatchMetrics {
    var issued: [QueueID] = []
    var served: [QueueID] = []
    var waits: [(QueueID, Int)] = []
    var isEmpty: Bool { issued.isEmpty && served.isEmpty && waits.isEmpty }
    mutating func apply(to m: ServerMetrics?) {
        if let m {
            issued.forEach(m.countIssued)
            served.forEach(m.countServed)
            for (q, s) in waits { m.recordWait(q, seconds: s) }
        }
        self = BatchMetrics()
    }
}

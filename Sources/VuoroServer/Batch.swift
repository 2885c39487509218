// One group commit's worth of requests: how each was answered (to answer it again if the commit fails), the
// connections to write, what to log and count once the commit is on the disk.
import Logging
import VuoroProtocol

/// The requests applied since the last commit. Confined to the engine's loop.
struct Batch {
    /// What a request's answer becomes when the batch's commit fails and the state is read back.
    enum Replay {
        /// Answered the same: its answer does not depend on the batch (a refusal, `AUTH`, a `BACKUP` already
        /// written, statistics read from the store).
        case same(Reply)
        /// Applied again to the state read back (a read: `STATUS`, `TICKET`, ...).
        case again(Request)
        /// A change that did not reach the disk: answered `unavailable`.
        case refused
    }

    private(set) var entries: [(Connection, Replay)] = []
    /// Connections with something to write (or to close) at the end of the batch.
    private(set) var touched: [Connection] = []
    /// Changes to log once committed, never for a change that did not reach the disk.
    private(set) var audited: [(Logger.Level, String, Logger.Metadata)] = []
    var metrics = BatchMetrics()

    mutating func record(_ c: Connection, _ replay: Replay) { entries.append((c, replay)) }

    mutating func touch(_ c: Connection) { touched.append(c) }

    mutating func audit(_ level: Logger.Level, _ message: String, _ metadata: Logger.Metadata) {
        audited.append((level, message, metadata))
    }

    /// How a request answered with `reply` is answered again after a failed commit.
    static func replay(_ r: Request, _ reply: Reply) -> Replay {
        if case .error = reply { return .same(reply) }
        switch r {
        case .backup, .stats, .auth: return .same(reply)
        default: return r.isWrite ? .refused : .again(r)
        }
    }

    /// Takes what to write: the touched connections, in the order they were touched.
    mutating func takeTouched() -> [Connection] {
        defer { touched.removeAll(keepingCapacity: true) }
        return touched
    }

    /// Takes what to log, once the batch is committed.
    mutating func takeAudited() -> [(Logger.Level, String, Logger.Metadata)] {
        defer { audited.removeAll(keepingCapacity: true) }
        return audited
    }

    /// Forgets what the batch did, once it is committed (or answered again).
    mutating func clear() {
        entries.removeAll(keepingCapacity: true)
        audited.removeAll(keepingCapacity: true)
    }

    /// Drops everything the failed batch would have said and logged; returns its entries to answer again.
    mutating func failed() -> [(Connection, Replay)] {
        let e = entries
        for c in touched { c.discardOutbox() }
        entries.removeAll()
        audited.removeAll()
        metrics = BatchMetrics()
        return e
    }
}

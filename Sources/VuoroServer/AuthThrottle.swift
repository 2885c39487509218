// Guessing secrets made slow: failed AUTH from one address makes that address's next AUTH wait, longer after each
// failure, one attempt at a time however many connections it opens; and the log says who failed without flooding.
import NIOConcurrencyHelpers
import NIOCore

/// Failed `AUTH` per address (without the port), shared by the engine and the I/O loops.
final class AuthThrottle: Sendable {
    /// Failures from an address before its attempts are slowed.
    let freeFailures: Int
    /// The wait after the first slowed failure; it doubles with each further one, up to `longest`.
    let first: TimeAmount
    let longest: TimeAmount
    /// An address without failures for this long starts again.
    let forgetAfter: TimeAmount
    /// Failures logged one by one per address and minute; the rest in one summary line a minute.
    let loggedPerMinute: Int

    struct Record {
        var failures = 0
        var last = NIODeadline.uptimeNanoseconds(0)
        /// The earliest moment the next attempt from this address is taken.
        var nextSlot = NIODeadline.uptimeNanoseconds(0)
        /// Failures since the last summary line, and how many of those were logged one by one.
        var sinceSummary = 0
        var loggedSinceSummary = 0
        /// Attempts given a place and not judged yet: each counts as a failure to come when the next place is
        /// given, so that many connections guessing at once are spaced as one connection would be.
        var pending = 0
    }

    private let records = NIOLockedValueBox<[String: Record]>([:])
    private let nextSummary = NIOLockedValueBox(NIODeadline.now() + .minutes(1))

    init(
        freeFailures: Int = 3, first: TimeAmount = .milliseconds(250), longest: TimeAmount = .seconds(10),
        forgetAfter: TimeAmount = .minutes(15), loggedPerMinute: Int = 3
    ) {
        self.freeFailures = freeFailures
        self.first = first
        self.longest = longest
        self.forgetAfter = forgetAfter
        self.loggedPerMinute = loggedPerMinute
    }

    /// How long an `AUTH` from `peer` arriving now must wait before it is tried; reserves its place, so that
    /// attempts over many connections are taken one after the other.
    func wait(for peer: String, now: NIODeadline = .now()) -> TimeAmount {
        records.withLockedValue { r in
            guard var rec = r[peer], rec.failures >= freeFailures else { return .zero }
            if now - rec.last > forgetAfter {
                r[peer] = nil
                return .zero
            }
            let doublings = min(rec.failures + rec.pending - freeFailures, 16)
            let step = min(longest.nanoseconds, first.nanoseconds << doublings)
            let slot = max(now, rec.nextSlot)
            rec.nextSlot = slot + .nanoseconds(step)
            rec.pending += 1
            r[peer] = rec
            return slot - now
        }
    }

    /// Counts a failure; true when it should be logged on its own line (the first few a minute).
    func failed(_ peer: String, now: NIODeadline = .now()) -> Bool {
        records.withLockedValue { r in
            var rec = r[peer] ?? Record()
            if now - rec.last > forgetAfter { rec = Record() }
            rec.failures += 1
            rec.pending = max(0, rec.pending - 1)
            rec.last = now
            rec.sinceSummary += 1
            let logged = rec.loggedSinceSummary < loggedPerMinute
            if logged { rec.loggedSinceSummary += 1 }
            r[peer] = rec
            return logged
        }
    }

    /// Once a minute, the summary below; before that, nothing.
    func summaryIfDue(now: NIODeadline = .now()) -> [(peer: String, failures: Int, unlogged: Int)] {
        let due = nextSummary.withLockedValue { next in
            guard now >= next else { return false }
            next = now + .minutes(1)
            return true
        }
        return due ? summary(now: now) : []
    }

    /// An attempt that found its token: no longer pending (the address's failures stay counted).
    func succeeded(_ peer: String) {
        records.withLockedValue { r in
            if r[peer] != nil { r[peer]!.pending = max(0, r[peer]!.pending - 1) }
        }
    }

    /// Per address, the failures of the last minute that were not logged one by one; starts a new minute and
    /// forgets quiet addresses.
    func summary(now: NIODeadline = .now()) -> [(peer: String, failures: Int, unlogged: Int)] {
        records.withLockedValue { r in
            var out: [(String, Int, Int)] = []
            for (peer, rec) in r {
                if rec.sinceSummary > rec.loggedSinceSummary {
                    out.append((peer, rec.sinceSummary, rec.sinceSummary - rec.loggedSinceSummary))
                }
                if now - rec.last > forgetAfter {
                    r[peer] = nil
                } else {
                    r[peer]!.sinceSummary = 0
                    r[peer]!.loggedSinceSummary = 0
                }
            }
            return out.sorted { $0.0 < $1.0 }
        }
    }
}

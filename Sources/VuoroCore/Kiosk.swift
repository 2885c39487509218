// The kiosks as they last reported themselves (`KIOSK`): whether each is alive and has paper, for staff to see
// before a visitor finds an empty printer.

/// What a kiosk's printer says of its paper roll (ESC/POS `DLE EOT 4`).
public enum Paper: String, Sendable, CaseIterable {
    case ok
    /// The near-end sensor: a few metres left, time to change the roll.
    case low
    /// No paper: the kiosk issues no numbers.
    case out
    /// No printer that answers status queries (a printer without them, a text output, a file).
    case unknown
}

/// A kiosk's last report.
public struct KioskRecord: Equatable, Sendable {
    public var name: String
    public var paper: Paper
    /// When it last reported (each slip, and once a minute when idle).
    public var seen: Millis
    public init(name: String, paper: Paper, seen: Millis) {
        self.name = name
        self.paper = paper
        self.seen = seen
    }
}

extension Centre {
    /// Kiosks not heard from for this long are forgotten at a day change: one taken away for good.
    public static let kioskForgottenAfter: Millis = 7 * 86_400_000

    /// Records a kiosk's report, now. The name is the protocol's to check (`Request.kioskName`).
    public func report(kiosk name: String, paper: Paper) -> KioskRecord {
        let r = KioskRecord(name: name, paper: paper, seen: clock.now())
        kiosks[name] = r
        changes.append(.kiosk(r))
        return r
    }

    /// The kiosk's last report; nil for one that has not reported (or was forgotten).
    public func kiosk(_ name: String) -> KioskRecord? { kiosks[name] }

    /// Every kiosk that has reported, by name.
    public var kioskList: [KioskRecord] { kiosks.values.sorted { $0.name < $1.name } }

    /// At a day change: forgets kiosks silent for `kioskForgottenAfter`.
    func forgetSilentKiosks(now: Millis) {
        for k in kiosks.values where now - k.seen >= Centre.kioskForgottenAfter {
            kiosks[k.name] = nil
            changes.append(.kioskGone(k.name))
        }
    }
}

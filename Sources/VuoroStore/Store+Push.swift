// The tickets' pages' Web Push subscriptions: an endpoint and its keys per ticket, nothing else.
import VuoroCore

extension Store {
    /// A ticket page's Web Push subscription: its endpoint and keys, nothing else.
    public struct PushRow: Equatable, Sendable {
        public var ticket: Int64
        public var endpoint: String
        public var p256dh: [UInt8]
        public var auth: [UInt8]
        public init(ticket: Int64, endpoint: String, p256dh: [UInt8], auth: [UInt8]) {
            self.ticket = ticket
            self.endpoint = endpoint
            self.p256dh = p256dh
            self.auth = auth
        }
    }

    /// Keeps a ticket's subscription (one per ticket: a new one replaces the old), committed at once.
    public func putPush(_ row: PushRow) throws {
        if let fault = injectedFault { throw fault }
        let s = try db.prepare("INSERT OR REPLACE INTO push_subscription(ticket, endpoint, p256dh, auth) VALUES (?1,?2,?3,?4)")
        s.bind(1, row.ticket)
        s.bind(2, row.endpoint)
        s.bind(3, row.p256dh)
        s.bind(4, row.auth)
        try s.run()
    }

    /// Deletes the subscriptions of these tickets (their tickets ended), or all of them (`nil`: the day ended).
    public func deletePushes(_ tickets: [Int64]?) throws {
        guard let tickets else {
            try db.execute("DELETE FROM push_subscription")
            return
        }
        let s = try db.prepare("DELETE FROM push_subscription WHERE ticket = ?1")
        for t in tickets {
            s.bind(1, t)
            try s.run()
        }
    }

    public func pushes() throws -> [PushRow] {
        let s = try db.prepare("SELECT ticket, endpoint, p256dh, auth FROM push_subscription")
        var out: [PushRow] = []
        while try s.step() {
            out.append(PushRow(ticket: s.int(0), endpoint: s.text(1) ?? "", p256dh: s.blob(2), auth: s.blob(3)))
        }
        return out
    }
}

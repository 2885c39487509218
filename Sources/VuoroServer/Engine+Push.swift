// Web Push for the tickets' pages: a visitor whose phone is in a pocket is told when their turn is near and when
// it comes. The engine keeps which tickets have a subscription (in SQLite, deleted with the ticket's end and at
// the day change) and hands each message to the PushSender, off its loop.
import Foundation
import VuoroCore
import VuoroProtocol
import VuoroPush
import VuoroStore

/// The subscribed tickets and the messages they were sent. Confined to the engine's loop.
struct PushAlerts {
    let sender: PushSender
    let vapid: VAPID
    var subscriptions: [Int64: PushSubscription] = [:]
    /// Tickets already told their turn is near.
    var nearSent: Set<Int64> = []
}

extension Engine {
    /// Takes the subscriptions kept from before a restart: those of tickets still open.
    func startPush(sender: PushSender, vapid: VAPID) {
        loop.preconditionInEventLoop()
        var p = PushAlerts(sender: sender, vapid: vapid)
        var stale: [Int64] = []
        for row in (try? store.pushes()) ?? [] {
            if let t = centre.ticket(id: row.ticket), t.state.isOpen {
                p.subscriptions[row.ticket] = PushSubscription(endpoint: row.endpoint, p256dh: row.p256dh, auth: row.auth)
            } else {
                stale.append(row.ticket)
            }
        }
        try? store.deletePushes(stale)
        push = p
    }

    /// A page's subscription for its ticket: 201, 404 (no such ticket today), 409 (it no longer waits), 503.
    func subscribePush(key: String, _ s: PushSubscription) -> Int {
        loop.preconditionInEventLoop()
        guard push != nil else { return 503 }
        guard let t = centre.view(request: key)?.ticket else { return 404 }
        guard t.state.isOpen else { return 409 }
        do {
            try store.putPush(Store.PushRow(ticket: t.id, endpoint: s.endpoint, p256dh: s.p256dh, auth: s.auth))
        } catch {
            return 503
        }
        push!.subscriptions[t.id] = s
        return 201
    }

    func unsubscribePush(key: String) -> Int {
        loop.preconditionInEventLoop()
        guard let t = centre.view(request: key)?.ticket else { return 404 }
        forgetPush([t.id])
        return 204
    }

    func forgetPush(_ tickets: [Int64]) {
        guard push != nil, !tickets.isEmpty else { return }
        for t in tickets {
            push!.subscriptions[t] = nil
            push!.nearSent.remove(t)
        }
        try? store.deletePushes(tickets)
    }

    /// After a commit: a message for each subscribed ticket the batch called or brought near the front; the
    /// subscriptions of tickets that ended are deleted, all of them at the day change.
    func pushAfterCommit(_ events: [Event], dirty: Set<QueueID>) {
        guard let p = push, !p.subscriptions.isEmpty else { return }
        if events.contains(where: { if case .day = $0 { true } else { false } }) {
            push!.subscriptions.removeAll()
            push!.nearSent.removeAll()
            try? store.deletePushes(nil)
            return
        }
        var ended: [Int64] = []
        for (id, sub) in p.subscriptions {
            guard let t = centre.ticket(id: id), t.state.isOpen else {
                ended.append(id)
                continue
            }
            let words = StatusPage.words[t.lang ?? ""] ?? StatusPage.words[centre.config.languages.first ?? "en"]
                ?? StatusPage.words["en"]!
            if t.state == .called, events.contains(where: { if case .called(t.number, _, _) = $0 { true } else if case .recalled(t.number, _, _, _) = $0 { true } else { false } }) {
                let page = StatusPage(centre: centre, lang: t.lang ?? centre.config.languages.first ?? "en")
                send(t, sub, "\(words.yourTurn) \(words.calledTo) \(page.counterName(t.counter ?? "?"))", ttl: 600)
            } else if t.state == .waiting, dirty.contains(t.queue), !p.nearSent.contains(id),
                let alertAt = centre.queueConfig(t.queue)?.alertAt, alertAt > 0,
                let position = try? centre.view(t.number).position, position <= alertAt
            {
                push!.nearSent.insert(id)
                send(t, sub, words.soon.replacingOccurrences(of: "#", with: String(position - 1)), ttl: 600)
            }
        }
        forgetPush(ended)
    }

    private func send(_ t: Ticket, _ sub: PushSubscription, _ body: String, ttl: Int) {
        let payload = JSONSerialization.compact([
            "title": "\(t.number) · \(centre.config.site)", "body": body, "tag": t.number,
            "url": t.request.map { "/t/\($0)" } ?? "/",
        ])
        push?.sender.enqueue(PushMessage(ticket: t.id, subscription: sub, payload: payload, ttl: ttl))
    }
}

extension JSONSerialization {
    /// A flat object of strings as compact JSON bytes.
    static func compact(_ d: [String: String]) -> [UInt8] {
        (try? JSONSerialization.data(withJSONObject: d, options: [.sortedKeys])).map { [UInt8]($0) } ?? []
    }
}

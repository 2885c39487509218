// What the boards' event streams carry, as JSON: each event with what a board needs beside it (the time of a
// call, its audio in each language, a closed queue's opening in words), and the snapshot a board starts from.
// Built on the engine's loop, which owns the centre.
import VuoroCore
import VuoroHTTP
import VuoroProtocol

/// Numbers and encodes committed events for the web streams. Confined to the engine's loop.
struct FeedBuilder {
    private var next: UInt64 = 0

    mutating func records(
        _ events: [Event], places: [(number: String, place: PagePlace)], centre: Centre, feed: WebFeed,
        speech: SpeechCache?
    ) -> [FeedRecord] {
        // What each event's JSON needs is taken from the centre now; the JSON itself is written when a stream
        // first needs it, on that stream's loop (at once while a board speaks: its audio is made now).
        let at = centre.calendar.civil(centre.clock.now()).timeString
        let speaking = feed.limits.anySpeaking
        var out = events.map { e in
            next += 1
            let id = next
            let discreet = e.queue.flatMap { centre.queueConfig($0)?.discreet } ?? false
            let render = FeedBuilder.payload(e, centre: centre, at: at, speech: discreet ? nil : speech)
            let frame = speaking ? FeedFrame(feed.frame(id: id, data: render(true))) : FeedFrame { feed.frame(id: id, data: render(false)) }
            return FeedRecord(id: id, event: e, discreet: discreet, lazyFrame: frame)
        }
        for (number, place) in places {
            next += 1
            let data = TicketPages.json(number, place)
            out.append(
                FeedRecord(id: next, event: nil, placeOf: number, discreet: false, lazyFrame: FeedFrame(feed.frame(id: next, data: data))))
        }
        return out
    }

    /// The event as a board reads it: what it needs of the centre taken now, the JSON written by the function
    /// returned (on any thread; its argument makes the call's audio at once).
    static func payload(_ e: Event, centre: Centre, at now: String, speech: SpeechCache?) -> @Sendable (Bool) -> String {
        switch e {
        case .called(let t, let q, let c), .recalled(let t, let q, let c, _):
            var times = 1
            if case .recalled(_, _, _, let n) = e { times = n }
            let calls = times
            let counter = centre.counterConfig(c)
            let languages = centre.config.languages
            return { prepare in
                var fields: [(String, JSON)] = [
                    ("type", .string("call")), ("ticket", .string(t)), ("queue", .string(q)), ("counter", .string(c)),
                    ("calls", .number(calls)), ("at", .string(now)),
                ]
                if let speech {
                    let files = speechFiles(t, counter: c, config: counter, languages: languages, speech: speech, prepare: prepare)
                    fields.append(("speech", .strings(files)))
                }
                return JSON.object(fields).serialized()
            }
        case .queue(let f):
            let json = queueJSON(f, centre: centre)
            return { _ in json.serialized() }
        default:
            let json = otherJSON(e)
            return { _ in json.serialized() }
        }
    }

    /// The events that need nothing of the centre.
    static func otherJSON(_ e: Event) -> JSON {
        switch e {
        case .finished(let t, let state, let q, let c):
            return JSON.object([
                ("type", .string("finished")), ("ticket", .string(t)), ("state", .string(state)), ("queue", .string(q)),
                ("counter", c.map(JSON.string) ?? .null),
            ])
        case .transferred(let t, let q, let from, let c, let to):
            return JSON.object([
                ("type", .string("transferred")), ("ticket", .string(t)), ("queue", .string(q)),
                ("from", .string(from)), ("counter", .string(c)), ("to", to.map(JSON.string) ?? .null),
            ])
        case .parked(let t, let q, let c):
            return JSON.object([
                ("type", .string("parked")), ("ticket", .string(t)), ("queue", .string(q)), ("counter", .string(c)),
            ])
        case .counter(let id, let paused, _):
            return JSON.object([("type", .string("counter")), ("counter", .string(id)), ("paused", .bool(paused))])
        case .day(let d):
            return JSON.object([("type", .string("day")), ("day", .string(d))])
        case .reloaded:
            return JSON.object([("type", .string("reloaded"))])
        case .called, .recalled, .queue:
            return .null
        }
    }

    /// The audio of a call in each of the site's languages that has a voice: `/speech/<name>.wav`, made now when
    /// a speaking board is open (else when a board first asks for it).
    static func speechFiles(
        _ ticket: String, counter: String, config: CounterConfig?, languages: [String], speech: SpeechCache, prepare: Bool
    ) -> [String: String] {
        var out: [String: String] = [:]
        for lang in languages {
            let name = config?.name(in: lang, languages: [lang])
            let text = SignWords.spokenCall(ticket: ticket, counterName: name, counterID: counter, lang: lang)
            guard let file = speech.name(for: text, lang: lang) else { continue }
            if prepare { speech.prepare(file) }
            out[lang] = "/speech/\(file).wav"
        }
        return out
    }

    /// A queue's figures, and when closed its next opening in each language.
    static func queueJSON(_ id: QueueID, centre: Centre, type: Bool = false) -> JSON {
        guard let f = centre.figures(id) else { return .null }
        return queueJSON(id, open: f.open, waiting: f.waiting, wait: f.wait, opensAt: f.opensAt, centre: centre, type: type)
    }

    /// The figures an event carries (the batch's publisher computed them): only a closed queue's opening is
    /// looked up again.
    static func queueJSON(_ f: QueueFigures, centre: Centre) -> JSON {
        let opensAt = f.open ? nil : centre.opening(f.id).opensAt
        return queueJSON(f.id, open: f.open, waiting: f.waiting, wait: f.wait, opensAt: opensAt, centre: centre, type: true)
    }

    static func queueJSON(
        _ id: QueueID, open: Bool, waiting: Int, wait: Int, opensAt: Millis?, centre: Centre, type: Bool
    ) -> JSON {
        var opens: [String: String] = [:]
        if let at = opensAt {
            let c = centre.calendar.civil(at)
            let today = c.dateString == centre.calendar.civil(centre.clock.now()).dateString
            for l in centre.config.languages {
                opens[l] = SignWords.opens(lang: l, today: today, sundayFirst: c.weekday % 7, time: c.timeString)
            }
        }
        return .object(
            (type ? [("type", JSON.string("queue"))] : []) + [
                ("queue", .string(id)), ("open", .bool(open)), ("waiting", .number(waiting)),
                ("wait", .number(waitMinutes(wait))), ("opens", .strings(opens)),
            ])
    }

    /// Everything a board shows, as it is now: the site, its queues with their names and figures, the latest
    /// calls it shows, the counters' names, and the words of each of its languages.
    static func snapshot(centre: Centre, filter: FeedFilter, languages: [String], id: UInt64) -> String {
        let config = centre.config
        let queues = centre.queueOrder.filter { filter.queues.contains($0) }.map { id -> JSON in
            guard case .object(let fields) = queueJSON(id, centre: centre),
                let q = centre.queueConfig(id)
            else { return .null }
            let names = Dictionary(uniqueKeysWithValues: languages.map { ($0, q.name(in: $0, languages: config.languages)) })
            return .object([("names", .strings(names))] + fields)
        }
        let calls = centre.latestCalls(Centre.recentCallsKept).filter { t in
            if let c = filter.counter { return t.counter == c }
            return filter.queues.contains(t.queue)
        }.prefix(12).map { t -> JSON in
            .object([
                ("ticket", .string(t.number)), ("queue", .string(t.queue)), ("counter", .string(t.counter)),
                ("calls", .number(t.calls)), ("at", .string(centre.calendar.civil(t.at).timeString)),
            ])
        }
        let counters = centre.counterOrder.map { id -> (String, JSON) in
            (id, .strings(Dictionary(uniqueKeysWithValues: languages.map { ($0, counterLabel(id, $0, centre)) })))
        }
        var fields: [(String, JSON)] = [
            ("type", .string("snapshot")), ("id", .number(Int(id))), ("site", .string(config.site)),
            ("languages", .array(languages.map(JSON.string))), ("queues", .array(queues)), ("calls", .array(Array(calls))),
            ("counters", .object(counters)), ("words", .object(languages.map { ($0, words($0)) })),
        ]
        if let c = filter.counter, let rec = centre.counter(c) {
            fields.append((
                "counter",
                .object([
                    ("id", .string(c)), ("ticket", centre.currentTicket(of: c).map { .string($0.number) } ?? .null),
                    ("paused", .bool(rec.paused)),
                ])
            ))
        }
        return JSON.object(fields).serialized()
    }

    /// A counter as visitors are sent to it: its configured name, else "palvelupiste 3".
    static func counterLabel(_ id: CounterID, _ lang: String, _ centre: Centre) -> String {
        centre.counterConfig(id)?.name(in: lang, languages: [lang])
            ?? "\((SignWords.screen[lang] ?? SignWords.screen["en"]!).counter) \(id)"
    }

    /// The board's words in one language, from the words every sign shares.
    static func words(_ lang: String) -> JSON {
        let s = SignWords.screen[lang] ?? SignWords.screen["en"]!
        return .strings([
            "now": s.now, "waiting": s.waiting, "wait": s.wait, "closed": s.closed,
            "offline": SignWords.offline[lang] ?? SignWords.offline["en"]!,
            "phone": SignWords.phone[lang] ?? SignWords.phone["en"]!,
            "paused": SignWords.paused[lang] ?? "paused", "sound": SignWords.sound[lang] ?? SignWords.sound["en"]!,
        ])
    }
}

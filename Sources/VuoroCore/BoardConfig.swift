// The lobby boards a centre names in its configuration (`[[board]]`), so that staff type /board/wing-b rather than
// a long address; and the web side's settings the boards share.

/// A named lobby board: which queues (or which counter) it shows, in which languages, and which it speaks.
public struct BoardConfig: Equatable, Sendable {
    /// 1 to 32 of `a-z 0-9 - _`: the board's address is `/board/<id>`.
    public var id: String
    /// The queues shown; empty: every queue but the discreet ones.
    public var queues: [QueueID]
    /// The screen above one counter: only the number called there.
    public var counter: CounterID?
    /// The languages its text alternates between; empty: the site's.
    public var languages: [String]
    /// The languages its calls are spoken in (a subset of `languages`); empty: silent.
    public var speak: [String]

    public init(
        id: String, queues: [QueueID] = [], counter: CounterID? = nil, languages: [String] = [], speak: [String] = []
    ) {
        self.id = id
        self.queues = queues
        self.counter = counter
        self.languages = languages
        self.speak = speak
    }
}

extension CentreConfig {
    /// What is wrong with the boards, or nil: ids, queues, counters and languages that do not exist.
    func boardsProblem() -> (key: String, reason: String)? {
        if maxBoards < 1 || maxBoards > 100_000 { return ("max_boards", "must be 1 to 100000") }
        if let url = webURL, !(url.hasPrefix("https://") || url.hasPrefix("http://")) || url.contains(" ") {
            return ("web_url", "'\(url)' must be an http:// or https:// address, such as https://jono.example.fi")
        }
        var ids = Set<String>()
        for (i, b) in boards.enumerated() {
            let key = "board[\(i + 1)]"
            if !CentreConfig.isValidID(b.id) { return ("\(key).id", "'\(b.id)' must be 1 to 32 of a-z, 0-9, - and _") }
            if !ids.insert(b.id).inserted { return ("\(key).id", "'\(b.id)' is used by another board") }
            for q in b.queues where !queues.contains(where: { $0.id == q }) {
                return ("\(key).queues", "no queue has the id '\(q)'")
            }
            if let c = b.counter {
                if !counters.contains(where: { $0.id == c }) { return ("\(key).counter", "no counter has the id '\(c)'") }
                if !b.queues.isEmpty { return ("\(key).counter", "a counter's board shows that counter: no queues") }
            }
            for l in b.languages where !languages.contains(l) {
                return ("\(key).languages", "'\(l)' is not one of languages \(languages)")
            }
            let shown = b.languages.isEmpty ? languages : b.languages
            for l in b.speak where !shown.contains(l) {
                return ("\(key).speak", "'\(l)' is not one of the board's languages \(shown)")
            }
        }
        return nil
    }

    /// The board named `id`.
    public func board(_ id: String) -> BoardConfig? { boards.first { $0.id == id } }

    /// The queues a board shows when it names none: every queue but the discreet ones.
    public var publicQueues: [QueueID] { queues.filter { !$0.discreet }.map(\.id) }
}

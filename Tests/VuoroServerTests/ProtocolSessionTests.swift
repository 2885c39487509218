// Replays every session of protocol.md against the real server over loopback TCP, line for line.
import Foundation
import Testing
import VuoroProtocol
import VuoroTestSupport

/// The `session` blocks of protocol.md, each a list of its lines.
func protocolSessions() throws -> [[String]] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let text = try String(contentsOf: root.appendingPathComponent("protocol.md"), encoding: .utf8)
    return sessions(in: text)
}

/// The `session` blocks of a document.
func sessions(in text: String) -> [[String]] {
    var sessions: [[String]] = []
    var current: [String]?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
        if line == "```session" {
            current = []
        } else if line == "```", let c = current {
            sessions.append(c)
            current = nil
        } else if current != nil {
            current!.append(line)
        }
    }
    return sessions
}

@Suite struct ProtocolSessionTests {
    @Test func protocolDocumentHasSessions() throws {
        #expect(try protocolSessions().count >= 5)
    }

    /// Every session of protocol.md, however many it has: one test case each.
    @Test(arguments: (try? protocolSessions().indices.map { $0 }) ?? [])
    func replaysSession(index: Int) async throws {
        let sessions = try protocolSessions()
        let server = try await TestServer()
        var clients: [String: LineClient] = [:]
        func client(_ name: String) throws -> LineClient {
            if let c = clients[name] { return c }
            let c = try server.client()
            clients[name] = c
            return c
        }
        // Each line received is also decoded as the typed value a client would get, and must format back to
        // itself: the documented lines and the types agree.
        var typed = TypedReplies()
        for (n, line) in sessions[index].enumerated() where !line.isEmpty {
            if line.hasPrefix("# wait "), let s = Double(line.dropFirst(7).split(separator: " ")[0]) {
                server.clock.advance(seconds: s)
            } else if let r = line.range(of: "> "), !line[..<r.lowerBound].contains(" ") {
                let name = String(line[..<r.lowerBound])
                try client(name).send(String(line[r.upperBound...]))
                typed.sent(String(line[r.upperBound...]), by: name)
            } else if let r = line.range(of: "< "), !line[..<r.lowerBound].contains(" ") {
                let name = String(line[..<r.lowerBound])
                let got = try client(name).readLine()
                #expect(got == String(line[r.upperBound...]), "session \(index + 1), line \(n + 1)")
                let problem = typed.received(String(line[r.upperBound...]), by: name)
                #expect(problem == nil, "session \(index + 1), line \(n + 1): \(problem ?? "")")
            } else {
                Issue.record("session \(index + 1), line \(n + 1) is not a session line: \(line)")
            }
        }
        await server.stop()
    }
}

/// Follows a session's requests per client, and decodes each line received as the Reply of the request it answers
/// (or as an Event), checking that it formats back to the same lines.
struct TypedReplies {
    private var pending: [String: [Request]] = [:]
    private var partial: [String: [String]] = [:]

    mutating func sent(_ line: String, by client: String) {
        // A line that does not parse is answered ERR, which any request's reply may be.
        pending[client, default: []].append((try? Request.parse(line).get()) ?? .ping)
    }

    /// Nil when the line decodes (or is part of a list still coming); else what is wrong.
    mutating func received(_ line: String, by client: String) -> String? {
        if line.hasPrefix("EVENT ") {
            guard let e = Event.parse(line) else { return "no Event parses from it" }
            return e.format() == line ? nil : "the Event formats as \(e.format())"
        }
        guard let request = pending[client]?.first else { return "a reply to no request" }
        var lines = partial[client, default: []] + [line]
        if Reply.isList(request), let n = Reply.listCount(lines[0]), lines.count < n + 1 {
            partial[client] = lines
            return nil
        }
        partial[client] = nil
        pending[client]!.removeFirst()
        guard let reply = Reply.parse(lines, for: request) else { return "no Reply to \(request.command) parses" }
        defer { lines.removeAll() }
        return reply.lines() == lines ? nil : "the Reply formats as \(reply.lines())"
    }
}

/// The example lines of protocol.md's tables (requests with their replies, and events) parse as the typed values
/// and format back to themselves.
@Suite struct ProtocolDocumentTests {
    static let document: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("protocol.md"), encoding: .utf8)) ?? ""
    }()

    /// The code spans of a line: `a` and `b` in "x `a` y `b`".
    static func spans(_ line: Substring) -> [String] {
        line.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }
            .map { String($0.element) }
    }

    /// A request of each command, for the replies its table row shows.
    static let samples: [String: Request] = [
        "PING": .ping, "ISSUE": .issue(queue: "kela", priority: 0, lang: nil), "TICKET": .ticket("K004"),
        "CANCEL": .cancel("K004"), "CALL": .call(counter: "3", ticket: nil), "RECALL": .recall(counter: "3"),
        "DONE": .done(counter: "3"), "NOSHOW": .noshow(counter: "3"),
        "TRANSFER": .transfer(counter: "3", queue: "health", front: false), "SERVE": .serve(counter: "3", queues: []),
        "PAUSE": .pause(counter: "3"), "QUEUES": .queues(lang: nil), "SITE": .site, "STATUS": .status,
        "COUNTERS": .counters(lang: nil), "CALLED": .called(10), "WATCH": .watch, "OPEN": .open("kela"),
        "CLOSE": .close("kela"), "QUIT": .quit, "AUTH": .auth("x"), "STATS": .stats(date: nil, by: "queue"),
        "KIOSK": .kiosk(name: "a", paper: "ok"), "KIOSKS": .kiosks, "BACKUP": .backup("a.db"),
    ]

    @Test func everyEventExampleParses() {
        var seen = 0
        for line in Self.document.split(separator: "\n") {
            // A whole example line, not a mention of a kind ("an `EVENT finished` tells displays").
            for span in Self.spans(line) where span.hasPrefix("EVENT ") && (span.contains("=") || span.split(separator: " ").count != 2 || span == "EVENT reloaded") {
                seen += 1
                let e = Event.parse(span)
                #expect(e?.format() == span, "\(span)")
            }
        }
        #expect(seen >= 8)
    }

    @Test func everyReplyExampleParses() {
        var seen = 0
        for line in Self.document.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false)
            guard cells.count > 3, let first = Self.spans(cells[1]).first,
                let request = Self.samples[String(first.split(separator: " ")[0])]
            else { continue }
            for span in Self.spans(cells[2]) where span.hasPrefix("OK ") && span != "OK <n>" {
                seen += 1
                // A list's first line alone: `OK 4` stands for the count; its lines are checked as list lines.
                if Reply.isList(request) {
                    #expect(Reply.listCount(span) != nil, "\(span)")
                    continue
                }
                let reply = Reply.parse([span], for: request)
                #expect(reply?.lines() == [span], "\(first): \(span)")
            }
            if Reply.isList(request) {
                // Whole lines (an id, then fields), not a field mentioned alone (`hours="..."`).
                for span in Self.spans(cells[2])
                where !span.hasPrefix("OK") && span.contains(" ") && !span.split(separator: " ")[0].contains("=")
                    && !span.contains("...")
                {
                    seen += 1
                    #expect(Reply.parse(["OK 1", span], for: request) != nil, "\(first): \(span)")
                }
            }
        }
        #expect(seen >= 25, "\(seen) examples")
    }
}

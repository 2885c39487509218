// Parsing and formatting every request, and the errors for bad input.
import Testing
import VuoroProtocol

@Suite struct RequestTests {
    func parse(_ line: String) -> Request? { try? Request.parse(line).get() }
    func error(_ line: String) -> ErrorCode? {
        if case .failure(let e) = Request.parse(line) { return e.code }
        return nil
    }

    @Test(arguments: [
        ("PING", Request.ping),
        ("ping", .ping),
        ("ISSUE kela", .issue(queue: "kela", priority: 0, lang: nil)),
        ("issue Kela priority=3 lang=SV", .issue(queue: "kela", priority: 3, lang: "sv")),
        ("ISSUE kela id=3f2a9C-1_x.y:z", .issue(queue: "kela", priority: 0, lang: nil, id: "3f2a9C-1_x.y:z")),
        ("TICKET k004", .ticket("K004")),
        ("CANCEL K004", .cancel("K004")),
        ("CANCEL id=9c1e6f0a4b2d7e35", .cancelIssue(id: "9c1e6f0a4b2d7e35")),
        ("CALL 3", .call(counter: "3", ticket: nil)),
        ("CALL 3 ticket=H012", .call(counter: "3", ticket: "H012")),
        ("RECALL 3", .recall(counter: "3")),
        ("DONE 3", .done(counter: "3")),
        ("NOSHOW 3", .noshow(counter: "3")),
        ("TRANSFER 3 health", .transfer(counter: "3", queue: "health", front: false)),
        ("TRANSFER 3 health front", .transfer(counter: "3", queue: "health", front: true)),
        ("SERVE 3 kela,health", .serve(counter: "3", queues: ["kela", "health"])),
        ("PAUSE 3", .pause(counter: "3")),
        ("QUEUES", .queues(lang: nil)),
        ("QUEUES lang=en", .queues(lang: "en")),
        ("STATUS", .status),
        ("site", .site),
        ("COUNTERS", .counters(lang: nil)),
        ("COUNTERS lang=sv", .counters(lang: "sv")),
        ("CALLED", .called(10)),
        ("CALLED 5", .called(5)),
        ("WATCH", .watch),
        ("OPEN kela", .open("kela")),
        ("CLOSE kela", .close("kela")),
        ("QUIT", .quit),
        ("  PING  ", .ping),
    ])
    func parsesEveryCommand(line: String, expected: Request) {
        #expect(parse(line) == expected)
    }

    @Test func formatRoundTrips() {
        let all: [Request] = [
            .ping, .issue(queue: "kela", priority: 2, lang: "fi"),
            .issue(queue: "kela", priority: 0, lang: "sv", id: "0123456789abcdef"), .ticket("K004"), .cancel("K004"),
            .cancelIssue(id: "k-1"),
            .call(counter: "3", ticket: "K001"), .call(counter: "3", ticket: nil), .recall(counter: "3"),
            .done(counter: "3"), .noshow(counter: "3"), .transfer(counter: "3", queue: "lab", front: true),
            .serve(counter: "3", queues: ["kela", "lab"]), .pause(counter: "3"), .queues(lang: "sv"), .status,
            .counters(lang: nil), .counters(lang: "en"), .called(7), .watch, .open("kela"), .close("kela"), .quit,
        ]
        for r in all { #expect(parse(r.format()) == r, "\(r.format())") }
    }

    @Test(arguments: [
        ("", ErrorCode.badArgument),
        ("FROB", .unknownCommand),
        ("ISSUE", .badArgument),
        ("ISSUE kela priority=10", .badArgument),
        ("ISSUE kela priority=-1", .badArgument),
        ("ISSUE kela priority=99999999999999999999999", .badArgument),
        ("ISSUE kela colour=red", .badArgument),
        ("ISSUE kela priority=1 priority=2", .badArgument),
        ("ISSUE kela lang=x", .badArgument),
        ("ISSUE kela extra", .badArgument),
        ("ISSUE kela id=", .badArgument),
        ("ISSUE kela id=a/b", .badArgument),
        ("ISSUE kela id=ä", .badArgument),
        ("ISSUE kela id=" + String(repeating: "a", count: 65), .badArgument),
        ("ISSUE kela id=a id=b", .badArgument),
        ("CANCEL K004 id=k1", .badArgument),
        ("CANCEL id=a/b", .badArgument),
        ("CANCEL", .badArgument),
        ("TICKET 004", .badArgument),
        ("TICKET KKK004", .badArgument),
        ("TICKET K0004", .badArgument),
        ("CALL", .badArgument),
        ("CALL 3 ticket=bad", .badArgument),
        ("TRANSFER 3", .badArgument),
        ("TRANSFER 3 lab back", .badArgument),
        ("SERVE 3", .badArgument),
        ("SERVE 3 kela,,lab", .badArgument),
        ("CALLED 0", .badArgument),
        ("CALLED 101", .badArgument),
        ("CALLED many", .badArgument),
        ("PING now", .badArgument),
        ("ISSUE kela name=\"open", .badArgument),
        ("STATS date=2026-02-30", .badArgument),
        ("STATS date=2026-02-29", .badArgument),
        ("STATS date=2026-04-31", .badArgument),
        ("STATS date=+026-01-01", .badArgument),
        ("STATS date=2026-1-01", .badArgument),
        ("STATS date=2026-00-10", .badArgument),
    ])
    func refusesBadRequests(line: String, code: ErrorCode) {
        #expect(error(line) == code, "\(line)")
    }

    @Test func acceptsEveryDayThatExists() {
        #expect(error("STATS date=2024-02-29") == nil)
        #expect(error("STATS date=2000-02-29") == nil)
        #expect(error("STATS date=1900-02-29") == .badArgument)
        #expect(error("STATS date=2026-12-31") == nil)
        #expect(isCalendarDate("2026-04-30") && !isCalendarDate("2026-04-31"))
    }

    @Test func errorLinesCarryCodeAndText() {
        let e = ProtocolError(.queueClosed, "kela is closed")
        #expect(e.line == "ERR queue-closed kela is closed")
        #expect(ErrorCode.allCases.count == Set(ErrorCode.allCases.map(\.rawValue)).count)
    }
}

@Suite struct FieldsTests {
    @Test func quotingRoundTrips() throws {
        var w = LineWriter("OK K004")
        w.field("queue", "kela")
        w.text("name", "Hälso \"station\" \\ A")
        w.field("plain", "a b")
        w.field("wait", 960)
        #expect(w.text == #"OK K004 queue=kela name="Hälso \"station\" \\ A" plain="a b" wait=960"#)
        let f = try #require(Fields.split(w.text))
        #expect(f.words == ["OK", "K004"])
        #expect(f["name"] == "Hälso \"station\" \\ A")
        #expect(f["plain"] == "a b")
        #expect(f.int("wait") == 960)
    }

    @Test func unbalancedQuoteIsRefused() {
        #expect(Fields.split("OK name=\"abc") == nil)
    }
}

// libFuzzer target for the protocol parser: bytes go through the line framer, then each line through
// Request.parse, Event.parse and Reply.parse; whatever parses must format back to lines that parse to the same value.
// Built by `make fuzz` together with Sources/VuoroProtocol (swiftc -sanitize=fuzzer,address).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var framer = LineFramer(limit: LineFramer.requestLimit)
    framer.feed(UnsafeRawBufferPointer(start: data, count: size)) { frame in
        guard case .line(let bytes) = frame else { return }
        precondition(bytes.count < LineFramer.requestLimit, "a line longer than the limit came through")
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        if case .success(let request) = Request.parse(text) {
            let again = Request.parse(request.format())
            guard case .success(let same) = again, same == request else {
                fatalError("format() of \(request) does not parse back: \(again)")
            }
            // The line as a one-line reply to the request it is (an OK line to a PING, say).
            if let reply = Reply.parse([text], for: request) {
                precondition(Reply.parse(reply.lines(), for: request) == reply, "\(reply) does not parse back")
            }
        }
        if let event = Event.parse(text) {
            precondition(Event.parse(event.format()) == event, "\(event) does not parse back")
        }
        let requests: [Request] = [
            .ping, .status, .site, .call(counter: "1", ticket: nil), .queues(lang: nil), .counters(lang: nil),
            .bookings(queue: nil, date: nil), .checkIn(ref: "AB12", lang: nil, id: nil, force: false),
            .book(Request.Booking(ref: "AB12", queue: "kela", due: "2026-11-23T10:30")), .park(counter: "1"),
            .transferToCounter(counter: "1", to: "2"),
        ]
        for request in requests {
            if let reply = Reply.parse(["OK 1", text], for: request) ?? Reply.parse([text], for: request) {
                precondition(Reply.parse(reply.lines(), for: request) == reply, "\(reply) does not parse back")
            }
        }
    }
    precondition(framer.buffered < LineFramer.requestLimit)
    return 0
}

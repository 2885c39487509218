// libFuzzer target for the protocol parser: bytes go through the line framer, then each line through
// Request.parse, and a parsed request's format() must parse back to the same request.
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
        }
    }
    precondition(framer.buffered < LineFramer.requestLimit)
    return 0
}

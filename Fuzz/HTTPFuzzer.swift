// libFuzzer target for the web listeners' HTTP request parser: whatever the bytes, it parses within its limits,
// never takes more than it was given, and a request it accepts is taken whole again when fed byte by byte.
// Built by `make fuzz` together with Sources/VuoroHTTP (swiftc -sanitize=fuzzer,address).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let limits = HTTPLimits(headBytes: 1024, targetBytes: 256, headerCount: 16, bodyBytes: 512)
    var bytes = UnsafeRawBufferPointer(start: data, count: size)
    // Pipelined requests: parse them one after the other, as a connection does.
    while true {
        switch HTTPRequestParser.parse(bytes, limits: limits) {
        case .incomplete:
            precondition(bytes.count < limits.requestBytes + limits.headBytes, "incomplete past the limits")
            return 0
        case .invalid(let e):
            precondition([400, 411, 413, 414, 431, 505].contains(e.status), "unexpected status \(e.status)")
            return 0
        case .complete(let r, let consumed):
            precondition(consumed > 0 && consumed <= bytes.count, "took \(consumed) of \(bytes.count)")
            precondition(r.body.count <= limits.bodyBytes && r.target.utf8.count <= limits.targetBytes)
            precondition(r.headers.count <= limits.headerCount)
            // Its first consumed - 1 bytes alone are never a whole request.
            let prefix = UnsafeRawBufferPointer(rebasing: bytes[..<(consumed - 1)])
            if case .complete = HTTPRequestParser.parse(prefix, limits: limits) {
                fatalError("a request was complete before its last byte")
            }
            _ = r.query
            _ = r.keepAlive
            bytes = UnsafeRawBufferPointer(rebasing: bytes[consumed...])
        }
    }
}

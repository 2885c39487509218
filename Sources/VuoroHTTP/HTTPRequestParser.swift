// A bounded, strict HTTP/1.1 request parser: the head is at most a few kilobytes, bodies only with Content-Length
// up to a limit, nothing ambiguous accepted (no chunked bodies, no folded headers, one Host). Stateless: it parses
// from the start of what a connection has buffered, so a connection never holds more than the limits allow.

/// Why a request was refused, as the status to answer with and a sentence for people.
public struct HTTPParseError: Error, Equatable, Sendable {
    public var status: Int
    public var reason: String
    public init(_ status: Int, _ reason: String) {
        self.status = status
        self.reason = reason
    }
}

/// What one request may hold.
public struct HTTPLimits: Equatable, Sendable {
    /// The request line, the headers and the blank line after them.
    public var headBytes: Int
    /// The request-target alone.
    public var targetBytes: Int
    public var headerCount: Int
    /// The largest body taken (0: requests with a body are refused).
    public var bodyBytes: Int

    public init(headBytes: Int = 8192, targetBytes: Int = 2048, headerCount: Int = 64, bodyBytes: Int = 0) {
        self.headBytes = headBytes
        self.targetBytes = targetBytes
        self.headerCount = headerCount
        self.bodyBytes = bodyBytes
    }

    /// The most a connection buffers of one request: its head and body.
    public var requestBytes: Int { headBytes + bodyBytes }
}

public enum HTTPRequestParser {
    public enum Outcome: Equatable, Sendable {
        /// A whole request, and how many bytes it took from the start of the buffer.
        case complete(HTTPRequest, consumed: Int)
        /// Not all of it has arrived; nothing is wrong so far.
        case incomplete
        /// Answer with this status and close.
        case invalid(HTTPParseError)
    }

    /// Parses the first request in `bytes`.
    public static func parse(_ bytes: UnsafeRawBufferPointer, limits: HTTPLimits = HTTPLimits()) -> Outcome {
        // Empty lines before a request are ignored (RFC 9112, 2.2).
        var start = 0
        while start < bytes.count && (bytes[start] == 13 || bytes[start] == 10) && start < limits.headBytes {
            start += 1
        }
        if start >= limits.headBytes {
            return .invalid(HTTPParseError(431, "the request is larger than \(limits.headBytes) bytes"))
        }
        // The request line is judged as soon as it is whole, before its headers come.
        if let lf = firstIndex(of: 10, in: bytes, from: start, to: min(bytes.count, start + limits.headBytes)) {
            let end = lf > start && bytes[lf - 1] == 13 ? lf - 1 : lf
            if case .failure(let e) = parseRequestLine(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), limits: limits)
            {
                return .invalid(e)
            }
        } else if bytes.count - start > limits.targetBytes + 32 {
            return .invalid(HTTPParseError(414, "the address is longer than \(limits.targetBytes) bytes"))
        }
        guard let headEnd = endOfHead(bytes, from: start, limit: limits.headBytes) else {
            return bytes.count >= limits.headBytes
                ? .invalid(HTTPParseError(431, "the request's headers are larger than \(limits.headBytes) bytes"))
                : .incomplete
        }
        var lines: [UnsafeRawBufferPointer] = []
        var lineStart = start
        for i in start..<headEnd.linesEnd where bytes[i] == 10 {
            var end = i
            if end > lineStart && bytes[end - 1] == 13 { end -= 1 }
            lines.append(UnsafeRawBufferPointer(rebasing: bytes[lineStart..<end]))
            lineStart = i + 1
        }
        guard let requestLine = lines.first else { return .invalid(HTTPParseError(400, "no request line")) }
        var request: HTTPRequest
        switch parseRequestLine(requestLine, limits: limits) {
        case .failure(let e): return .invalid(e)
        case .success(let r): request = r
        }
        guard lines.count - 1 <= limits.headerCount else {
            return .invalid(HTTPParseError(431, "more than \(limits.headerCount) header fields"))
        }
        for line in lines.dropFirst() {
            switch parseHeader(line) {
            case .failure(let e): return .invalid(e)
            case .success(let h): request.headers.append(h)
            }
        }
        let hosts = request.headers.filter { $0.name == "host" }.count
        if hosts > 1 || (request.minorVersion == 1 && hosts == 0) {
            return .invalid(HTTPParseError(400, "an HTTP/1.1 request needs exactly one Host header"))
        }
        if request.headers.contains(where: { $0.name == "transfer-encoding" }) {
            return .invalid(HTTPParseError(411, "send the body with Content-Length, not a transfer coding"))
        }
        var length = 0
        let lengths = request.headers.filter { $0.name == "content-length" }.flatMap {
            $0.value.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(" \t") }
        }
        if let first = lengths.first {
            guard lengths.allSatisfy({ $0 == first }), (1...18).contains(first.utf8.count),
                first.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let n = Int(first)
            else { return .invalid(HTTPParseError(400, "Content-Length is not one number")) }
            length = n
        }
        if length > limits.bodyBytes {
            return .invalid(
                HTTPParseError(
                    413,
                    limits.bodyBytes == 0
                        ? "this address takes no request body" : "the body is larger than \(limits.bodyBytes) bytes"))
        }
        let bodyStart = headEnd.bodyStart
        guard bytes.count - bodyStart >= length else { return .incomplete }
        request.body = Array(bytes[bodyStart..<(bodyStart + length)])
        return .complete(request, consumed: bodyStart + length)
    }

    /// Where the head's lines end (after the last header's LF) and the body starts (after the blank line).
    static func endOfHead(_ b: UnsafeRawBufferPointer, from start: Int, limit: Int) -> (linesEnd: Int, bodyStart: Int)?
    {
        let end = min(b.count, start + limit)
        var i = start
        while let lf = firstIndex(of: 10, in: b, from: i, to: end) {
            // LF followed by LF, or by CR LF, is the blank line.
            if lf + 1 < end && b[lf + 1] == 10 { return (lf + 1, lf + 2) }
            if lf + 2 < end && b[lf + 1] == 13 && b[lf + 2] == 10 { return (lf + 1, lf + 3) }
            i = lf + 1
        }
        return nil
    }

    static func firstIndex(of byte: UInt8, in b: UnsafeRawBufferPointer, from: Int, to: Int) -> Int? {
        var i = from
        while i < to {
            if b[i] == byte { return i }
            i += 1
        }
        return nil
    }

    /// A token character (RFC 9110, 5.6.2): what methods and header names are made of.
    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case 48...57, 65...90, 97...122: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default: false
        }
    }

    static func parseRequestLine(_ line: UnsafeRawBufferPointer, limits: HTTPLimits) -> Result<
        HTTPRequest, HTTPParseError
    > {
        let parts = line.split(separator: 32, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].count <= 32, parts[0].allSatisfy(isTokenByte) else {
            return .failure(HTTPParseError(400, "the request line is not METHOD /path HTTP/1.1"))
        }
        let target = parts[1]
        guard target.count <= limits.targetBytes else {
            return .failure(HTTPParseError(414, "the address is longer than \(limits.targetBytes) bytes"))
        }
        guard target.first == UInt8(ascii: "/") || (target.count == 1 && target.first == UInt8(ascii: "*")),
            target.allSatisfy({ $0 > 32 && $0 < 127 })
        else { return .failure(HTTPParseError(400, "the address must be a path such as /t/KEY")) }
        let version = Array(parts[2])
        let prefix = Array("HTTP/".utf8)
        guard version.count == 8, Array(version[0..<5]) == prefix, version[6] == UInt8(ascii: "."),
            (48...57).contains(version[5]), (48...57).contains(version[7])
        else { return .failure(HTTPParseError(400, "the request line is not METHOD /path HTTP/1.1")) }
        guard version[5] == UInt8(ascii: "1") else {
            return .failure(HTTPParseError(505, "only HTTP/1.0 and HTTP/1.1 are spoken here"))
        }
        return .success(
            HTTPRequest(
                method: String(decoding: parts[0], as: UTF8.self), target: String(decoding: target, as: UTF8.self),
                minorVersion: version[7] == UInt8(ascii: "0") ? 0 : 1))
    }

    static func parseHeader(_ line: UnsafeRawBufferPointer) -> Result<(name: String, value: String), HTTPParseError> {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0,
            line[..<colon].allSatisfy(isTokenByte)
        else {
            return .failure(
                HTTPParseError(
                    400, line.first == 32 || line.first == 9 ? "folded header lines are not accepted" : "a malformed header"))
        }
        var value = line[(colon + 1)...]
        while let f = value.first, f == 32 || f == 9 { value = value.dropFirst() }
        while let l = value.last, l == 32 || l == 9 { value = value.dropLast() }
        // Control characters (CR, NUL, ...) have no place in a value; obs-text (bytes from 0x80) is kept.
        guard value.allSatisfy({ $0 == 9 || ($0 >= 32 && $0 != 127) }) else {
            return .failure(HTTPParseError(400, "a header holds a control character"))
        }
        return .success(
            (String(decoding: line[..<colon], as: UTF8.self).lowercased(), String(decoding: value, as: UTF8.self)))
    }
}

// One HTTP/1.1 request as the web listeners take it: method, target, headers and a bounded body. Pure: no I/O.

/// A whole request, parsed by `HTTPRequestParser`.
public struct HTTPRequest: Equatable, Sendable {
    /// As sent (a token such as `GET`); methods are case-sensitive in HTTP.
    public var method: String
    /// The request-target as sent: `/t/abc?lang=sv`.
    public var target: String
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var minorVersion: Int
    /// Header fields in the order they came, names lower case, values without surrounding spaces.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(
        method: String, target: String, minorVersion: Int = 1, headers: [(name: String, value: String)] = [],
        body: [UInt8] = []
    ) {
        self.method = method
        self.target = target
        self.minorVersion = minorVersion
        self.headers = headers
        self.body = body
    }

    public static func == (a: HTTPRequest, b: HTTPRequest) -> Bool {
        a.method == b.method && a.target == b.target && a.minorVersion == b.minorVersion && a.body == b.body
            && a.headers.elementsEqual(b.headers) { $0.name == $1.name && $0.value == $1.value }
    }

    /// The first value of a header (name in any case).
    public func header(_ name: String) -> String? {
        let n = name.lowercased()
        return headers.first { $0.name == n }?.value
    }

    /// The path, before any `?`.
    public var path: Substring {
        target.firstIndex(of: "?").map { target[..<$0] } ?? target[...]
    }

    /// The query's `key=value` pairs, percent-decoded (`+` as a space), in order; a pair without `=` has an empty
    /// value. Pairs that do not decode to UTF-8 are left out.
    public var query: [(key: String, value: String)] {
        guard let q = target.firstIndex(of: "?") else { return [] }
        return target[target.index(after: q)...].split(separator: "&").compactMap { pair in
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let k = percentDecoded(kv[0]), let v = percentDecoded(kv.count > 1 ? kv[1] : "") else { return nil }
            return (k, v)
        }
    }

    /// The last value given for `key` in the query.
    public func queryValue(_ key: String) -> String? { query.last { $0.key == key }?.value }

    /// Whether the connection stays open after the response: HTTP/1.1 unless `Connection: close`, HTTP/1.0 only
    /// with `Connection: keep-alive`.
    public var keepAlive: Bool {
        let tokens = headers.filter { $0.name == "connection" }.flatMap {
            $0.value.lowercased().split(separator: ",").map { $0.trimmingCharacters(" \t") }
        }
        if tokens.contains("close") { return false }
        return minorVersion >= 1 || tokens.contains("keep-alive")
    }
}

/// `%41` as `A`, `+` as a space; nil when an escape is malformed or the result is not UTF-8.
public func percentDecoded<S: StringProtocol>(_ s: S) -> String? {
    var out: [UInt8] = []
    out.reserveCapacity(s.utf8.count)
    var it = s.utf8.makeIterator()
    while let b = it.next() {
        switch b {
        case UInt8(ascii: "+"): out.append(32)
        case UInt8(ascii: "%"):
            guard let h = it.next().flatMap(hexValue), let l = it.next().flatMap(hexValue) else { return nil }
            out.append(h << 4 | l)
        default: out.append(b)
        }
    }
    return String(validating: out, as: UTF8.self)
}

func hexValue(_ b: UInt8) -> UInt8? {
    switch b {
    case 48...57: b - 48
    case 65...70: b - 55
    case 97...102: b - 87
    default: nil
    }
}

extension StringProtocol {
    func trimmingCharacters(_ set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}

// A whole HTTP/1.1 response as bytes, with the headers every answer of vuorod carries, and Server-Sent Events
// framing.

/// A response to send: status, headers and body. `Content-Length` and the security headers are added on writing.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, contentType: String, body: [UInt8], headers: [(name: String, value: String)] = []) {
        self.status = status
        self.headers = [("Content-Type", contentType)] + headers
        self.body = body
    }

    /// A short page for people: `404 not found`, `503 ...`.
    public static func text(_ status: Int, _ text: String, headers: [(name: String, value: String)] = []) -> Self {
        HTTPResponse(
            status: status, contentType: "text/plain; charset=utf-8", body: Array((text + "\n").utf8), headers: headers)
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// What every answer carries unless it sets its own: the browser may only show it, never embed it, guess its
    /// type, keep it, or send where it came from. A page that needs more (a script, a sound) sets its own
    /// `Content-Security-Policy`.
    public static let securityHeaders: [(name: String, value: String)] = [
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
        ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
    ]

    /// The head, and the body unless `headOnly` (an answer to `HEAD`).
    public func serialized(keepAlive: Bool, headOnly: Bool = false) -> [UInt8] {
        var out = HTTPResponse.head(status: status, headers: headers, keepAlive: keepAlive, length: body.count)
        if !headOnly { out += body }
        return out
    }

    /// A status line and headers: the given ones, then the security headers they do not set, then
    /// `Content-Length` (when `length` is given) and `Connection: close` when the connection ends.
    public static func head(status: Int, headers: [(name: String, value: String)], keepAlive: Bool, length: Int?)
        -> [UInt8]
    {
        var s = "HTTP/1.1 \(status) \(reasonPhrase(status))\r\n"
        let given = Set(headers.map { $0.name.lowercased() })
        for (n, v) in headers { s += "\(n): \(v)\r\n" }
        for (n, v) in securityHeaders where !given.contains(n.lowercased()) { s += "\(n): \(v)\r\n" }
        if let length { s += "Content-Length: \(length)\r\n" }
        if !keepAlive { s += "Connection: close\r\n" }
        s += "\r\n"
        return Array(s.utf8)
    }

    public static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 410: "Gone"
        case 411: "Length Required"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        default: "Status"
        }
    }
}

/// Server-Sent Events (the WHATWG HTML standard's `text/event-stream`): one event as its lines.
public enum ServerSentEvent {
    /// `id:`, `event:` and one `data:` line per line of `data`, then the blank line that ends the event.
    public static func frame(id: String?, event: String?, data: String) -> String {
        var s = ""
        if let id { s += "id: \(id)\n" }
        if let event { s += "event: \(event)\n" }
        for line in data.split(separator: "\n", omittingEmptySubsequences: false) { s += "data: \(line)\n" }
        return s + "\n"
    }

    /// A comment line, which keeps a connection (and the proxies on its way) from timing out.
    public static let heartbeat = ": keep-alive\n\n"

    /// How long a browser waits before it reconnects, sent at the start of a stream.
    public static func retry(milliseconds: Int) -> String { "retry: \(milliseconds)\n\n" }
}

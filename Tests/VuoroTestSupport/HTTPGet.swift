// One HTTP/1.1 request over a real loopback socket, read to the server's close: for the web pages' tests.
import Foundation
import VuoroClient

#if canImport(Glibc)
    import Glibc
#endif

/// A response as it came: the status code, the headers (names lower case) and the body.
public struct HTTPResponse {
    public let status: Int
    public let headers: [String: String]
    public let body: String
}

/// A response whose body is bytes (a sound, an image).
public func httpBytes(port: Int, _ path: String, timeout: Double = 10) throws -> (status: Int, body: [UInt8]) {
    let raw = try exchange(port: port, "GET \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", timeout)
    guard let end = (0..<max(0, raw.count - 3)).first(where: { raw[$0..<($0 + 4)].elementsEqual([13, 10, 13, 10]) })
    else { throw TestClientError.timeout("the head of the response to GET \(path)") }
    let head = String(decoding: raw[..<end], as: UTF8.self)
    let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
    return (status, Array(raw[(end + 4)...]))
}

/// Sends `request` and reads until the server closes.
func exchange(port: Int, _ request: String, _ timeout: Double) throws -> [UInt8] {
    let fd = try ClientConnection.connectTCP("127.0.0.1:\(port)")
    defer { close(fd) }
    let bytes = Array(request.utf8)
    guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else {
        throw TestClientError.closed
    }
    var data: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let left = deadline.timeIntervalSinceNow
        guard left > 0 else { throw TestClientError.timeout("the end of the response to \(request.prefix(40))") }
        if poll(&p, 1, Int32(left * 1000) + 1) <= 0 { continue }
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        data += buf[0..<n]
    }
    return data
}

/// Sends `method path` with `headers` and `Connection: close`, and reads the response until the server closes.
public func httpRequest(
    port: Int, _ path: String, method: String = "GET", headers: [String: String] = [:], body: String = "",
    timeout: Double = 5
) throws -> HTTPResponse {
    var request = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
    for (k, v) in headers { request += "\(k): \(v)\r\n" }
    let data = try exchange(port: port, request + "\r\n" + body, timeout)
    let text = String(decoding: data, as: UTF8.self)
    guard let end = text.range(of: "\r\n\r\n") else { throw TestClientError.timeout("headers: \(text)") }
    let head = text[..<end.lowerBound].split(separator: "\r\n")
    let status = head.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
    var fields: [String: String] = [:]
    for line in head.dropFirst() {
        guard let colon = line.firstIndex(of: ":") else { continue }
        fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    return HTTPResponse(status: status, headers: fields, body: String(text[end.upperBound...]))
}

/// The lines of one scrape of vuorod's metrics endpoint (`--metrics`), status line and headers first.
public func scrapeMetrics(port: Int) throws -> [String] {
    let http = try LineClient(port: port)
    http.sendRaw(Array("GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8))
    var lines: [String] = []
    while let line = try? http.readLine(timeout: 5) { lines.append(line.trimmingCharacters(in: .newlines)) }
    return lines
}

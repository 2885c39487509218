import Foundation

// The lifecycle workload in each server's own protocol: vuoro, redis (RESP) and beanstalkd.

/// ISSUE, CALL as the connection's own counter, DONE. Each ISSUE carries a key of 16 characters, as
/// vuoro-ticket's do (`id=`, kept with the ticket).
struct VuoroLifecycle: Shape {
    let queues: Int
    let commands = ["ISSUE", "CALL", "DONE"]
    func request(conn: Int, step: Int, last: [UInt8]) -> [UInt8] {
        switch step % 3 {
        case 0:
            // Unique over the daemon's day: the connection and the monotonic clock (a connection sends one
            // request at a time). A key used before would be answered `again=1`, with no write.
            let key = String(nanos(), radix: 16) + "-" + String(conn, radix: 16)
            return Array("ISSUE q\(conn % queues) id=\(key)\n".utf8)
        case 1: return Array("CALL c\(conn)\n".utf8)
        default: return Array("DONE c\(conn)\n".utf8)
        }
    }
    func replyLength(_ b: ArraySlice<UInt8>) -> Int? { lineLength(b) }
    func isSuccess(_ r: ArraySlice<UInt8>) -> Bool {
        r.starts(with: Array("OK ".utf8)) && !r.starts(with: Array("OK none".utf8))
            && !r.dropLast().reversed().starts(with: Array("1=niaga".utf8))
    }
}

/// RPUSH and LPOP on one list, with `appendfsync always`.
struct RedisLifecycle: Shape {
    let commands = ["RPUSH", "LPOP"]
    static let push = Array("*3\r\n$5\r\nRPUSH\r\n$1\r\nq\r\n$1\r\nx\r\n".utf8)
    static let pop = Array("*2\r\n$4\r\nLPOP\r\n$1\r\nq\r\n".utf8)
    func request(conn: Int, step: Int, last: [UInt8]) -> [UInt8] {
        step % 2 == 0 ? RedisLifecycle.push : RedisLifecycle.pop
    }
    func replyLength(_ b: ArraySlice<UInt8>) -> Int? {
        guard let first = b.first, let line = lineLength(b) else { return nil }
        guard first == UInt8(ascii: "$") else { return line }
        let n = Int(String(decoding: b[(b.startIndex + 1)..<(b.startIndex + line - 2)], as: UTF8.self)) ?? -1
        if n < 0 { return line }
        return b.count >= line + n + 2 ? line + n + 2 : nil
    }
    func isSuccess(_ r: ArraySlice<UInt8>) -> Bool {
        r.first == UInt8(ascii: ":") || (r.first == UInt8(ascii: "$") && r.dropFirst().first != UInt8(ascii: "-"))
    }
}

/// put, reserve, delete, with `-f 0` (fsync at every write).
struct BeanstalkLifecycle: Shape {
    let commands = ["put", "reserve", "delete"]
    func request(conn: Int, step: Int, last: [UInt8]) -> [UInt8] {
        switch step % 3 {
        case 0: return Array("put 0 0 60 1\r\nx\r\n".utf8)
        case 1: return Array("reserve-with-timeout 1\r\n".utf8)
        default:
            let words = String(decoding: last, as: UTF8.self).split(separator: " ")
            return Array("delete \(words.count > 1 ? words[1] : "0")\r\n".utf8)
        }
    }
    func replyLength(_ b: ArraySlice<UInt8>) -> Int? {
        guard let line = lineLength(b) else { return nil }
        guard b.starts(with: Array("RESERVED ".utf8)) else { return line }
        let words = String(decoding: b.prefix(line), as: UTF8.self).split(separator: " ")
        let n = Int(words.last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        return b.count >= line + n + 2 ? line + n + 2 : nil
    }
    func isSuccess(_ r: ArraySlice<UInt8>) -> Bool {
        ["INSERTED", "RESERVED", "DELETED"].contains { r.starts(with: Array($0.utf8)) }
    }
}

/// A server under test: how it is driven in the lifecycle and, if it has one, in the fan-out.
struct Server {
    let name: String
    let peer: Peer
    let lifecycle: Shape
    let broadcast: Broadcast?
}

/// The fan-out shape: what a watcher sends and gets back first, what a round sends (after `setup`), and the bytes
/// that show a watcher has the round's broadcast.
struct Broadcast {
    let hello: String
    let ack: String
    let setup: String?
    let trigger: String
    let marker: String

    /// 1000 displays in WATCH; a counter calls the ticket its setup issued.
    static let vuoro = Broadcast(
        hello: "WATCH\n", ack: "OK watching\n", setup: "ISSUE q0\n", trigger: "CALL c0\n", marker: "EVENT called")
    /// 1000 lobby boards on the web port (Server-Sent Events); a counter calls on the protocol port.
    static let boards = Broadcast(
        hello: "GET /board/events?queues=q0 HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n",
        ack: "\n", setup: "ISSUE q0\n", trigger: "CALL c0\n", marker: "\"type\":\"call\"")
    /// 1000 SUBSCRIBE connections; PUBLISH to their channel.
    static let redis = Broadcast(
        hello: "SUBSCRIBE calls\r\n", ack: "calls\r\n:1\r\n", setup: nil, trigger: "PUBLISH calls K001\r\n",
        marker: "K001")
}

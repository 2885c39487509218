// The server's settings, with their documented defaults.
import NIOCore
import VuoroProtocol

/// The server's limits and access rules.
public struct ServerOptions: Sendable {
    /// One more connection than this gets `ERR too-many-connections` and is closed.
    public var maxConnections: Int
    /// A connection that has sent no request for this many seconds since it opened is closed.
    public var idleTimeout: Int64
    /// Output a client has not read, in bytes, past which it is disconnected (a display that stopped reading).
    public var maxPendingOutput: Int
    /// Failed `AUTH` attempts after which the connection is closed.
    public var maxAuthFailures: Int
    public var access: AccessConfig
    /// Requests of one connection waiting for the engine, past which that connection is not read until they are
    /// answered.
    public var maxRequestsAhead: Int
    /// Threads that read and write the clients' sockets, besides the one that owns the state; 0 does it all on
    /// that one thread. By default one per core, at most 4.
    public var ioThreads: Int

    public init(
        maxConnections: Int = 1024, idleTimeout: Int64 = 60, maxPendingOutput: Int = 1 << 20, maxAuthFailures: Int = 3,
        access: AccessConfig = AccessConfig(), ioThreads: Int = min(System.coreCount, 4), maxRequestsAhead: Int = 1024
    ) {
        self.maxRequestsAhead = maxRequestsAhead
        self.ioThreads = ioThreads
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        self.maxPendingOutput = maxPendingOutput
        self.maxAuthFailures = maxAuthFailures
        self.access = access
    }
}

/// An address to listen on: `HOST:PORT` (IPv6 as `[::1]:PORT`) or `unix:/path`.
public enum ListenAddress: Equatable, Sendable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case unix(path: String)

    public static let `default` = ListenAddress.tcp(host: "127.0.0.1", port: 7410)

    /// Parses `HOST:PORT`, `[V6]:PORT`, `:PORT` (loopback) or `unix:PATH`.
    public init?(_ text: String) {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard !path.isEmpty else { return nil }
            self = .unix(path: path)
            return
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "127.0.0.1" }
        self = .tcp(host: host, port: port)
    }

    public var description: String {
        switch self {
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): "unix:\(path)"
        }
    }

    /// Whether only this host can reach it.
    public var isLoopback: Bool {
        switch self {
        case .unix: true
        case .tcp(let host, _): host == "localhost" || host == "::1" || host.hasPrefix("127.")
        }
    }
}

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
    /// Where `BACKUP` and the nightly backups write; nil: `backups/` in the state directory.
    public var backupDirectory: String?

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

// The NIO server: listens (or takes inherited sockets), runs every connection and the engine on one event loop.
import Logging
import NIOCore
import NIOPosix
import VuoroCore
import VuoroProtocol
import VuoroStore

/// The daemon's network side. All state lives on one event loop, owned by the engine.
public final class VuoroServer: @unchecked Sendable {
    public let group: MultiThreadedEventLoopGroup
    let loop: EventLoop
    let engine: Engine
    let logger: Logger
    private var listeners: [Channel] = []
    private var ticker: RepeatedTask?

    /// The loops of the connections' sockets: `group` itself when `options.ioThreads` is 0.
    let ioGroup: MultiThreadedEventLoopGroup
    /// The web's event streams, one part per I/O loop.
    let webFeed: WebFeed

    public init(
        centre: Centre, store: Store, options: ServerOptions = ServerOptions(), logger: Logger,
        metrics: ServerMetrics? = nil
    ) {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        loop = group.next()
        ioGroup = options.ioThreads > 0 ? MultiThreadedEventLoopGroup(numberOfThreads: options.ioThreads) : group
        self.logger = logger
        let engine = Engine(
            loop: loop, centre: centre, store: store, options: options, logger: logger, metrics: metrics)
        engine.ioLoops = ioGroup.makeIterator().enumerated().map { IOLoop(loop: $1, index: $0, engine: engine) }
        self.engine = engine
        // The run's epoch in the streams' event ids: the start second and the pid.
        webFeed = WebFeed(
            loops: engine.ioLoops.map(\.loop), epoch: String(UInt64(time(nil)) * 100_000 + UInt64(getpid()), radix: 36))
    }

    func addListener(_ channel: Channel) { listeners.append(channel) }

    private func bootstrap() -> ServerBootstrap {
        ServerBootstrap(group: ioGroup)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 32 * 1024, high: 256 * 1024))
            .childChannelInitializer { [ioLoops = engine.ioLoops] channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let io = ioLoops.first(where: { $0.loop.inEventLoop }) else {
                        throw ChannelError.ioOnClosedChannel
                    }
                    try channel.pipeline.syncOperations.addHandler(BackPressureHandler())
                    try channel.pipeline.syncOperations.addHandler(ConnectionHandler(io: io))
                }
            }
    }

    /// Starts listening on each address; returns the addresses bound (a port 0 becomes the real port).
    public func start(listen: [ListenAddress]) async throws -> [SocketAddress] {
        var bound: [SocketAddress] = []
        for address in listen {
            let channel: Channel
            switch address {
            case .tcp(let host, let port):
                channel = try await bootstrap().bind(host: host, port: port).get()
            case .unix(let path):
                channel = try await bootstrap().bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
            }
            listeners.append(channel)
            if let a = channel.localAddress { bound.append(a) }
        }
        try await startTicker()
        return bound
    }

    /// Serves sockets already listening, handed over by systemd (`LISTEN_FDS`).
    public func start(inheritedDescriptors fds: [CInt]) async throws -> [SocketAddress] {
        var bound: [SocketAddress] = []
        for fd in fds {
            let channel = try await bootstrap().withBoundSocket(fd).get()
            listeners.append(channel)
            if let a = channel.localAddress { bound.append(a) }
        }
        try await startTicker()
        return bound
    }

    private func startTicker() async throws {
        ticker = loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { [engine] _ in engine.tick()
        }
    }

    /// Runs `body` on the engine's loop every `interval`: a ping from there proves the loop that serves
    /// requests is alive (systemd's watchdog).
    public func every(_ interval: TimeAmount, _ body: @escaping @Sendable () -> Void) {
        _ = loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in body() }
    }

    /// Replaces the configuration without dropping connections or tickets.
    public func reconfigure(_ config: CentreConfig, access: AccessConfig) async throws {
        try await loop.submit { [engine] in engine.reconfigure(config, access: access) }.get()
    }

    /// Called on the loop after each batch with the number of waiting tickets.
    public func setCommitObserver(_ observer: @escaping (Int) -> Void) async throws {
        try await loop.submit { [engine] in engine.onCommit = observer }.get()
    }

    /// Waiting tickets now.
    public func waitingCount() async throws -> Int {
        try await loop.submit { [engine] in engine.centre.waitingCount }.get()
    }

    /// Whether an address is reachable from this host only.
    public static func isLoopback(_ a: SocketAddress) -> Bool {
        switch a {
        case .unixDomainSocket: return true
        case .v4: return a.ipAddress?.hasPrefix("127.") ?? false
        case .v6: return a.ipAddress == "::1"
        }
    }

    /// Stops accepting, finishes the batch in flight, closes every connection and the loop.
    public func shutdown() async {
        let listeners = self.listeners
        for l in listeners { try? await l.close() }
        // Waits for every connection to be written and closed on its loop, then for the loops themselves.
        try? await loop.flatSubmit { [engine, ticker] in
            ticker?.cancel()
            return engine.shutdown()
        }.get()
        if ioGroup !== group { try? await ioGroup.shutdownGracefully() }
        try? await group.shutdownGracefully()
    }

    /// Transactions the store has committed (for tests of group commit).
    public func commitCount() async throws -> Int {
        try await loop.submit { [engine] in engine.store.commits }.get()
    }

    /// A test seam: makes the store's commits fail with a storage fault (or work again with nil).
    public func injectStorageFault(_ fault: SQLiteError?) async throws {
        try await loop.submit { [engine] in engine.store.injectedFault = fault }.get()
    }
}

// A web listener: accepts connections on the I/O loops within its limits (in all and per address) and runs each
// as an HTTPConnection over the listener's routes.
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import VuoroHTTP

/// Counts a listener's open connections, in all and per address, on every I/O loop.
final class HTTPAdmission: Sendable {
    let maxConnections: Int
    let maxPerPeer: Int
    private let counts = NIOLockedValueBox<(total: Int, perPeer: [String: Int])>((0, [:]))

    init(maxConnections: Int, maxPerPeer: Int) {
        self.maxConnections = maxConnections
        self.maxPerPeer = maxPerPeer
    }

    /// Takes a place for a connection from `peer`, or says there is none.
    func admit(_ peer: String) -> Bool {
        counts.withLockedValue { c in
            guard c.total < maxConnections else { return false }
            let mine = c.perPeer[peer, default: 0]
            guard maxPerPeer == 0 || mine < maxPerPeer else { return false }
            c.total += 1
            c.perPeer[peer] = mine + 1
            return true
        }
    }

    func release(_ peer: String) {
        counts.withLockedValue { c in
            c.total -= 1
            let left = c.perPeer[peer, default: 1] - 1
            c.perPeer[peer] = left > 0 ? left : nil
        }
    }

    var open: Int { counts.withLockedValue { $0.total } }
}

/// A connection's address without its port, as the per-address limit counts it: "10.0.0.5", "::1", "local".
func peerAddress(_ channel: Channel) -> String {
    channel.remoteAddress?.ipAddress ?? "local"
}

extension VuoroServer {
    /// Listens on `host:port` and serves `routes` there; returns the address bound.
    func startHTTP(host: String, port: Int, routes: HTTPRoutes, options: HTTPListenerOptions) async throws
        -> SocketAddress?
    {
        let admission = HTTPAdmission(maxConnections: options.maxConnections, maxPerPeer: options.maxPerPeer)
        let channel = try await ServerBootstrap(group: ioGroup)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // One read at a time: what follows a request stays in the kernel until it is answered.
            .childChannelOption(.maxMessagesPerRead, value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 16 * 1024, high: 64 * 1024))
            .childChannelInitializer { channel in
                let peer = peerAddress(channel)
                // Beyond the limits a connection is closed at once: phones refreshing, or a flood from one address,
                // never take the descriptors the kiosks and counters need, nor every place of the others.
                guard admission.admit(peer) else { return channel.close() }
                channel.closeFuture.whenComplete { _ in admission.release(peer) }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        HTTPConnection(routes: routes, options: options, peer: peer))
                }
            }
            .bind(host: host, port: port).get()
        addListener(channel)
        return channel.localAddress
    }
}

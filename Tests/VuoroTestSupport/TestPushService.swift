// A push service stand-in on loopback (RFC 8030's receiving side): it keeps each message vuorod posts, and answers
// as told: 201 Created, 410 Gone, 500, or nothing at all (a service that hangs).
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

public final class TestPushService: @unchecked Sendable {
    public enum Mode: Sendable { case accept, gone, fail, hang }

    /// One request as it came: its path, headers (names lower case) and body.
    public struct Received: Sendable {
        public let path: String
        public let headers: [String: String]
        public let body: [UInt8]
    }

    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var channel: Channel!
    private let state = NIOLockedValueBox((mode: Mode.accept, received: [Received]()))
    public private(set) var port = 0

    public init() throws {
        let state = self.state
        channel = try ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(state: state))
                }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
        port = channel.localAddress!.port!
    }

    deinit {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }

    public var mode: Mode {
        get { state.withLockedValue { $0.mode } }
        set { state.withLockedValue { $0.mode = newValue } }
    }

    public var received: [Received] { state.withLockedValue { $0.received } }

    public func endpoint(_ name: String) -> String { "http://127.0.0.1:\(port)/push/\(name)" }

    /// Waits until `count` messages came; false when they did not within `seconds`.
    public func waitFor(_ count: Int, seconds: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if received.count >= count { return true }
            usleep(20_000)
        }
        return received.count >= count
    }

    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let state: NIOLockedValueBox<(mode: Mode, received: [Received])>
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(state: NIOLockedValueBox<(mode: Mode, received: [Received])>) { self.state = state }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h):
                head = h
                body = []
            case .body(var b): body += b.readBytes(length: b.readableBytes) ?? []
            case .end:
                guard let head else { return }
                var headers: [String: String] = [:]
                for (n, v) in head.headers { headers[n.lowercased()] = v }
                let mode = state.withLockedValue { s in
                    s.received.append(Received(path: head.uri, headers: headers, body: body))
                    return s.mode
                }
                let status: HTTPResponseStatus
                switch mode {
                case .hang: return
                case .accept: status = .created
                case .gone: status = .gone
                case .fail: status = .internalServerError
                }
                var h = HTTPHeaders()
                h.add(name: "Content-Length", value: "0")
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: h))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}

// Web Push messages sent off the engine's loop: a bounded queue, a few requests at a time, each with a timeout and
// a limited number of tries, so that a slow or dead push service never delays a call. A subscription the push
// service says is gone (404, 410) is handed back to be deleted.
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import VuoroPush

/// One message for one subscription.
struct PushMessage: Sendable {
    let ticket: Int64
    let subscription: PushSubscription
    /// The JSON the page's service worker shows, before encryption.
    let payload: [UInt8]
    /// Seconds the push service may keep it for a phone that is off.
    let ttl: Int
}

final class PushSender: Sendable {
    let group: EventLoopGroup
    let vapid: VAPID
    let maxQueued: Int
    let maxInFlight: Int
    let timeout: TimeAmount
    let tries: Int
    private let tls: NIOSSLContext?
    private let onGone: @Sendable (Int64) -> Void
    private let state = NIOLockedValueBox((queued: [(PushMessage, Int)](), inFlight: 0, sent: 0, failed: 0, dropped: 0))

    init(
        group: EventLoopGroup, vapid: VAPID, maxQueued: Int = 1000, maxInFlight: Int = 8,
        timeout: TimeAmount = .seconds(10), tries: Int = 3, onGone: @escaping @Sendable (Int64) -> Void
    ) {
        self.group = group
        self.vapid = vapid
        self.maxQueued = maxQueued
        self.maxInFlight = maxInFlight
        self.timeout = timeout
        self.tries = tries
        self.onGone = onGone
        tls = try? NIOSSLContext(configuration: .makeClientConfiguration())
    }

    /// Counts for the tests and the metrics: sent, failed (tries used up), dropped (the queue was full).
    var counts: (sent: Int, failed: Int, dropped: Int, queued: Int) {
        state.withLockedValue { ($0.sent, $0.failed, $0.dropped, $0.queued.count + $0.inFlight) }
    }

    /// Queues a message; false when the queue is full (it is dropped: a call is never held up for a push).
    @discardableResult
    func enqueue(_ m: PushMessage) -> Bool {
        let ok = state.withLockedValue { s in
            guard s.queued.count < maxQueued else {
                s.dropped += 1
                return false
            }
            s.queued.append((m, 1))
            return true
        }
        pump()
        return ok
    }

    private func pump() {
        while let (m, attempt) = state.withLockedValue({ s -> (PushMessage, Int)? in
            guard s.inFlight < maxInFlight, !s.queued.isEmpty else { return nil }
            s.inFlight += 1
            return s.queued.removeFirst()
        }) {
            send(m).whenComplete { result in
                let status = (try? result.get()) ?? 0
                let retry = (status == 0 || status == 429 || status >= 500) && attempt < self.tries
                self.state.withLockedValue { s in
                    s.inFlight -= 1
                    if (200..<300).contains(status) { s.sent += 1 } else if !retry { s.failed += 1 }
                }
                if status == 404 || status == 410 { self.onGone(m.ticket) }
                if retry {
                    // Again after a pause that grows with each try.
                    self.group.next().scheduleTask(in: .seconds(Int64(attempt * 2))) {
                        self.state.withLockedValue { $0.queued.append((m, attempt + 1)) }
                        self.pump()
                    }
                }
                self.pump()
            }
        }
    }

    /// One POST of the encrypted message (RFC 8030); the push service's status, or 0 when none came in time.
    private func send(_ m: PushMessage) -> EventLoopFuture<Int> {
        let loop = group.next()
        guard let url = URL(string: m.subscription.endpoint), let host = url.host,
            let body = try? WebPushMessage.encrypt(m.payload, for: m.subscription),
            let auth = try? vapid.authorization(for: m.subscription.endpoint)
        else { return loop.makeSucceededFuture(400) }
        let secure = url.scheme == "https"
        let port = url.port ?? (secure ? 443 : 80)
        let promise = OncePromise(loop.makePromise(of: Int.self))
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: url.port.map { "\(host):\($0)" } ?? host)
        headers.add(name: "TTL", value: String(m.ttl))
        headers.add(name: "Urgency", value: "high")
        headers.add(name: "Content-Encoding", value: "aes128gcm")
        headers.add(name: "Content-Type", value: "application/octet-stream")
        headers.add(name: "Content-Length", value: String(body.count))
        headers.add(name: "Authorization", value: auth)
        headers.add(name: "Connection", value: "close")
        let path = url.path.isEmpty ? "/" : url.path + (url.query.map { "?\($0)" } ?? "")
        let tls = self.tls
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if secure, let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls, serverHostname: host))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(PushResponseHandler(promise: promise))
                }
            }
        bootstrap.connect(host: host, port: port).whenComplete { result in
            switch result {
            case .failure: promise.succeed(0)
            case .success(let channel):
                // A push service that takes a request and never answers is cut off.
                let deadline = loop.scheduleTask(in: self.timeout) { channel.close(promise: nil) }
                promise.future.whenComplete { _ in
                    deadline.cancel()
                    channel.close(promise: nil)
                }
                channel.closeFuture.whenComplete { _ in promise.succeed(0) }
                let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path, headers: headers)
                channel.write(HTTPClientRequestPart.head(head), promise: nil)
                channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil)
                channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            }
        }
        return promise.future
    }
}

/// A promise completed by the first answer only: the status, a close, an error or the deadline, whichever comes
/// first. Used on its channel's loop alone.
final class OncePromise: @unchecked Sendable {
    private let promise: EventLoopPromise<Int>
    private var done = false
    init(_ p: EventLoopPromise<Int>) { promise = p }
    var future: EventLoopFuture<Int> { promise.futureResult }
    func succeed(_ status: Int) {
        guard !done else { return }
        done = true
        promise.succeed(status)
    }
}

/// Takes the status of the push service's response.
private final class PushResponseHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    let promise: OncePromise
    init(promise: OncePromise) { self.promise = promise }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) { promise.succeed(Int(head.status.code)) }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        promise.succeed(0)
        context.close(promise: nil)
    }
}

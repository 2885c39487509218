// One connection to a web listener (the visitors' pages, the boards, the metrics, the booking API): reads one
// request at a time with VuoroHTTP's bounded parser, reads nothing more until its answer is written, and holds
// every client to deadlines. A stream (Server-Sent Events) keeps the connection for the events that follow.
import NIOCore
import VuoroHTTP

/// What a listener answers a request with.
enum HTTPAnswer {
    case response(HTTPResponse)
    /// A response head without length, then events for as long as both ends want (`HTTPStream`).
    case stream(head: [(name: String, value: String)], attach: (HTTPStream) -> Void)
}

/// What a web listener serves; its `answer` runs on the connection's loop and may complete on any loop.
protocol HTTPRoutes: AnyObject, Sendable {
    /// What one request may hold.
    var limits: HTTPLimits { get }
    func answer(_ request: HTTPRequest, peer: String, on loop: EventLoop) -> EventLoopFuture<HTTPAnswer>
}

/// The limits of a web listener, with their documented defaults.
public struct HTTPListenerOptions: Sendable {
    /// Connections open at once; past it a new one is closed at once.
    public var maxConnections: Int
    /// Connections open at once from one address (0: no limit). Behind a reverse proxy every connection comes from
    /// the proxy's address: raise it, or set 0 and let the proxy limit its clients.
    public var maxPerPeer: Int
    /// From a request's first byte to its last: a client that trickles a request in is answered 408 and closed.
    public var requestTimeout: TimeAmount
    /// Between requests, with nothing being answered: the connection is closed.
    public var idleTimeout: TimeAmount
    /// A response the client has not taken within this is abandoned and the connection closed.
    public var writeTimeout: TimeAmount
    /// A stream's output the client has not read, past which it is dropped (a board that stopped reading).
    public var maxPendingOutput: Int

    public init(
        maxConnections: Int = 1024, maxPerPeer: Int = 64, requestTimeout: TimeAmount = .seconds(10),
        idleTimeout: TimeAmount = .seconds(15), writeTimeout: TimeAmount = .seconds(30),
        maxPendingOutput: Int = 256 * 1024
    ) {
        self.maxConnections = maxConnections
        self.maxPerPeer = maxPerPeer
        self.requestTimeout = requestTimeout
        self.idleTimeout = idleTimeout
        self.writeTimeout = writeTimeout
        self.maxPendingOutput = maxPendingOutput
    }
}

/// Reads, answers and writes one request at a time; at most one request's bytes are ever buffered, and while an
/// answer is being made or written the socket is not read (pipelined requests wait in the kernel, whose buffers
/// then push back on the client).
final class HTTPConnection: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum State { case idle, receiving, answering, streaming, closing }

    let routes: HTTPRoutes
    let options: HTTPListenerOptions
    let peer: String
    private var state = State.idle
    private var buffer: ByteBuffer?
    private var readHeld = false
    private var deadline: Scheduled<Void>?
    private var stream: HTTPStream?

    init(routes: HTTPRoutes, options: HTTPListenerOptions, peer: String) {
        self.routes = routes
        self.options = options
        self.peer = peer
    }

    func channelActive(context: ChannelHandlerContext) {
        setDeadline(options.idleTimeout, context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        stream?.ended()
        stream = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        switch state {
        case .streaming, .closing:
            return  // nothing is read from a stream's client; what comes is dropped
        case .answering:
            // The rest of the read that brought the request (pipelined requests): kept, within bounds.
            guard (buffer?.readableBytes ?? 0) + bytes.readableBytes <= routes.limits.requestBytes + 65536 else {
                context.close(promise: nil)
                return
            }
            if buffer == nil { buffer = bytes } else { buffer!.writeBuffer(&bytes) }
            return
        case .idle:
            state = .receiving
            setDeadline(options.requestTimeout, context: context)
        case .receiving:
            break
        }
        if buffer == nil {
            buffer = bytes
        } else {
            buffer!.writeBuffer(&bytes)
        }
        process(context: context)
    }

    func read(context: ChannelHandlerContext) {
        if state == .answering || state == .closing {
            readHeld = true
        } else {
            context.read()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) { context.close(promise: nil) }

    /// Parses what is buffered: answers a whole request, refuses a bad one, or waits for more.
    private func process(context: ChannelHandlerContext) {
        guard state == .receiving || state == .idle, let b = buffer, b.readableBytes > 0 else {
            if state == .receiving { state = .idle }
            buffer = nil
            return
        }
        let outcome = b.withUnsafeReadableBytes { HTTPRequestParser.parse($0, limits: routes.limits) }
        switch outcome {
        case .incomplete:
            state = .receiving
            if readHeld {
                readHeld = false
                context.read()
            }
        case .invalid(let e):
            send(.text(e.status, e.reason), keepAlive: false, headOnly: false, context: context)
        case .complete(let request, let consumed):
            buffer!.moveReaderIndex(forwardBy: consumed)
            if buffer!.readableBytes == 0 { buffer = nil } else { buffer!.discardReadBytes() }
            state = .answering
            deadline?.cancel()
            let keepAlive = request.keepAlive
            let headOnly = request.method == "HEAD"
            routes.answer(request, peer: peer, on: context.eventLoop).hop(to: context.eventLoop).whenComplete {
                result in
                guard self.state == .answering else { return }
                switch result {
                case .success(.response(let r)): self.send(r, keepAlive: keepAlive, headOnly: headOnly, context: context)
                case .success(.stream(let head, let attach)): self.startStream(head, attach, context: context)
                case .failure: self.send(.text(503, "unavailable"), keepAlive: false, headOnly: false, context: context)
                }
            }
        }
    }

    /// Writes a whole response; then reads on (keep-alive) or closes. A client that does not take it within the
    /// write timeout is closed.
    private func send(_ r: HTTPResponse, keepAlive: Bool, headOnly: Bool, context: ChannelHandlerContext) {
        state = keepAlive ? .answering : .closing
        setDeadline(options.writeTimeout, context: context)
        let bytes = r.serialized(keepAlive: keepAlive, headOnly: headOnly)
        var out = context.channel.allocator.buffer(capacity: bytes.count)
        out.writeBytes(bytes)
        context.writeAndFlush(wrapOutboundOut(out)).whenComplete { result in
            guard case .success = result, keepAlive, self.state == .answering else {
                context.close(promise: nil)
                return
            }
            // The next request is taken in a new task, not from inside this write's completion: a write that
            // completes at once would otherwise answer pipelined requests ever deeper in the stack.
            context.eventLoop.execute { self.next(context: context) }
        }
    }

    /// After an answer was written: the next request buffered, or reading on.
    private func next(context: ChannelHandlerContext) {
        guard state == .answering else { return }
        state = .idle
        setDeadline(options.idleTimeout, context: context)
        if buffer != nil {
            state = .receiving
            setDeadline(options.requestTimeout, context: context)
        }
        process(context: context)
        if state == .idle || state == .receiving, readHeld {
            readHeld = false
            context.read()
        }
    }

    private func startStream(
        _ head: [(name: String, value: String)], _ attach: (HTTPStream) -> Void, context: ChannelHandlerContext
    ) {
        state = .streaming
        deadline?.cancel()
        buffer = nil
        let s = HTTPStream(context: context, maxPendingOutput: options.maxPendingOutput)
        stream = s
        s.write(HTTPResponse.head(status: 200, headers: head, keepAlive: false, length: nil))
        attach(s)
        // Reading goes on, to notice when the client goes; what it sends is dropped.
        if readHeld {
            readHeld = false
            context.read()
        }
    }

    private func setDeadline(_ after: TimeAmount, context: ChannelHandlerContext) {
        deadline?.cancel()
        let state = self.state
        deadline = context.eventLoop.scheduleTask(in: after) { [weak self] in
            guard let self, self.state == state else { return }
            if state == .receiving {
                // The request did not arrive in time (a slow client, or one that trickles bytes to hold a slot).
                self.send(.text(408, "the request did not arrive in time"), keepAlive: false, headOnly: false,
                    context: context)
            } else {
                context.close(promise: nil)
            }
        }
    }
}

/// The open end of a stream, on its connection's loop: writes events, and drops a client that stopped reading.
final class HTTPStream {
    private let context: ChannelHandlerContext
    let maxPendingOutput: Int
    private(set) var isOpen = true
    /// Called once when the stream ends, by either side.
    var onEnd: (() -> Void)?

    init(context: ChannelHandlerContext, maxPendingOutput: Int) {
        self.context = context
        self.maxPendingOutput = maxPendingOutput
    }

    var eventLoop: EventLoop { context.eventLoop }

    func write(_ bytes: [UInt8]) {
        guard isOpen else { return }
        var out = context.channel.allocator.buffer(capacity: bytes.count)
        out.writeBytes(bytes)
        write(out)
    }

    func write(_ buffer: ByteBuffer) {
        guard isOpen else { return }
        context.writeAndFlush(NIOAny(buffer), promise: nil)
        if !context.channel.isWritable,
            let pending = try? context.channel.syncOptions?.getOption(.bufferedWritableBytes),
            pending > maxPendingOutput
        {
            close()
        }
    }

    func close() {
        guard isOpen else { return }
        context.close(promise: nil)
        ended()
    }

    /// The connection is gone.
    func ended() {
        guard isOpen else { return }
        isOpen = false
        let end = onEnd
        onEnd = nil
        end?()
    }
}

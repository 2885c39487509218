// The I/O side of the server: each client's socket lives on one of several event loops, which frame and parse what
// it sends, hand that to the engine in one hop per loop pass, and write what the engine answers after its commit.
import Logging
import NIOCore
import VuoroProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// What an I/O loop tells the engine about its connections, in the order it happened.
enum Inbound {
    case opened(Connection)
    case request(Connection, Parsed)
    /// The client finished sending (half-close): answer what it sent, then close.
    case inputClosed(Connection)
    case closed(Connection)
}

/// One request line, parsed on the I/O loop: a request, or the error that answers it.
enum Parsed {
    case request(Request)
    case invalid(ProtocolError)

    init(_ frame: LineFramer.Frame) {
        switch frame {
        case .tooLong:
            self = .invalid(ProtocolError(.lineTooLong, "a request is at most \(LineFramer.requestLimit) bytes"))
        case .line(let bytes):
            if bytes.contains(0) {
                self = .invalid(ProtocolError(.badArgument, "NUL byte in the request"))
            } else if let text = String(validating: bytes, as: UTF8.self) {
                switch Request.parse(text) {
                case .failure(let e): self = .invalid(e)
                case .success(let r): self = .request(r)
                }
            } else {
                self = .invalid(ProtocolError(.badArgument, "the request is not valid UTF-8"))
            }
        }
    }
}

/// What the engine answers the connections of one I/O loop after a commit: every reply of the batch in one buffer,
/// and for each connection its part of it.
struct OutboundBatch: @unchecked Sendable {  // built on the engine's loop, then only read on the I/O loop
    struct Entry {
        let handler: ConnectionHandler
        let offset: Int
        let length: Int
        /// Answered `WATCH`: a watcher from now on, given this batch's events after its replies.
        let watch: Bool
        /// Close once written.
        let close: Bool
        /// Requests of this connection the batch answered.
        let consumed: Int
    }
    var bytes: ByteBuffer
    var entries: [Entry] = []
}

/// One I/O event loop: gathers what its connections read in one pass and hands it to the engine in one task.
final class IOLoop: @unchecked Sendable {  // `inbound` is confined to `loop`; the rest is immutable
    let loop: EventLoop
    let index: Int
    let engine: Engine
    let maxPendingOutput: Int
    let maxRequestsAhead: Int
    let logger: Logger
    private var inbound: [Inbound] = []
    private var scheduled = false
    /// The connections of this loop that watch, kept here alone: each batch's events are written to them here, so
    /// that the engine hands over one buffer per loop however many displays there are.
    var watchers: [ObjectIdentifier: ConnectionHandler] = [:]
    /// Counts deliveries, so that a watcher answered in a batch gets its events in the same write.
    private var delivery = 0

    init(loop: EventLoop, index: Int, engine: Engine) {
        self.loop = loop
        self.index = index
        self.engine = engine
        maxPendingOutput = engine.options.maxPendingOutput
        maxRequestsAhead = engine.options.maxRequestsAhead
        logger = engine.logger
    }

    func submit(_ item: Inbound) {
        loop.assertInEventLoop()
        inbound.append(item)
        guard !scheduled else { return }
        scheduled = true
        // Runs after this pass has read every ready connection of the loop: one hop for all of them.
        loop.execute { self.forward() }
    }

    private func forward() {
        scheduled = false
        guard !inbound.isEmpty else { return }
        let items = inbound
        inbound.removeAll(keepingCapacity: true)
        let engine = self.engine
        engine.loop.execute { engine.receive(items) }
    }

    /// Writes what the engine answered.
    func deliver(_ batch: OutboundBatch, events: ByteBuffer?) {
        loop.preconditionInEventLoop()
        // Requests read in this pass go to the engine before the writes, which take a while.
        forward()
        delivery &+= 1
        for e in batch.entries {
            if e.watch { watchers[ObjectIdentifier(e.handler)] = e.handler }
            e.handler.write(batch.bytes, e, events: events, delivery: delivery)
        }
        guard let events else { return }
        for w in watchers.values where w.eventsDelivered != delivery { w.write(events, close: false) }
    }
}

/// The channel handler of one client, on its I/O loop.
final class ConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let io: IOLoop
    private var framer = LineFramer()
    private var context: ChannelHandlerContext?
    private var connection: Connection?
    /// Requests handed to the engine and not yet answered. From `ServerOptions.maxRequestsAhead` on, the socket
    /// is not read: a client that sends without waiting cannot queue unbounded work ahead of the others.
    private var inFlight = 0
    private var readHeld = false
    /// Requests held back behind a slowed `AUTH`, the `AUTH` first; the socket is not read meanwhile.
    private var held: [Parsed] = []
    /// The last delivery whose events this watcher has been written.
    var eventsDelivered = 0

    init(io: IOLoop) { self.io = io }

    func channelActive(context: ChannelHandlerContext) {
        self.context = context
        let c = Connection(engine: io.engine, channel: context.channel, handler: self)
        connection = c
        io.submit(.opened(c))
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.context = nil
        io.watchers.removeValue(forKey: ObjectIdentifier(self))
        if let c = connection { io.submit(.closed(c)) }
        connection = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard connection != nil else { return }
        let buffer = unwrapInboundIn(data)
        buffer.withUnsafeReadableBytes { bytes in
            framer.feed(bytes) { frame in
                inFlight += 1
                take(Parsed(frame), context: context)
            }
        }
    }

    /// Hands a request to the engine, unless it is an `AUTH` from an address that failed too often lately: that
    /// one, and what this connection sends after it, waits its turn (`AuthThrottle`).
    private func take(_ p: Parsed, context: ChannelHandlerContext) {
        guard let c = connection else { return }
        if !held.isEmpty {
            held.append(p)
            return
        }
        if case .request(.auth) = p {
            let wait = io.engine.authThrottle.wait(for: c.address)
            if wait > .zero {
                held.append(p)
                context.eventLoop.scheduleTask(in: wait) { self.releaseHeld(context: context) }
                return
            }
        }
        io.submit(.request(c, p))
    }

    /// The slowed `AUTH` has waited its turn: it goes to the engine, and what came after it follows.
    private func releaseHeld(context: ChannelHandlerContext) {
        guard let c = connection, !held.isEmpty else { return }
        let items = held
        held = []
        io.submit(.request(c, items[0]))
        for p in items.dropFirst() { take(p, context: context) }
        if readHeld && held.isEmpty && inFlight < io.maxRequestsAhead {
            readHeld = false
            context.read()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let e = event as? ChannelEvent, e == .inputClosed {
            if let c = connection { io.submit(.inputClosed(c)) }
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        if inFlight >= io.maxRequestsAhead || !held.isEmpty {
            readHeld = true
        } else {
            context.read()
        }
    }

    /// Writes this connection's part of an engine batch, and the batch's events if it watches, in one flush.
    func write(_ bytes: ByteBuffer, _ e: OutboundBatch.Entry, events: ByteBuffer?, delivery: Int) {
        inFlight -= e.consumed
        guard context != nil else { return }
        if readHeld && inFlight < io.maxRequestsAhead && held.isEmpty {
            readHeld = false
            context!.read()
        }
        var out: ByteBuffer? = e.length > 0 ? bytes.getSlice(at: e.offset, length: e.length) : nil
        if var events, io.watchers[ObjectIdentifier(self)] != nil {
            eventsDelivered = delivery
            if out == nil { out = events } else { out!.writeBuffer(&events) }
        }
        if let out {
            write(out, close: e.close)
        } else if e.close {
            context!.close(promise: nil)
        }
    }

    /// Writes and flushes `out`, then closes if told to. A client that stopped reading is dropped.
    func write(_ out: ByteBuffer, close: Bool) {
        guard let context else { return }
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        // A client that stopped reading: past the cap it is dropped, and nobody else waits for it. Below the
        // high-water mark (far under the cap) the channel stays writable and there is nothing to look up.
        if !context.channel.isWritable,
            let pending = try? context.channel.syncOptions?.getOption(.bufferedWritableBytes),
            pending > io.maxPendingOutput
        {
            let peer = context.channel.remoteAddress.map { "\($0)" } ?? "a client"
            io.logger.warning("dropping the connection of \(peer): \(pending) bytes of output unread")
            // Reset rather than close: nothing more is sent to it, and its buffers are freed at once.
            if let provider = context.channel as? SocketOptionProvider {
                provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in
                    context.close(promise: nil)
                }
            } else {
                context.close(promise: nil)
            }
            return
        }
        if close { context.close(promise: nil) }
    }
}

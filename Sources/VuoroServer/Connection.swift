// One client connection: bounded line framing in, replies and events gathered in an outbox and written per batch.
import NIOCore
import VuoroProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// The channel handler of one client. Lives on the engine's event loop, like everything in the server.
final class Connection: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let engine: Engine
    let id: Int
    private var framer = LineFramer()
    private(set) var context: ChannelHandlerContext?
    private var outbox: ByteBuffer
    /// In the engine's list of connections to write at the end of this batch.
    var touched = false
    var watching = false
    /// `QUIT` answered: close once the outbox is written, ignore what follows.
    var quitting = false
    var closed = false
    /// Has sent at least one request (idle connections that never did may be closed).
    var active = false
    let openedAt = NIODeadline.now()
    var role: Role
    /// The secret this connection authenticated with, to find its token again after a reload.
    var secret: String?
    /// Counters a counter token may act for; nil means any.
    var counters: Set<String>?
    var authFailures = 0

    init(engine: Engine, id: Int, role: Role) {
        self.engine = engine
        self.id = id
        self.role = role
        outbox = ByteBufferAllocator().buffer(capacity: 256)
    }

    func channelActive(context: ChannelHandlerContext) {
        self.context = context
        engine.opened(self)
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        engine.closed(self)
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        buffer.withUnsafeReadableBytes { bytes in
            framer.feed(bytes) { frame in
                guard !quitting, !closed else { return }
                engine.received(frame, on: self)
            }
        }
    }

    /// The client finished sending (half-close): answer what it sent, then close.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let e = event as? ChannelEvent, e == .inputClosed {
            if touched { quitting = true } else { context.close(promise: nil) }
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    /// Appends one line (LF added) to what this batch writes.
    func send(_ line: String) {
        outbox.writeString(line)
        outbox.writeInteger(UInt8(10))
        if !touched {
            touched = true
            engine.touch(self)
        }
    }

    /// Events of the batch, encoded once for every watcher: written as they are when the connection has no reply
    /// in this batch, else after its replies.
    private var sharedEvents: ByteBuffer?

    func sendEvents(_ events: ByteBuffer) {
        if outbox.readableBytes > 0 {
            var copy = events
            outbox.writeBuffer(&copy)
        } else {
            sharedEvents = events
        }
        if !touched {
            touched = true
            engine.touch(self)
        }
    }

    /// Drops what this batch would have written: its requests are answered again after a failed commit.
    func discardOutbox() {
        outbox.clear()
        sharedEvents = nil
    }

    /// Writes the batch's lines in one flush.
    func writeOutbox() {
        touched = false
        guard let context, !closed else {
            discardOutbox()
            return
        }
        if let events = sharedEvents, outbox.readableBytes == 0 {
            outbox = events
        } else if var events = sharedEvents {
            outbox.writeBuffer(&events)
        }
        sharedEvents = nil
        if outbox.readableBytes > 0 {
            context.writeAndFlush(wrapOutboundOut(outbox), promise: nil)
            // Written to the socket at once in the usual case, so the storage is free again to reuse.
            outbox.clear()
            // A client that stopped reading: past the cap it is dropped, and nobody else waits for it. Below the
            // high-water mark (far under the cap) the channel stays writable and there is nothing to look up.
            if !context.channel.isWritable,
                let pending = try? context.channel.syncOptions?.getOption(.bufferedWritableBytes),
                pending > engine.options.maxPendingOutput
            {
                engine.logger.warning("dropping connection \(id): \(pending) bytes of output unread")
                // Reset rather than close: nothing more is sent to it, and its buffers are freed at once.
                if let provider = context.channel as? SocketOptionProvider {
                    provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in
                        context.close(promise: nil)
                    }
                } else {
                    context.close(promise: nil)
                }
            }
        }
        if quitting { context.close(promise: nil) }
    }

    /// Writes a line now and closes: for refusals before any request.
    func refuse(_ line: String) {
        guard let context else { return }
        var b = context.channel.allocator.buffer(capacity: line.utf8.count + 1)
        b.writeString(line)
        b.writeInteger(UInt8(10))
        quitting = true
        context.writeAndFlush(wrapOutboundOut(b)).whenComplete { _ in context.close(promise: nil) }
    }

    func close() { context?.close(promise: nil) }
}

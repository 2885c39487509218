// One client as the engine sees it: its role and flags, and the lines the current batch answers it. The socket
// itself is a ConnectionHandler on one of the I/O loops.
import NIOCore
import VuoroProtocol

/// The engine's side of one client. Confined to the engine's event loop, like everything the engine owns; it is
/// created on the client's I/O loop and handed over with the connection's first event.
final class Connection: @unchecked Sendable {
    let engine: Engine
    /// Assigned by the engine when it learns of the connection.
    var id = 0
    let channel: Channel
    /// The socket's handler; the engine only hands it back to its loop with what to write.
    let handler: ConnectionHandler
    private var outbox: ByteBuffer
    /// In the engine's list of connections to write at the end of this batch.
    var touched = false
    /// Answered `WATCH` in this batch: its I/O loop, which alone keeps the watchers, adds it to them.
    private var startsWatching = false
    /// Requests read since the last write, given back so the handler can read on (see ConnectionHandler).
    private var consumed = 0
    /// `QUIT` answered, the input closed, or refused: close once the outbox is written, ignore what follows.
    var quitting = false
    var closed = false
    /// Has sent at least one request (idle connections that never did may be closed; a watcher has sent WATCH).
    var active = false
    let openedAt = NIODeadline.now()
    var role: Role = .display
    /// The secret this connection authenticated with, to find its token again after a reload.
    var secret: String?
    /// Counters a counter token may act for; nil means any.
    var counters: Set<String>?
    var authFailures = 0

    /// Where it connects from, for the log of who changed what: "10.0.0.5:51234", or "a local socket".
    let peer: String
    /// Its address without the port, as failed `AUTH` are counted: "10.0.0.5", or "local".
    let address: String

    init(engine: Engine, channel: Channel, handler: ConnectionHandler) {
        self.engine = engine
        self.channel = channel
        self.handler = handler
        if let a = channel.remoteAddress, let ip = a.ipAddress, let port = a.port {
            peer = ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
        } else {
            peer = "a local socket"
        }
        address = channel.remoteAddress?.ipAddress ?? "local"
        outbox = ByteBufferAllocator().buffer(capacity: 256)
    }

    /// Appends a reply's lines (each with its LF) to what this batch writes.
    func send(_ reply: Reply) {
        for line in reply.lines() {
            outbox.writeString(line)
            outbox.writeInteger(UInt8(10))
        }
        touch()
    }

    /// One request read from it (answered or ignored): counted towards what the handler may read next.
    func consumedRequest() {
        consumed += 1
        touch()
    }

    /// Watches from this batch on: its I/O loop writes it every batch's events, after the `OK watching`.
    func startWatching() {
        startsWatching = true
        touch()
    }

    /// Makes sure the connection is written (and closed if quitting) at the end of this batch.
    func touch() {
        if !touched {
            touched = true
            engine.touch(self)
        }
    }

    /// Drops what this batch would have written: its requests are answered again after a failed commit.
    func discardOutbox() {
        outbox.clear()
    }

    /// Moves the batch's lines into the outgoing batch of its I/O loop.
    func writeOutbox(into batch: inout OutboundBatch) {
        touched = false
        guard !closed else {
            discardOutbox()
            consumed = 0
            return
        }
        let offset = batch.bytes.writerIndex
        let length = batch.bytes.writeBuffer(&outbox)
        outbox.clear()
        batch.entries.append(
            .init(
                handler: handler, offset: offset, length: length, watch: startsWatching, close: quitting,
                consumed: consumed))
        startsWatching = false
        consumed = 0
    }

    func close() { channel.close(promise: nil) }
}

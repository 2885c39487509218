// Bounded line framing: splits a byte stream into LF-terminated lines and never buffers past the limit.

/// Splits incoming bytes into lines. A line longer than `limit` bytes (its LF included) is skipped up to its LF and
/// reported once as `.tooLong`; at most `limit - 1` bytes of an unfinished line are ever kept.
public struct LineFramer {
    public enum Frame {
        /// The line's bytes without LF and without a CR just before it. Valid only during the callback.
        case line(UnsafeRawBufferPointer)
        case tooLong
    }

    public let limit: Int
    private var partial: [UInt8] = []
    private var skipping = false

    /// The protocol's request limit: 1024 bytes with the line ending.
    public static let requestLimit = 1024

    public init(limit: Int = LineFramer.requestLimit) {
        precondition(limit >= 2)
        self.limit = limit
        partial.reserveCapacity(64)
    }

    /// Bytes held of an unfinished line.
    public var buffered: Int { partial.count }

    /// Feeds bytes; calls `body` for each complete line or over-long line, in order.
    public mutating func feed(_ input: UnsafeRawBufferPointer, _ body: (Frame) throws -> Void) rethrows {
        var start = 0
        let count = input.count
        while start < count {
            let rest = UnsafeRawBufferPointer(rebasing: input[start...])
            guard let nl = rest.firstIndex(of: 10) else {
                // No LF in what is left: keep it, or start skipping when it cannot fit.
                if !skipping {
                    if partial.count + rest.count > limit - 1 {
                        partial.removeAll(keepingCapacity: true)
                        skipping = true
                    } else {
                        partial.append(contentsOf: rest)
                    }
                }
                return
            }
            let piece = UnsafeRawBufferPointer(rebasing: rest[..<nl])
            start += nl + 1
            if skipping {
                skipping = false
                try body(.tooLong)
                continue
            }
            if partial.isEmpty {
                if piece.count + 1 > limit { try body(.tooLong) } else { try body(.line(trimCR(piece))) }
            } else {
                if partial.count + piece.count + 1 > limit {
                    partial.removeAll(keepingCapacity: true)
                    try body(.tooLong)
                    continue
                }
                partial.append(contentsOf: piece)
                try partial.withUnsafeBytes { try body(.line(trimCR($0))) }
                partial.removeAll(keepingCapacity: true)
            }
        }
    }

    private func trimCR(_ p: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        if let last = p.last, last == 13 { return UnsafeRawBufferPointer(rebasing: p[..<(p.count - 1)]) }
        return p
    }
}

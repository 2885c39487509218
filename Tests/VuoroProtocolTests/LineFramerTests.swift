// The bounded line framing, fed whole and byte by byte.
import Testing
import VuoroProtocol

@Suite struct LineFramerTests {
    enum Out: Equatable {
        case line(String)
        case tooLong
    }

    func frames(_ chunks: [[UInt8]], limit: Int = 16) -> (out: [Out], buffered: Int) {
        var f = LineFramer(limit: limit)
        var out: [Out] = []
        var maxBuffered = 0
        for c in chunks {
            c.withUnsafeBytes { raw in
                f.feed(raw) { frame in
                    switch frame {
                    case .line(let b): out.append(.line(String(decoding: b, as: UTF8.self)))
                    case .tooLong: out.append(.tooLong)
                    }
                }
            }
            maxBuffered = max(maxBuffered, f.buffered)
        }
        return (out, maxBuffered)
    }

    @Test func splitsLinesAndDropsCR() {
        let input = Array("PING\r\nSTATUS\n\nX".utf8)
        #expect(frames([input]).out == [.line("PING"), .line("STATUS"), .line("")])
    }

    @Test func byteByByteGivesTheSameFrames() {
        let input = Array("ISSUE kela\nCALL 3\r\n0123456789abcdefXYZ\nPING\n".utf8)
        let whole = frames([input])
        let bytes = frames(input.map { [$0] })
        #expect(whole.out == bytes.out)
        #expect(whole.out == [.line("ISSUE kela"), .line("CALL 3"), .tooLong, .line("PING")])
    }

    @Test func limitCountsTheLineEnding() {
        let fits = Array(String(repeating: "a", count: 15).utf8) + [10]
        let over = Array(String(repeating: "a", count: 16).utf8) + [10]
        #expect(frames([fits]).out == [.line(String(repeating: "a", count: 15))])
        #expect(frames([over]).out == [.tooLong])
        #expect(frames(over.map { [$0] }).out == [.tooLong])
    }

    @Test func neverBuffersPastTheLimit() {
        let huge = [UInt8](repeating: 65, count: 100_000)
        let r = frames([huge, huge, Array("\nPING\n".utf8)], limit: 1024)
        #expect(r.out == [.tooLong, .line("PING")])
        #expect(r.buffered < 1024)
        let slow = frames(huge.prefix(3000).map { [$0] } + [[10]], limit: 1024)
        #expect(slow.out == [.tooLong])
        #expect(slow.buffered < 1024)
    }
}

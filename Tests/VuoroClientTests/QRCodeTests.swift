import Foundation
import Testing
import VuoroTestSupport

@testable import VuoroClient
@testable import VuoroQR

@Suite struct QRCodeTests {
    func modules(_ q: QRCode) -> [[Bool]] { (0..<q.size).map { y in (0..<q.size).map { x in q[x, y] } } }

    @Test func sizesFollowTheLength() throws {
        #expect(QRCode("https://jono.example.fi/")?.version == 2)
        #expect(QRCode(String(repeating: "a", count: 14))?.version == 1)  // 1-M holds 14 bytes
        #expect(QRCode(String(repeating: "a", count: 15))?.version == 2)
        #expect(QRCode(String(repeating: "a", count: 2331))?.version == 40)
        #expect(QRCode(String(repeating: "a", count: 2332)) == nil)
        #expect(QRCode("x")?.size == 21)
        // Codewords of each version at level M, as the standard's table gives them.
        #expect(QRCode.dataCodewords(1) == 16)
        #expect(QRCode.dataCodewords(7) == 124)
        #expect(QRCode.dataCodewords(40) == 2334)
        #expect(QRCode.alignmentPositions(7) == [6, 22, 38])
        #expect(QRCode.alignmentPositions(32) == [6, 34, 60, 86, 112, 138])
    }

    /// The Reed-Solomon check of the standard's worked example (version 1-M, "01234567", Annex I).
    @Test func reedSolomonOfTheStandardsExample() {
        let data: [UInt8] = [16, 32, 12, 86, 97, 128, 236, 17, 236, 17, 236, 17, 236, 17, 236, 17]
        #expect(
            QRCode.reedSolomonRemainder(data, QRCode.reedSolomonDivisor(10)) == [
                165, 36, 212, 193, 237, 54, 199, 135, 44, 85,
            ])
    }

    @Test(.enabled(if: zbarimg != nil, "zbarimg (zbar-tools) is not installed"))
    func anIndependentDecoderReadsWhatItEncodes() throws {
        let texts = [
            "https://jono.example.fi/t/9f86d081884c7d65",
            "http://127.0.0.1:7480/",
            "https://palvelut.espoo.fi/jono/t/" + String(repeating: "Ab9-_.:", count: 9) + "z",
            "Ääkköset ja åäö: €",  // UTF-8 bytes
            String(repeating: "0123456789abcdef", count: 20),  // version 10 and over: two blocks' lengths, 16-bit count
        ]
        for text in texts {
            let q = try #require(QRCode(text))
            #expect(try decodeQR(modules(q)) == text, "version \(q.version) mask \(q.mask)")
        }
    }

    @Test(.enabled(if: zbarimg != nil, "zbarimg (zbar-tools) is not installed"))
    func everyMaskDecodes() throws {
        // Lengths that give different symbols, so that several masks are chosen; each must still read.
        var masks = Set<Int>()
        for n in 1...60 {
            let text = "https://jono.example.fi/t/" + String(repeating: "k", count: n)
            let q = try #require(QRCode(text))
            masks.insert(q.mask)
            #expect(try decodeQR(modules(q)) == text)
        }
        #expect(masks.count >= 4)
    }

    @Test(.enabled(if: zbarimg != nil, "zbarimg (zbar-tools) is not installed"))
    func theTerminalRowsDecode() throws {
        let text = "https://jono.example.fi/"
        let q = try #require(QRCode(text))
        let lines = q.terminalLines(quiet: 2)
        // Version 2: 25 modules and 2 light ones each side, two rows a line: 29 columns, 15 lines.
        #expect(q.size == 25 && lines.count == 15)
        let rows = try TerminalCells.modules(lines)
        #expect(rows.count == 30 && rows.allSatisfy { $0.count == 29 })
        #expect(try decodeQR(rows) == text)
    }

    @Test(.enabled(if: zbarimg != nil, "zbarimg (zbar-tools) is not installed"))
    func theRasterImagePrints() throws {
        let text = "https://jono.example.fi/t/9f86d081884c7d65"
        let q = try #require(QRCode(text))
        let bytes = q.escposRaster(dots: 6)
        let image = try #require(rasterImage(bytes, at: 0))
        #expect(image.count == (q.size + 8) * 6)
        #expect(bytes.count == 8 + image.count * (((q.size + 8) * 6 + 7) / 8))
        #expect(try decodeQR(image, scale: 1) == text)
    }
}

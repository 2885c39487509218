// A QR code encoder (ISO/IEC 18004, model 2): byte mode, error correction level M, versions 1 to 40, the mask of
// least penalty. The lobby screen draws one in its terminal, a printer without its own QR command prints one as a
// raster image, and the web boards show one as SVG.

/// A QR code's modules: `size` × `size`, dark or light, without the quiet zone around it.
public struct QRCode: Sendable, Equatable {
    public let version: Int
    public let size: Int
    /// The mask pattern chosen (0 to 7).
    public private(set) var mask: Int
    private var modules: [Bool]
    private var isFunction: [Bool]

    /// Whether the module in column `x`, row `y` is dark; outside the symbol (the quiet zone) light.
    public subscript(x: Int, y: Int) -> Bool {
        x >= 0 && y >= 0 && x < size && y < size && modules[y * size + x]
    }

    /// `data` as the smallest symbol that holds it at level M; nil when longer than 2,331 bytes (version 40).
    public init?(_ data: [UInt8]) {
        guard let v = (1...40).first(where: { QRCode.dataCodewords($0) * 8 >= 4 + ($0 <= 9 ? 8 : 16) + 8 * data.count })
        else { return nil }
        self.init(version: v, codewords: QRCode.codewords(data, version: v))
    }

    public init?(_ text: String) { self.init(Array(text.utf8)) }

    private init(version: Int, codewords: [UInt8]) {
        self.version = version
        size = version * 4 + 17
        modules = Array(repeating: false, count: size * size)
        isFunction = modules
        mask = 0
        drawFunctionPatterns()
        drawCodewords(codewords)
        var best = (mask: 0, penalty: Int.max)
        for m in 0..<8 {
            applyMask(m)
            drawFormatBits(mask: m)
            let p = penalty()
            if p < best.penalty { best = (m, p) }
            applyMask(m)  // XOR again: undone
        }
        applyMask(best.mask)
        drawFormatBits(mask: best.mask)
        mask = best.mask
    }

    // MARK: Sizes (level M)

    static let eccPerBlock: [Int] = [
        -1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28,
        28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
    ]
    static let blocks: [Int] = [
        -1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29,
        31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
    ]

    /// Modules that hold codewords (and the remainder bits): all but the function patterns and format and
    /// version information.
    static func rawDataModules(_ v: Int) -> Int {
        var n = (16 * v + 128) * v + 64
        if v >= 2 {
            let align = v / 7 + 2
            n -= (25 * align - 10) * align - 55
            if v >= 7 { n -= 36 }
        }
        return n
    }

    static func dataCodewords(_ v: Int) -> Int { rawDataModules(v) / 8 - eccPerBlock[v] * blocks[v] }

    /// Centres of the alignment patterns on each axis.
    static func alignmentPositions(_ v: Int) -> [Int] {
        guard v > 1 else { return [] }
        let count = v / 7 + 2
        let step = (v * 8 + count * 3 + 5) / (count * 4 - 4) * 2
        var result = [6]
        var pos = v * 4 + 17 - 7
        for _ in 0..<(count - 1) {
            result.insert(pos, at: 1)
            pos -= step
        }
        return result
    }

    // MARK: Codewords

    /// Mode, length, data, terminator and padding, split into blocks with their Reed-Solomon codewords, and
    /// interleaved.
    static func codewords(_ data: [UInt8], version v: Int) -> [UInt8] {
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) {
            for i in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) }
        }
        append(0b0100, 4)
        append(data.count, v <= 9 ? 8 : 16)
        for b in data { append(Int(b), 8) }
        let capacity = dataCodewords(v) * 8
        append(0, min(4, capacity - bits.count))
        append(0, (8 - bits.count % 8) % 8)
        var pad = 0xEC
        while bits.count < capacity {
            append(pad, 8)
            pad ^= 0xEC ^ 0x11
        }
        var bytes = [UInt8](repeating: 0, count: bits.count / 8)
        for (i, bit) in bits.enumerated() where bit { bytes[i >> 3] |= 0x80 >> UInt8(i & 7) }

        let count = blocks[v]
        let ecc = eccPerBlock[v]
        let raw = rawDataModules(v) / 8
        let short = count - raw % count
        let shortLength = raw / count
        let divisor = reedSolomonDivisor(ecc)
        var split: [[UInt8]] = []
        var k = 0
        for i in 0..<count {
            let length = shortLength - ecc + (i < short ? 0 : 1)
            var block = Array(bytes[k..<(k + length)])
            k += length
            let check = reedSolomonRemainder(block, divisor)
            if i < short { block.append(0) }  // a place holder, skipped when interleaving
            split.append(block + check)
        }
        var result: [UInt8] = []
        for i in 0..<split[0].count {
            for (j, block) in split.enumerated() where i != shortLength - ecc || j >= short { result.append(block[i]) }
        }
        return result
    }

    /// Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x^2 + 1.
    static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var z = 0
        for i in stride(from: 7, through: 0, by: -1) {
            z = (z << 1) ^ ((z >> 7) * 0x11D)
            z ^= ((Int(y) >> i) & 1) * Int(x)
        }
        return UInt8(z & 0xFF)
    }

    /// The generator polynomial of `degree`, highest coefficient first, without its leading 1.
    static func reedSolomonDivisor(_ degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                result[j] = multiply(result[j], root)
                if j + 1 < degree { result[j] ^= result[j + 1] }
            }
            root = multiply(root, 0x02)
        }
        return result
    }

    static func reedSolomonRemainder(_ data: [UInt8], _ divisor: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: divisor.count)
        for b in data {
            let factor = b ^ result.removeFirst()
            result.append(0)
            for i in result.indices { result[i] ^= multiply(divisor[i], factor) }
        }
        return result
    }

    // MARK: Drawing

    private mutating func set(_ x: Int, _ y: Int, _ dark: Bool) {
        modules[y * size + x] = dark
        isFunction[y * size + x] = true
    }

    private mutating func drawFunctionPatterns() {
        for i in 0..<size {
            set(6, i, i % 2 == 0)
            set(i, 6, i % 2 == 0)
        }
        for (cx, cy) in [(3, 3), (size - 4, 3), (3, size - 4)] {
            for dy in -4...4 {
                for dx in -4...4 where (0..<size).contains(cx + dx) && (0..<size).contains(cy + dy) {
                    let d = max(abs(dx), abs(dy))
                    set(cx + dx, cy + dy, d != 2 && d != 4)
                }
            }
        }
        let align = QRCode.alignmentPositions(version)
        for (i, cy) in align.enumerated() {
            for (j, cx) in align.enumerated() {
                let corner = (i == 0 && j == 0) || (i == 0 && j == align.count - 1) || (i == align.count - 1 && j == 0)
                if corner { continue }
                for dy in -2...2 { for dx in -2...2 { set(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1) } }
            }
        }
        drawFormatBits(mask: 0)  // reserves the places; drawn again with the mask chosen
        if version >= 7 {
            var rem = version
            for _ in 0..<12 { rem = (rem << 1) ^ ((rem >> 11) * 0x1F25) }
            let bits = version << 12 | rem
            for i in 0..<18 {
                let dark = (bits >> i) & 1 == 1
                let a = size - 11 + i % 3
                let b = i / 3
                set(a, b, dark)
                set(b, a, dark)
            }
        }
    }

    /// Level M (format bits 00) and `mask`, with their BCH code, in both copies; and the dark module.
    private mutating func drawFormatBits(mask: Int) {
        let data = 0b00 << 3 | mask
        var rem = data
        for _ in 0..<10 { rem = (rem << 1) ^ ((rem >> 9) * 0x537) }
        let bits = (data << 10 | rem) ^ 0x5412
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        for i in 0...5 { set(8, i, bit(i)) }
        set(8, 7, bit(6))
        set(8, 8, bit(7))
        set(7, 8, bit(8))
        for i in 9..<15 { set(14 - i, 8, bit(i)) }
        for i in 0..<8 { set(size - 1 - i, 8, bit(i)) }
        for i in 8..<15 { set(8, size - 15 + i, bit(i)) }
        set(8, size - 8, true)
    }

    /// The codewords in the zigzag of two-module columns from the bottom right, skipping function modules.
    private mutating func drawCodewords(_ data: [UInt8]) {
        var i = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for vert in 0..<size {
                for j in 0..<2 {
                    let x = right - j
                    let upward = (right + 1) & 2 == 0
                    let y = upward ? size - 1 - vert : vert
                    if !isFunction[y * size + x] && i < data.count * 8 {
                        modules[y * size + x] = (data[i >> 3] >> UInt8(7 - (i & 7))) & 1 == 1
                        i += 1
                    }
                }
            }
            right -= 2
        }
    }

    private mutating func applyMask(_ m: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y * size + x] {
                let flip: Bool
                switch m {
                case 0: flip = (x + y) % 2 == 0
                case 1: flip = y % 2 == 0
                case 2: flip = x % 3 == 0
                case 3: flip = (x + y) % 3 == 0
                case 4: flip = (x / 3 + y / 2) % 2 == 0
                case 5: flip = x * y % 2 + x * y % 3 == 0
                case 6: flip = (x * y % 2 + x * y % 3) % 2 == 0
                default: flip = ((x + y) % 2 + x * y % 3) % 2 == 0
                }
                if flip { modules[y * size + x].toggle() }
            }
        }
    }

    /// The standard's penalty: runs of five or more, 2×2 blocks of one colour, finder-like patterns, and the
    /// balance of dark and light.
    private func penalty() -> Int {
        var p = 0
        let finder: [Bool] = [true, false, true, true, true, false, true]
        func line(_ at: (Int) -> Bool) {
            var run = 1
            for i in 1..<size {
                if at(i) == at(i - 1) {
                    run += 1
                } else {
                    if run >= 5 { p += 3 + run - 5 }
                    run = 1
                }
            }
            if run >= 5 { p += 3 + run - 5 }
            // 1:1:3:1:1 with four light modules (or the quiet zone) on one side.
            for i in 0...(size - 7) where (0..<7).allSatisfy({ at(i + $0) == finder[$0] }) {
                let before = (1...4).allSatisfy { i - $0 < 0 || !at(i - $0) }
                let after = (7..<11).allSatisfy { i + $0 >= size || !at(i + $0) }
                if before || after { p += 40 }
            }
        }
        for y in 0..<size { line { self[$0, y] } }
        for x in 0..<size { line { self[x, $0] } }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let c = self[x, y]
                if c == self[x + 1, y] && c == self[x, y + 1] && c == self[x + 1, y + 1] { p += 3 }
            }
        }
        let dark = modules.filter { $0 }.count
        let total = size * size
        p += ((abs(dark * 20 - total * 10) + total - 1) / total - 1) * 10
        return p
    }
}

extension QRCode {
    /// Rows for a terminal: two modules a character (`▀`, its upper half in the foreground colour, the lower in the
    /// background), black on bright white whatever the terminal's own colours, within `quiet` light modules.
    public func terminalLines(quiet: Int = 2) -> [String] {
        let range = -quiet..<(size + quiet)
        return stride(from: range.lowerBound, to: range.upperBound, by: 2).map { y in
            var line = ""
            var last: (Bool, Bool)?
            for x in range {
                let cell = (self[x, y], y + 1 < range.upperBound && self[x, y + 1])
                if last == nil || last! != cell {
                    line += "\u{1B}[\(cell.0 ? 30 : 97);\(cell.1 ? 40 : 107)m"
                    last = cell
                }
                line += "▀"
            }
            return line + "\u{1B}[0m"
        }
    }

    /// The code as an SVG image with a quiet zone of four modules, dark on white whatever the page's colours: one
    /// path of unit squares, scaled by the page.
    public func svg(label: String) -> String {
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard self[x, y] else {
                    x += 1
                    continue
                }
                var run = 1
                while self[x + run, y] { run += 1 }
                path += "M\(x + 4) \(y + 4)h\(run)v1h-\(run)z"
                x += run
            }
        }
        let side = size + 8
        var escaped = ""
        for c in label {
            switch c {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case "\"": escaped += "&quot;"
            default: escaped.append(c)
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(side) \(side)\" role=\"img\" aria-label=\"\(escaped)\""
            + " shape-rendering=\"crispEdges\"><rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/>"
            + "<path d=\"\(path)\" fill=\"#000\"/></svg>"
    }

    /// ESC/POS `GS v 0`: the code as a raster image of `dots` × `dots` per module with a quiet zone of four, which
    /// every ESC/POS printer with raster graphics prints (the TM-T88II and later, and the printers that copy it).
    public func escposRaster(dots: Int) -> [UInt8] {
        let modules = size + 8
        let width = modules * dots
        let bytesPerRow = (width + 7) / 8
        let height = width
        var b: [UInt8] = [
            0x1D, 0x76, 0x30, 0, UInt8(bytesPerRow & 0xFF), UInt8(bytesPerRow >> 8), UInt8(height & 0xFF),
            UInt8(height >> 8),
        ]
        for row in 0..<height {
            var bytes = [UInt8](repeating: 0, count: bytesPerRow)
            for column in 0..<width where self[column / dots - 4, row / dots - 4] {
                bytes[column >> 3] |= 0x80 >> UInt8(column & 7)
            }
            b += bytes
        }
        return b
    }
}

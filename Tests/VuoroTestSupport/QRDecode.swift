// Reads a QR code back with zbarimg (Debian's zbar-tools), an independent decoder: what a phone's camera would do.
import Foundation
import VuoroChild

public let zbarimg = findProgram("zbarimg")

/// The text zbarimg reads from `rows` (true for dark), drawn `scale` pixels a module with a light margin of
/// four modules; nil when it finds no code.
public func decodeQR(_ rows: [[Bool]], scale: Int = 4) throws -> String? {
    let width = (rows.map(\.count).max() ?? 0) + 8
    let height = rows.count + 8
    var pbm = "P1\n\(width * scale) \(height * scale)\n"
    for y in 0..<height {
        let row = y >= 4 && y < height - 4 ? rows[y - 4] : []
        let line = (0..<width).map { x -> String in
            let dark = x >= 4 && x - 4 < row.count && row[x - 4]
            return String(repeating: dark ? "1 " : "0 ", count: scale)
        }.joined()
        pbm += String(repeating: line + "\n", count: scale)
    }
    let path = NSTemporaryDirectory() + "qr-\(UUID().uuidString).pbm"
    try pbm.write(toFile: path, atomically: true, encoding: .ascii)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let (status, out, _) = try runChild(zbarimg ?? "/usr/bin/zbarimg", ["-q", "--raw", path], timeout: 30)
    guard status == 0 else { return nil }
    var text = String(decoding: out, as: UTF8.self)
    if text.hasSuffix("\n") { text.removeLast() }
    return text
}

/// The image of an ESC/POS `GS v 0` raster at `offset` in `bytes`, one row of dots per element; nil when there
/// is none there.
public func rasterImage(_ bytes: [UInt8], at offset: Int) -> [[Bool]]? {
    guard offset + 8 <= bytes.count, bytes[offset..<(offset + 4)].elementsEqual([0x1D, 0x76, 0x30, 0]) else {
        return nil
    }
    let bytesPerRow = Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8
    let height = Int(bytes[offset + 6]) | Int(bytes[offset + 7]) << 8
    let start = offset + 8
    guard start + bytesPerRow * height <= bytes.count else { return nil }
    return (0..<height).map { y in
        (0..<(bytesPerRow * 8)).map { x in bytes[start + y * bytesPerRow + x / 8] & (0x80 >> UInt8(x % 8)) != 0 }
    }
}

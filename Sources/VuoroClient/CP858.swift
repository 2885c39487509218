// Code page 858 (PC858, code page 850 with the euro sign at D5), which Epson printers select with ESC t 19.
// Linux Swift has no encoder for it, so here is the table.

public enum CP858 {
    /// The characters of bytes 0x80 to 0xFF.
    public static let high: [Unicode.Scalar] = Array(
        "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈ€ÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u{AD}±‗¾¶§÷¸°¨·¹³²■\u{A0}"
            .unicodeScalars)

    static let index: [Unicode.Scalar: UInt8] = {
        var d: [Unicode.Scalar: UInt8] = [:]
        for (i, s) in high.enumerated() { d[s] = UInt8(0x80 + i) }
        return d
    }()

    /// Whether every character of `text` is in ASCII or the code page.
    public static func covers(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.value < 0x80 || index[$0] != nil }
    }

    /// Encodes text; a character the code page lacks becomes `?`.
    public static func encode(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for s in text.unicodeScalars {
            if s.value < 0x80 {
                out.append(UInt8(s.value))
            } else {
                out.append(index[s] ?? 0x3F)
            }
        }
        return out
    }

    /// Decodes bytes of the code page (for tests and the ESC/POS decoder).
    public static func decode(_ bytes: [UInt8]) -> String {
        var s = ""
        for b in bytes { s.unicodeScalars.append(b < 0x80 ? Unicode.Scalar(b) : high[Int(b) - 0x80]) }
        return s
    }
}
